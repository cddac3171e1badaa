// What the two documents share, and their rendering.
#include "jobs/documents/documents.h"

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
