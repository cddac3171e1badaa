#include "engine/plan/command.h"

#include <algorithm>

#include "engine/log/payload.h"
#include "engine/plan/command_dates.h"
#include "engine/plan/command_fields.h"
#include "engine/plan/command_internal.h"

namespace jalon {
namespace command_internal {

const SpecTable& Specs() {
  static const auto* specs = [] {
    auto* table = new SpecTable;
    AddWritingRules(*table);
    AddActionRules(*table);
    AddIndicatorRules(*table);
    AddLifeRules(*table);
    return table;
  }();
  return *specs;
}

}  // namespace command_internal

using command_internal::Bad;
using command_internal::CheckDates;
using command_internal::CheckInWindow;
using command_internal::CheckValue;
using command_internal::Field;
using command_internal::kPlanWindow;
using command_internal::Spec;
using command_internal::Specs;
using command_internal::Window;
using command_internal::WindowOf;

namespace {

Status ImplausibleEffectiveAt() {
  using command_internal::kFirstYear;
  using command_internal::kLastYear;
  return Bad("effective_at", "not a plausible date (years " + std::to_string(kFirstYear) + " to " +
                                 std::to_string(kLastYear) + ")");
}

}  // namespace

std::pair<std::string, std::string> SplitFieldError(const std::string& message) {
  const size_t colon = message.find(": ");
  if (colon == std::string::npos) return {"", message};
  return {message.substr(0, colon), message.substr(colon + 2)};
}

const std::vector<std::string>& CommandTypes() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> out;
    for (const auto& [type, spec] : Specs()) out.push_back(type);
    return out;
  }();
  return types;
}

std::string EventTypeOf(const std::string& command_type) {
  auto it = Specs().find(command_type);
  return it == Specs().end() ? std::string() : it->second.event;
}

Result<Command> ParseCommand(const Json& j) {
  if (!j.is_object())
    return Bad("body", "must be a JSON object {type, command_id?, expected_version?, data}");
  Command c;
  for (const auto& [key, value] : j.items()) {
    if (key == "type") {
      if (!value.is_string()) return Bad("type", "must be a string");
      c.type = value.get<std::string>();
    } else if (key == "command_id") {
      if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
          value.get_ref<const std::string&>().size() > 128) {
        return Bad("command_id", "must be a string of 1 to 128 bytes");
      }
      c.command_id = value.get<std::string>();
    } else if (key == "expected_version") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        return Bad("expected_version", "must be an integer >= 0");
      }
      c.expected_version = value.get<uint64_t>();
    } else if (key == "effective_at") {
      if (!value.is_string()) return Bad("effective_at", "not a date");
      auto t = ParseInstant(value.get<std::string>());
      if (!t.ok()) return Bad("effective_at", t.status().message());
      if (!IsPlausibleDate(*t)) return ImplausibleEffectiveAt();
      c.effective_at = *t;
    } else if (key == "data") {
      if (!value.is_object()) return Bad("data", "must be an object");
      c.data = value;
    } else {
      return Bad(key,
                 "unknown field (expected type, command_id, expected_version, effective_at, data)");
    }
  }
  if (c.type.empty()) return Bad("type", "is required");
  if (!Specs().contains(c.type)) {
    return Bad("type", "unknown command type '" + c.type + "'");
  }
  return c;
}

Result<std::string> CommandDirection(const Command& command) {
  const char* field = command.type == "RegisterDirection" ? "code" : "direction";
  if (!command.data.contains(field)) return Bad(std::string("data.") + field, "is required");
  const Json& v = command.data[field];
  if (!v.is_string() || !IsValidDirectionCode(v.get<std::string>())) {
    return Bad(std::string("data.") + field,
               "not a direction code (1 to 16 of A-Z, 0-9, '-', '_', starting with a letter)");
  }
  return v.get<std::string>();
}

Result<Decision> Decide(const PlanState& state, const Command& command, Instant now) {
  auto it = Specs().find(command.type);
  if (it == Specs().end()) return Bad("type", "unknown command type '" + command.type + "'");
  const Spec& spec = it->second;
  const Json& data = command.data;
  Json normalized = Json::object();
  for (const auto& item : data.items()) {
    const std::string& key = item.key();  // (clang 14 cannot capture a structured binding)
    const bool known = std::any_of(spec.fields.begin(), spec.fields.end(),
                                   [&](const Field& f) { return key == f.name; });
    if (!known) return Bad(key, "unknown field for " + command.type);
  }
  for (const Field& f : spec.fields) {
    if (!data.contains(f.name)) {
      if (f.required) {
        // The methodology's own words for the one field it insists on.
        return Bad(f.name,
                   f.kind == command_internal::Kind::kEvidence
                       ? "required: rely on facts, not intuitions (an object {source, date})"
                       : "is required");
      }
      continue;
    }
    JALON_RETURN_IF_ERROR(CheckValue(f, data[f.name]));
    normalized[f.name] = data[f.name];
  }
  auto direction = CommandDirection(command);
  if (!direction.ok()) return direction.status();
  JALON_RETURN_IF_ERROR(CheckDates(command.type, spec.fields, state, normalized, now));
  JALON_RETURN_IF_ERROR(spec.check(state, normalized));
  const bool dated_by_field =
      spec.effective_field != nullptr && normalized.contains(spec.effective_field);
  if (command.effective_at && !dated_by_field) {
    // The envelope's date stands for the change's own date. An import gives
    // the plan's date to every change the format leaves undated, so the
    // window is the plan's, not the one of the command's own date field.
    if (!IsPlausibleDate(*command.effective_at)) return ImplausibleEffectiveAt();
    Window w = kPlanWindow;
    w.fact = WindowOf(command.type, "").fact;
    JALON_RETURN_IF_ERROR(
        CheckInWindow(w, "effective_at", DayOf(*command.effective_at), state, DayOf(now)));
  }

  NewEvent event;
  event.type = spec.event;
  event.schema_version = 1;
  event.effective_at = now;
  if (dated_by_field) {
    event.effective_at = ParseDate(normalized[spec.effective_field].get<std::string>()).value();
  } else if (command.effective_at) {
    event.effective_at = *command.effective_at;
  }
  event.payload = EncodePayload(normalized);
  Decision decision;
  decision.stream = PlanStream(*direction);
  decision.events.push_back(std::move(event));
  return decision;
}

}  // namespace jalon
