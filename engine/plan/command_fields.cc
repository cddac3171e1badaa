#include "engine/plan/command_fields.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>

#include "engine/plan/command.h"
#include "engine/plan/plan_state.h"
#include "engine/util/time.h"

namespace jalon {
namespace command_internal {
namespace {

const std::vector<std::string> kValues = {"listening",  "kindness",  "support",
                                          "reactivity", "proximity", "adaptability"};
const std::vector<std::string> kAmbitions = {"user_relationship", "efficiency", "social_innovation",
                                             "ways_of_working"};

bool IsId(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return std::isalnum(static_cast<unsigned char>(s[0]));
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

Status CheckScores(const std::string& field, const Json& v, const std::vector<std::string>& names) {
  if (!v.is_object()) return Bad(field, "must be an object of scores 0-3");
  for (const auto& [k, score] : v.items()) {
    if (std::find(names.begin(), names.end(), k) == names.end()) {
      return Bad(field + "." + k, "unknown key; expected one of " + Join(names));
    }
    if (!score.is_number_integer() || score.get<int64_t>() < 0 || score.get<int64_t>() > 3) {
      return Bad(field + "." + k, "must be an integer score from 0 to 3");
    }
  }
  return Status::Ok();
}

Status CheckObjectKeys(const std::string& field, const Json& v, const std::set<std::string>& keys) {
  for (const auto& [k, unused] : v.items()) {
    if (!keys.contains(k)) return Bad(field + "." + k, "unknown field");
  }
  for (const auto& k : keys) {
    if (!v.contains(k)) return Bad(field + "." + k, "is required");
  }
  return Status::Ok();
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// A finite number within [lo, hi]; `what` says what is expected.
Status CheckNumber(const std::string& field, const Json& v, double lo, double hi,
                   const std::string& what) {
  if (!v.is_number()) return Bad(field, "must be a number (" + what + ")");
  const double x = v.get<double>();
  if (!std::isfinite(x)) return Bad(field, "must be a finite number (" + what + ")");
  if (x < lo || x > hi) return Bad(field, Number(x) + " is out of bounds (" + what + ")");
  return Status::Ok();
}

// A scenario's means: the staff and the budget of each year, and the cost of
// its new projects; which years the plan's period holds is the rule's.
Status CheckMeans(const std::string& field, const Json& v) {
  if (!v.is_object()) return Bad(field, "must be an object");
  for (const auto& [key, part] : v.items()) {
    const std::string at = field + "." + key;
    if (key == "new_projects_eur") {
      JALON_RETURN_IF_ERROR(CheckNumber(at, part, 0, kMaxBudgetEur,
                                        "euros, >= 0 and at most " + Number(kMaxBudgetEur)));
      continue;
    }
    if (key != "fte" && key != "budget_eur") return Bad(at, "unknown field");
    if (!part.is_object()) return Bad(at, "must be an object");
    for (const auto& [year, x] : part.items()) {
      const bool is_year = year.size() == 4 && std::all_of(year.begin(), year.end(), [](char c) {
                             return c >= '0' && c <= '9';
                           });
      if (!is_year) return Bad(at + "." + year, "not a year (YYYY)");
      JALON_RETURN_IF_ERROR(
          key == "fte" ? CheckNumber(at + "." + year, x, 0, kMaxFte,
                                     "full-time equivalents, >= 0 and at most " + Number(kMaxFte))
                       : CheckNumber(at + "." + year, x, 0, kMaxBudgetEur,
                                     "euros, >= 0 and at most " + Number(kMaxBudgetEur)));
    }
  }
  return Status::Ok();
}

Status CheckMeasure(const std::string& field, const Json& v) {
  return CheckNumber(field, v, -kMaxMeasure, kMaxMeasure,
                     "from -" + Number(kMaxMeasure) + " to " + Number(kMaxMeasure));
}

int YearOf(int32_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day))};
  return static_cast<int>(ymd.year());
}

// A date YYYY-MM-DD within the years kFirstYear to kLastYear.
Status CheckDate(const std::string& field, const Json& v) {
  if (!v.is_string()) return Bad(field, "not a date (expected a string YYYY-MM-DD)");
  auto d = ParseDate(v.get<std::string>());
  if (!d.ok()) return Bad(field, d.status().message());
  const int year = YearOf(DayOf(*d));
  if (year < kFirstYear || year > kLastYear) {
    return Bad(field, v.get<std::string>() + " is not a plausible date (years " +
                          std::to_string(kFirstYear) + " to " + std::to_string(kLastYear) + ")");
  }
  return Status::Ok();
}

// A review's decisions: one text (as older reviews have them), or a list
// of decisions each with its text and the actions and indicators it
// concerns. Whether those exist is the rule's concern.
Status CheckDecisions(const std::string& name, const Json& v) {
  if (v.is_string()) {
    if (v.get_ref<const std::string&>().size() > kMaxLongText)
      return Bad(name, "longer than 256 KiB");
    return Status::Ok();
  }
  if (!v.is_array()) return Bad(name, "must be a text or a list of {text, concerns}");
  if (v.size() > kMaxArray) return Bad(name, "more than 1000 items");
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string item = name + "[" + std::to_string(i) + "]";
    if (!v[i].is_object()) return Bad(item, "must be an object {text, concerns}");
    JALON_RETURN_IF_ERROR(CheckObjectKeys(item, v[i], {"text", "concerns"}));
    const Json& text = v[i].contains("text") ? v[i]["text"] : Json();
    if (!text.is_string() || text.get_ref<const std::string&>().empty())
      return Bad(item + ".text", "must be a non-empty string");
    if (text.get_ref<const std::string&>().size() > kMaxLongText)
      return Bad(item + ".text", "longer than 256 KiB");
    const Json& concerns = v[i]["concerns"];
    if (!concerns.is_array()) return Bad(item + ".concerns", "must be an array");
    if (concerns.size() > kMaxArray) return Bad(item + ".concerns", "more than 1000 items");
    std::set<std::string> seen;
    for (size_t k = 0; k < concerns.size(); ++k) {
      const std::string c = item + ".concerns[" + std::to_string(k) + "]";
      const Json& x = concerns[k];
      const bool ok =
          x.is_string() && ((x.get_ref<const std::string&>().starts_with("action/") &&
                             IsId(x.get_ref<const std::string&>().substr(7))) ||
                            (x.get_ref<const std::string&>().starts_with("indicator/") &&
                             IsId(x.get_ref<const std::string&>().substr(10))));
      if (!ok) return Bad(c, "must be \"action/ID\" or \"indicator/ID\"");
      if (!seen.insert(x.get<std::string>()).second) return Bad(c, "listed twice");
    }
  }
  return Status::Ok();
}

}  // namespace

