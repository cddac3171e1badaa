// What the two documents share, and their rendering.
#include "jobs/documents/documents.h"

#include "engine/plan/cycle.h"
#include "jobs/documents/document_parts.h"
#include "jobs/documents/labels.h"

namespace jalon::jobs {
namespace document_parts {

Instant Today(const PlanService& service) {
  return std::chrono::floor<std::chrono::days>(service.clock().Now());
}

Json PlanHeader(const PlanState& state) {
  Json plan = state.plan.is_object() ? state.plan : Json::object();
  return {{"title", plan.value("title", "")},
          {"period_start", plan.value("period_start", "")},
          {"period_end", plan.value("period_end", "")}};
}

Result<PlanState> CheckedState(const PlanService& service, const std::string& code) {
  if (!IsValidDirectionCode(code))
    return Status::InvalidArgument("direction: not a direction code");
  auto state = service.State(code, TimeQuery{});
  if (!state.ok()) return state;
  if (!state->plan_open()) return Status::NotFound("direction '" + code + "' has no plan yet");
  return state;
}

Result<PlanState> CycleState(const PlanService& service, const std::string& code,
                             const PlanState& current, int cycle) {
  const int now = CycleOf(current);
  if (cycle < 0) return Status::InvalidArgument("cycle: cycles are numbered from 1");
  if (cycle == 0 || cycle == now) return current;
  const Json cycles =
      current.plan.is_object() ? current.plan.value("previous_cycles", Json::array()) : Json();
  for (const Json& c : cycles) {
    if (c.value("cycle", 0) != cycle) continue;
    TimeQuery when;
    when.position = c.at("last_position").get<uint64_t>();
    return service.State(code, when);
  }
  return Status::NotFound("cycle: the plan of '" + code + "' has cycles 1 to " +
                          std::to_string(now) + ", no cycle " + std::to_string(cycle));
}

Json CycleJson(const PlanState& state, const PlanState& current) {
  const int n = CycleOf(state), now = CycleOf(current);
  Json out = {{"number", n}, {"current", n == now}, {"at_close", false}};
  const Json cycles =
      current.plan.is_object() ? current.plan.value("previous_cycles", Json::array()) : Json();
  for (const Json& c : cycles) {
    if (n != now && c.value("cycle", 0) == n)
      out["at_close"] = state.last_position == c.value("last_position", uint64_t{0});
  }
  // A plan that has had one cycle only says nothing of cycles.
  out["cycles"] = now;
  return out;
}

std::string CycleText(const Json& cycle) {
  if (!cycle.is_object() || cycle.value("cycles", 1) <= 1) return {};
  const std::string n = std::to_string(cycle.value("number", 1));
  return n + (cycle.value("current", true) ? " (en cours)" : " (cycle précédent)");
}

std::string ValueText(const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return fr::DateText(v.get<std::string>());
  if (v.is_number()) return fr::Number(v);
  if (v.is_boolean()) return v.get<bool>() ? "oui" : "non";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Truncated(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

// A value with its unit, or "—".
std::string WithUnit(const Json& value, const std::string& unit) {
  if (!value.is_number()) return "—";
  return fr::Number(value) + (unit.empty() ? "" : " " + unit);
}

// An amount in euros ("12 000 €"), or "—".
std::string Euros(const Json& value) {
  if (!value.is_number()) return "—";
  std::string n = fr::Number(value);
  // Thousands separated by a narrow no-break space, as French writes them.
  const size_t comma = n.find(',');
  size_t digits_end = comma == std::string::npos ? n.size() : comma;
  const size_t first = n[0] == '-' ? 1 : 0;
  for (size_t i = digits_end; i > first + 3; i -= 3) n.insert(i - 3, "\u202f");
  return n + "\u00a0€";
}

}  // namespace document_parts

Result<std::string> RenderDocument(const Json& data, const std::string& format) {
  if (format == "json") return data.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  if (format != "md" && format != "html")
    return Status::InvalidArgument("format: must be md, html or json");
  const std::string kind = data.value("format", "");
  Document doc = kind == "jalon.review-doc/1" ? ReviewDocument(data) : BriefDocument(data);
  return format == "md" ? doc.ToMarkdown() : doc.ToHtml();
}

}  // namespace jalon::jobs