Status Bad(const std::string& field, const std::string& rule) {
  return Status::InvalidArgument(field + ": " + rule);
}

Status CheckValue(const Field& f, const Json& v) {
  const std::string name = f.name;
  switch (f.kind) {
    case Kind::kName:
      if (!v.is_string()) return Bad(name, "must be a string");
      if (v.get_ref<const std::string&>().empty()) return Bad(name, "must not be empty");
      if (v.get_ref<const std::string&>().size() > kMaxShortText)
        return Bad(name, "longer than 4096 bytes");
      return Status::Ok();
    case Kind::kText:
      if (!v.is_string()) return Bad(name, "must be a string");
      if (v.get_ref<const std::string&>().size() > kMaxLongText)
        return Bad(name, "longer than 256 KiB");
      return Status::Ok();
    case Kind::kCode:
      if (!v.is_string() || !IsValidDirectionCode(v.get<std::string>())) {
        return Bad(name,
                   "not a direction code (1 to 16 of A-Z, 0-9, '-', '_', starting with a letter)");
      }
      return Status::Ok();
    case Kind::kId:
      if (!v.is_string() || !IsId(v.get<std::string>())) {
        return Bad(name, "not an id (1 to 64 of letters, digits, '.', '_', '-')");
      }
      return Status::Ok();
    case Kind::kDate:
      return CheckDate(name, v);
    case Kind::kTrue:
      if (v != true) return Bad(name, "must be true (or left out)");
      return Status::Ok();
    case Kind::kMeasure:
      return CheckMeasure(name, v);
    case Kind::kMeans:
      return CheckMeans(name, v);
    case Kind::kBudget:
      return CheckNumber(name, v, 0, kMaxBudgetEur,
                         "euros, >= 0 and at most " + Number(kMaxBudgetEur));
    case Kind::kFte:
      return CheckNumber(name, v, 0, kMaxFte,
                         "full-time equivalents, >= 0 and at most " + Number(kMaxFte));
    case Kind::kAgents:
      if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > kMaxAgents) {
        return Bad(name, "must be an integer from 0 to " + std::to_string(kMaxAgents));
      }
      return Status::Ok();
    case Kind::kPercent:
      if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0 ||
          v.get<double>() > 100) {
        return Bad(name, "must be a percentage from 0 to 100");
      }
      return Status::Ok();
    case Kind::kValues:
      return CheckScores(name, v, kValues);
    case Kind::kAmbitions:
      return CheckScores(name, v, kAmbitions);
    case Kind::kNames:
    case Kind::kIds: {
      if (!v.is_array()) return Bad(name, "must be an array");
      if (v.size() > kMaxArray) return Bad(name, "more than 1000 items");
      std::set<std::string> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string item = name + "[" + std::to_string(i) + "]";
        if (!v[i].is_string() || v[i].get_ref<const std::string&>().empty()) {
          return Bad(item, "must be a non-empty string");
        }
        if (f.kind == Kind::kIds) {
          if (!IsId(v[i].get<std::string>())) return Bad(item, "not an id");
          if (!seen.insert(v[i].get<std::string>()).second) return Bad(item, "listed twice");
        }
      }
      return Status::Ok();
    }
    case Kind::kEnum:
      if (!v.is_string() ||
          std::find(f.choices.begin(), f.choices.end(), v.get<std::string>()) == f.choices.end()) {
        return Bad(name, "must be one of " + Join(f.choices));
      }
      return Status::Ok();
    case Kind::kDatedValue:
      if (!v.is_object()) return Bad(name, "must be an object {value, date}");
      JALON_RETURN_IF_ERROR(CheckObjectKeys(name, v, {"value", "date"}));
      JALON_RETURN_IF_ERROR(CheckMeasure(name + ".value", v["value"]));
      return CheckDate(name + ".date", v["date"]);
    case Kind::kEvidence:
      if (!v.is_object()) {
        return Bad(name, "required: rely on facts, not intuitions (an object {source, date})");
      }
      JALON_RETURN_IF_ERROR(CheckObjectKeys(name, v, {"source", "date"}));
      if (!v["source"].is_string() || v["source"].get_ref<const std::string&>().empty()) {
        return Bad(name + ".source", "must name the fact the item rests on");
      }
      return CheckDate(name + ".date", v["date"]);
    case Kind::kAttachedTo: {
      if (!v.is_string()) return Bad(name, "must be \"plan\", \"axis:ID\" or \"action:ID\"");
      const std::string s = v.get<std::string>();
      if (s == "plan") return Status::Ok();
      for (const char* prefix : {"axis:", "action:"}) {
        if (s.starts_with(prefix) && IsId(s.substr(std::string_view(prefix).size())))
          return Status::Ok();
      }
      return Bad(name, "must be \"plan\", \"axis:ID\" or \"action:ID\"");
    }
    case Kind::kDecisions:
      return CheckDecisions(name, v);
  }
  return Status::Internal("unhandled field kind");
}

}  // namespace command_internal

bool IsPlausibleDate(Instant t) {
  const int year = command_internal::YearOf(DayOf(t));
  return year >= command_internal::kFirstYear && year <= command_internal::kLastYear;
}

}  // namespace jalon
