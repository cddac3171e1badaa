#include "engine/plan/command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include "engine/log/payload.h"

namespace jalon {
namespace {

constexpr size_t kMaxShortText = 4096;       // titles, names, owners, sources
constexpr size_t kMaxLongText = 256 * 1024;  // sections, descriptions, decisions
constexpr size_t kMaxArray = 1000;

// Bounds of the numbers a plan holds. Values beyond them are typing errors
// or probes, not plans, and far beyond them the gauges' sums and products
// overflow to infinity and the dashboard shows null. Each bound is well
// above anything a city's department has.
// An action's budget: 100 billion euros is more than the whole yearly
// budget of any French city (Paris spends about 10 billion).
constexpr double kMaxBudgetEur = 1e11;
// An action's staff in full-time equivalents: a department has hundreds of
// agents, a whole city tens of thousands.
constexpr double kMaxFte = 10'000;
// The identity card's number of agents: above the staff of the largest
// city administration.
constexpr int64_t kMaxAgents = 100'000;
// A measurement, a baseline or a target: counts, euros, percentages and
// delays all fit within a thousand billion either way, and the attainment
// formula's differences stay exact enough to compare.
constexpr double kMaxMeasure = 1e12;

// Dates. A plan is set in living memory: a year 0, 1900 or 9999 is a typing
// error, and such dates would push the gauges' day arithmetic past what a
// date can show. Every date of every command lies within these years.
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2100;
// A projet de direction runs four to five years; a period of more than
// this is a typing error that would widen every window below.
constexpr int kMaxPeriodYears = 10;
// How far before its period a plan's facts may lie: the baseline of an
// indicator, the evidence of a SWOT item or the state of play describe the
// years before the plan, but not a decade before it.
constexpr int kYearsBeforePeriod = 10;
// How far after its period: a target may fall due, a measurement, a review
// or a completion may be recorded a little after the period's end (the
// final evaluation looks back on the cycle), but not years later.
constexpr int kYearsAfterPeriod = 3;

const std::vector<std::string> kSections = {"presentation",
                                            "legal",
                                            "history",
                                            "local",
                                            "identity",
                                            "users",
                                            "resources",
                                            "reception",
                                            "partnerships",
                                            "services",
                                            "participation",
                                            "prospective_needs",
                                            "prospective_impacts",
                                            "strategies"};
const std::vector<std::string> kValues = {"listening",  "kindness",  "support",
                                          "reactivity", "proximity", "adaptability"};
const std::vector<std::string> kAmbitions = {"user_relationship", "efficiency", "social_innovation",
                                             "ways_of_working"};
const std::vector<std::string> kQuadrants = {"internal_strength", "internal_weakness",
                                             "external_strength", "external_weakness"};

enum class Kind {
  kName,        // non-empty short text
  kText,        // text, may be empty, long
  kCode,        // direction code
  kId,          // entity id
  kDate,        // YYYY-MM-DD
  kMeasure,     // finite number, |v| <= kMaxMeasure
  kBudget,      // number in [0, kMaxBudgetEur]
  kFte,         // number in [0, kMaxFte]
  kAgents,      // integer in [0, kMaxAgents]
  kPercent,     // number in [0, 100]
  kValues,      // {value name: 0..3}
  kAmbitions,   // {ambition name: 0..3}
  kNames,       // array of non-empty short texts
  kIds,         // array of ids
  kEnum,        // one of `choices`
  kDatedValue,  // {value: measure, date: date}
  kEvidence,    // {source: name, date: date}
  kAttachedTo,  // "plan" | "axis:ID" | "action:ID"
};

struct Field {
  const char* name;
  Kind kind;
  bool required;
  std::vector<std::string> choices = {};
};

using Check = std::function<Status(const PlanState&, const Json&)>;

struct Spec {
  const char* event;
  std::vector<Field> fields;
  const char* effective_field;  // data field that gives the business date, or nullptr
  Check check;
};

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

Status Bad(const std::string& field, const std::string& rule) {
  return Status::InvalidArgument(field + ": " + rule);
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
    case Kind::kMeasure:
      return CheckMeasure(name, v);
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
  }
  return Status::Internal("unhandled field kind");
}

// --- semantic checks against the current state ------------------------------

Status NeedPlan(const PlanState& s) {
  if (!s.registered()) return Bad("direction", "no such direction; register it first");
  if (!s.plan_open()) return Bad("direction", "the direction has no open plan; use OpenPlan first");
  return Status::Ok();
}

Status NeedNew(const Collection& c, const Json& d, const char* what) {
  if (c.Contains(d.at("id").get<std::string>())) {
    return Bad("id", std::string(what) + " '" + d.at("id").get<std::string>() + "' already exists");
  }
  return Status::Ok();
}

Status NoSuch(const char* field, const char* what, const std::string& id) {
  return Bad(field, std::string("no ") + what + " '" + id + "' in this plan");
}

// The entity named by d[field] exists; checked without decoding it.
Status NeedId(const Collection& c, const Json& d, const char* field, const char* what) {
  const std::string id = d.at(field).get<std::string>();
  return c.Contains(id) ? Status::Ok() : NoSuch(field, what, id);
}

Result<Json> NeedExisting(const Collection& c, const Json& d, const char* field, const char* what) {
  const std::string id = d.at(field).get<std::string>();
  std::optional<Json> item = c.Find(id);
  if (!item) return NoSuch(field, what, id);
  return std::move(*item);
}

// The entity named by d[field] exists in the open plan and does not carry
// `flag` (retired, ...); otherwise `rule` names what is wrong with it.
Status NeedActive(const PlanState& s, const Collection& c, const Json& d, const char* field,
                  const char* what, const char* flag, const std::string& rule) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  const std::string id = d.at(field).get<std::string>();
  const std::optional<EntityFields> item = c.FieldsOf(id);  // `flag` is a top-level boolean
  if (!item) return NoSuch(field, what, id);
  if (item->Flag(flag)) return Bad(field, rule);
  return Status::Ok();
}

// Where an action stands in the plan's lifecycle (docs/lifecycle.md).
enum class ActionStage { kOpen, kDone, kCancelled, kAxisDropped };

// A cancelled action stays cancelled whatever befalls its axis; an action
// left open or done when its axis is dropped leaves the plan with it.
ActionStage StageOf(const PlanState& s, const Json& action) {
  const std::string status = action.value("status", "");
  if (status == "cancelled") return ActionStage::kCancelled;
  const std::optional<EntityFields> axis = s.axes.FieldsOf(action.value("axis", ""));
  if (axis && axis->Flag("dropped")) return ActionStage::kAxisDropped;
  return status == "done" ? ActionStage::kDone : ActionStage::kOpen;
}

// The refusal of `command` on an action in `stage`, naming the action, its
// state and the reason (the cells of docs/lifecycle.md).
Status ClosedAction(const char* field, const Json& action, ActionStage stage,
                    const std::string& why) {
  const std::string id = "action '" + action.value("id", "") + "'";
  switch (stage) {
    case ActionStage::kCancelled:
      return Bad(field, id + " was cancelled: " + why);
    case ActionStage::kDone:
      return Bad(field, id + " is done: " + why);
    case ActionStage::kAxisDropped:
      return Bad(field, id + " belongs to axis '" + action.value("axis", "") +
                            "', which was dropped: " + why);
    case ActionStage::kOpen:
      break;
  }
  return Status::Ok();
}

// An action of the open plan that is neither done nor cancelled.
Status NeedOpenAction(const PlanState& s, const Json& d) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  auto a = NeedExisting(s.actions, d, "action", "action");
  if (!a.ok()) return a.status();
  const std::string status = a->value("status", "");
  if (status == "done" || status == "cancelled")
    return Bad("action", "the action is already " + status);
  return Status::Ok();
}

Status NeedAxisNotDropped(const PlanState& s, const std::string& field,
                          const std::string& axis_id) {
  const std::optional<Json> axis = s.axes.Find(axis_id);
  if (!axis) return Bad(field, "no axis '" + axis_id + "' in this plan");
  if (axis->value("dropped", false)) return Bad(field, "axis '" + axis_id + "' was dropped");
  return Status::Ok();
}

Status CheckStartDue(const std::string& start, const std::string& due, const char* field) {
  if (ParseDate(start).value() > ParseDate(due).value()) {
    return Bad(field, "start (" + start + ") is after due (" + due + ")");
  }
  return Status::Ok();
}

Status CheckMissionRefs(const PlanState& s, const Json& missions) {
  for (size_t i = 0; i < missions.size(); ++i) {
    if (!s.missions.Contains(missions[i].get<std::string>())) {
      return Bad("missions[" + std::to_string(i) + "]",
                 "no mission '" + missions[i].get<std::string>() + "' in this plan");
    }
  }
  return Status::Ok();
}

Status NeedOneOf(const Json& d, std::initializer_list<const char*> fields) {
  for (const char* f : fields) {
    if (d.contains(f)) return Status::Ok();
  }
  std::string names;
  for (const char* f : fields) names += (names.empty() ? "" : ", ") + std::string(f);
  return Bad("data", "nothing to change: give at least one of " + names);
}

// --- dates against the plan's period and today -----------------------------

// The same day `years` later (earlier if negative); 29 February becomes
// 28 February in a year that has none.
int32_t ShiftYears(int32_t day, int years) {
  using namespace std::chrono;
  year_month_day ymd{sys_days(days(day))};
  ymd += std::chrono::years(years);
  if (!ymd.ok()) ymd = year_month_day_last(ymd.year(), month_day_last(ymd.month()));
  return static_cast<int32_t>(sys_days(ymd).time_since_epoch().count());
}

// Where a date field may lie, relative to the plan's period [start, end]:
// from `years_before` years before its start to `years_after` years after
// its end, and not after today if `until_today` (`fact` then says why).
struct Window {
  int years_before;
  int years_after;
  const char* fact = nullptr;  // non-null: not after today, because ...
};

// Any date a rule below does not name: the plan's facts describe the years
// just before it, its period, and the few years after it.
constexpr Window kPlanWindow = {kYearsBeforePeriod, kYearsAfterPeriod};

// The window of `field` (a data field, or "baseline.date" and the like) of
// a command of type `type`.
Window WindowOf(std::string_view type, std::string_view field) {
  // An action is carried out within its plan's period: the demo city and
  // the sample plan start and end every action inside it, and the final
  // year is there for the actions that run late.
  if (type == "PlanAction" || type == "RescheduleAction") return {0, 0};
  if (type == "ReportProgress") {
    return {0, kYearsAfterPeriod, "a progress report records what has been done"};
  }
  if (type == "RecordMeasurement" || type == "CorrectMeasurement") {
    return {kYearsBeforePeriod, kYearsAfterPeriod, "a measurement records what was observed"};
  }
  if (type == "CompleteAction" || type == "CancelAction") {
    return {0, kYearsAfterPeriod, "an action is closed once it has ended"};
  }
  // Reviews and the revision's close belong to the plan's life, within its
  // period or a little after it.
  if (type == "HoldReview" || type == "CloseRevision") return {0, kYearsAfterPeriod};
  // The baseline is the situation the plan starts from: measured before or
  // during the period, never after it. The target is reached within the
  // period or a little after it.
  if (field == "baseline.date") return {kYearsBeforePeriod, 0};
  if (field == "target.date") return {0, kYearsAfterPeriod};
  return kPlanWindow;
}

std::string PeriodText(int32_t start, int32_t end) {
  return "the plan's period " + DateOfDay(start) + " to " + DateOfDay(end);
}

Status CheckInWindow(const Window& w, const std::string& field, int32_t day, const PlanState& s,
                     int32_t today) {
  if (w.fact != nullptr && day > today) {
    return Bad(field, DateOfDay(day) + " is after today (" + DateOfDay(today) + "): " + w.fact);
  }
  if (!s.plan_open()) return Status::Ok();
  const int32_t start = DayOf(s.plan.value("period_start", std::string()));
  const int32_t end = DayOf(s.plan.value("period_end", std::string()));
  const int32_t lo = ShiftYears(start, -w.years_before);
  const int32_t hi = std::min(ShiftYears(end, w.years_after),
                              w.fact != nullptr ? today : std::numeric_limits<int32_t>::max());
  if (day >= lo && day <= hi) return Status::Ok();
  if (w.years_before == 0 && w.years_after == 0) {
    return Bad(field, DateOfDay(day) + " is outside " + PeriodText(start, end));
  }
  return Bad(field, DateOfDay(day) + " is too far from " + PeriodText(start, end) +
                        " (allowed from " + DateOfDay(lo) + " to " + DateOfDay(hi) + ")");
}

// The date rules of a command whose fields are each valid on their own.
Status CheckDates(std::string_view type, const std::vector<Field>& fields, const PlanState& s,
                  const Json& d, Instant now) {
  const int32_t today = DayOf(now);
  if (type == "OpenPlan") {
    const int32_t start = DayOf(d["period_start"].get<std::string>());
    const int32_t end = DayOf(d["period_end"].get<std::string>());
    if (end > ShiftYears(start, kMaxPeriodYears)) {
      return Bad("period_end",
                 "a plan's period lasts at most " + std::to_string(kMaxPeriodYears) + " years");
    }
    const int32_t dated = DayOf(d["dated"].get<std::string>());
    if (dated < ShiftYears(start, -kYearsBeforePeriod) || dated > end) {
      return Bad("dated", d["dated"].get<std::string>() + " is too far from " +
                              PeriodText(start, end) + " (a plan is dated before its end)");
    }
    return Status::Ok();
  }
  for (const Field& f : fields) {
    if (!d.contains(f.name)) continue;
    std::string field = f.name;
    const Json* date = &d[f.name];
    if (f.kind == Kind::kDatedValue || f.kind == Kind::kEvidence) {
      field += ".date";
      date = &d[f.name]["date"];
    } else if (f.kind != Kind::kDate) {
      continue;
    }
    JALON_RETURN_IF_ERROR(
        CheckInWindow(WindowOf(type, field), field, DayOf(date->get<std::string>()), s, today));
  }
  return Status::Ok();
}

// A target is reached after the situation it starts from.
Status CheckTargetAfterBaseline(const std::string& target_date, const std::string& baseline_date) {
  if (DayOf(target_date) < DayOf(baseline_date)) {
    return Bad("target.date",
               target_date + " is before the baseline's date (" + baseline_date + ")");
  }
  return Status::Ok();
}

const std::map<std::string, Spec, std::less<>>& Specs() {
  static const auto* specs = new std::map<std::string, Spec, std::less<>>{
      {"RegisterDirection",
       {"DirectionRegistered",
        {{"code", Kind::kCode, true}, {"name", Kind::kName, true}, {"pole", Kind::kName, false}},
        nullptr,
        [](const PlanState& s, const Json&) {
          if (s.registered())
            return Bad("code", "direction '" + s.code + "' is already registered");
          return Status::Ok();
        }}},
      {"OpenPlan",
       {"PlanOpened",
        {{"direction", Kind::kCode, true},
         {"title", Kind::kName, true},
         {"period_start", Kind::kDate, true},
         {"period_end", Kind::kDate, true},
         {"dated", Kind::kDate, true}},
        "dated",
        [](const PlanState& s, const Json& d) {
          if (!s.registered()) return Bad("direction", "no such direction; register it first");
          if (s.plan_open()) return Bad("direction", "a plan is already open for this direction");
          if (ParseDate(d["period_start"].get<std::string>()).value() >=
              ParseDate(d["period_end"].get<std::string>()).value()) {
            return Bad("period_end", "must be after period_start");
          }
          return Status::Ok();
        }}},
      {"EditSection",
       {"SectionEdited",
        {{"direction", Kind::kCode, true},
         {"section", Kind::kEnum, true, kSections},
         {"text", Kind::kText, false},
         {"site", Kind::kName, false},
         {"agents", Kind::kAgents, false},
         {"activity_volume", Kind::kName, false},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          const bool figures =
              d.contains("site") || d.contains("agents") || d.contains("activity_volume");
          if (figures && d["section"] != "identity") {
            return Bad("section",
                       "site, agents and activity_volume belong to the identity section");
          }
          if (!figures && !d.contains("text")) return Bad("text", "is required");
          return Status::Ok();
        }}},
      {"AddSwotItem",
       {"SwotItemAdded",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"quadrant", Kind::kEnum, true, kQuadrants},
         {"text", Kind::kName, true},
         {"evidence", Kind::kEvidence, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          return NeedNew(s.swot, d, "SWOT item");
        }}},
      {"RemoveSwotItem",
       {"SwotItemRemoved",
        {{"direction", Kind::kCode, true}, {"id", Kind::kId, true}, {"reason", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          return NeedId(s.swot, d, "id", "SWOT item");
        }}},
      {"DefineMission",
       {"MissionDefined",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"title", Kind::kName, true},
         {"description", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          return NeedNew(s.missions, d, "mission");
        }}},
      {"EditMission",
       {"MissionEdited",
        {{"direction", Kind::kCode, true},
         {"mission", Kind::kId, true},
         {"title", Kind::kName, false},
         {"description", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          // A retired mission stays as it was when retired.
          JALON_RETURN_IF_ERROR(NeedActive(s, s.missions, d, "mission", "mission", "retired",
                                           "the mission was retired"));
          return NeedOneOf(d, {"title", "description"});
        }}},
      {"RetireMission",
       {"MissionRetired",
        {{"direction", Kind::kCode, true},
         {"mission", Kind::kId, true},
         {"reason", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          return NeedActive(s, s.missions, d, "mission", "mission", "retired", "already retired");
        }}},
      {"AssessMission",
       {"MissionAssessed",
        {{"direction", Kind::kCode, true},
         {"mission", Kind::kId, true},
         {"values", Kind::kValues, false},
         {"ambitions", Kind::kAmbitions, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedActive(s, s.missions, d, "mission", "mission", "retired",
                                           "the mission was retired"));
          return NeedOneOf(d, {"values", "ambitions"});
        }}},
      {"ProposeAxis",
       {"AxisProposed",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"title", Kind::kName, true},
         {"rationale", Kind::kText, false},
         {"missions", Kind::kIds, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          JALON_RETURN_IF_ERROR(NeedNew(s.axes, d, "axis"));
          return CheckMissionRefs(s, d["missions"]);
        }}},
      {"ValidateAxis",
       {"AxisValidated",
        {{"direction", Kind::kCode, true},
         {"axis", Kind::kId, true},
         {"orientation", Kind::kName, true},
         {"by", Kind::kName, true},
         {"date", Kind::kDate, true}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          return NeedAxisNotDropped(s, "axis", d["axis"].get<std::string>());
        }}},
      {"EditAxis",
       {"AxisEdited",
        {{"direction", Kind::kCode, true},
         {"axis", Kind::kId, true},
         {"title", Kind::kName, false},
         {"rationale", Kind::kText, false},
         {"missions", Kind::kIds, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          // A dropped axis is the record of a choice given up: it stays as
          // it was when dropped.
          JALON_RETURN_IF_ERROR(NeedAxisNotDropped(s, "axis", d["axis"].get<std::string>()));
          if (d.contains("missions")) JALON_RETURN_IF_ERROR(CheckMissionRefs(s, d["missions"]));
          return NeedOneOf(d, {"title", "rationale", "missions"});
        }}},
      {"DropAxis",
       {"AxisDropped",
        {{"direction", Kind::kCode, true},
         {"axis", Kind::kId, true},
         {"reason", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          return NeedAxisNotDropped(s, "axis", d["axis"].get<std::string>());
        }}},
      {"ProposeScenario",
       {"ScenarioProposed",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"title", Kind::kName, true},
         {"axes", Kind::kIds, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          JALON_RETURN_IF_ERROR(NeedNew(s.scenarios, d, "scenario"));
          if (d["axes"].empty()) return Bad("axes", "a scenario orders at least one axis");
          // A scenario orders the axes the plan still pursues.
          for (size_t i = 0; i < d["axes"].size(); ++i) {
            JALON_RETURN_IF_ERROR(NeedAxisNotDropped(s, "axes[" + std::to_string(i) + "]",
                                                     d["axes"][i].get<std::string>()));
          }
          return Status::Ok();
        }}},
      {"RetainScenario",
       {"ScenarioRetained",
        {{"direction", Kind::kCode, true}, {"scenario", Kind::kId, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto scenario = NeedExisting(s.scenarios, d, "scenario", "scenario");
          if (!scenario.ok()) return scenario.status();
          // Retaining is a new decision: it cannot give priority to an axis
          // the plan has given up. Propose a scenario without it.
          for (const Json& axis : scenario->value("axes", Json::array())) {
            if (!axis.is_string()) continue;
            const std::optional<EntityFields> a = s.axes.FieldsOf(axis.get<std::string>());
            if (a && a->Flag("dropped")) {
              return Bad("scenario", "scenario '" + d["scenario"].get<std::string>() +
                                         "' orders axis '" + axis.get<std::string>() +
                                         "', which was dropped");
            }
          }
          return Status::Ok();
        }}},
      {"PlanAction",
       {"ActionPlanned",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"axis", Kind::kId, true},
         {"title", Kind::kName, true},
         {"owner", Kind::kName, true},
         {"start", Kind::kDate, true},
         {"due", Kind::kDate, true},
         {"budget_eur", Kind::kBudget, true},
         {"fte", Kind::kFte, true},
         {"status", Kind::kEnum, false, {"planned", "started"}}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          JALON_RETURN_IF_ERROR(NeedNew(s.actions, d, "action"));
          JALON_RETURN_IF_ERROR(NeedAxisNotDropped(s, "axis", d["axis"].get<std::string>()));
          return CheckStartDue(d["start"].get<std::string>(), d["due"].get<std::string>(), "due");
        }}},
      {"EditAction",
       {"ActionEdited",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"title", Kind::kName, false},
         {"owner", Kind::kName, false},
         {"budget_eur", Kind::kBudget, false},
         {"fte", Kind::kFte, false},
         {"status", Kind::kEnum, false, {"planned", "started"}}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto a = NeedExisting(s.actions, d, "action", "action");
          if (!a.ok()) return a.status();
          const ActionStage stage = StageOf(s, *a);
          if (stage == ActionStage::kCancelled || stage == ActionStage::kAxisDropped) {
            return ClosedAction("action", *a, stage,
                                "it has left the plan and is no longer edited");
          }
          // A done action's record may still be put right (its real cost
          // weighs in the execution gauge), not its status.
          const std::string status = a->value("status", "");
          if (d.contains("status") && (status == "done" || status == "cancelled")) {
            return Bad("status", "the action is " + status + "; its status can no longer change");
          }
          return NeedOneOf(d, {"title", "owner", "budget_eur", "fte", "status"});
        }}},
      {"ReportProgress",
       {"ProgressReported",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"date", Kind::kDate, true},
         {"percent", Kind::kPercent, true},
         {"note", Kind::kText, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto a = NeedExisting(s.actions, d, "action", "action");
          if (!a.ok()) return a.status();
          const std::string axis = a->value("axis", "");
          if (const auto ax = s.axes.Find(axis); ax && ax->value("dropped", false)) {
            return Bad("action", "its axis '" + axis + "' was dropped: no more progress reports");
          }
          if (a->value("status", "") == "cancelled")
            return Bad("action", "the action was cancelled");
          if (a->value("status", "") == "done") {
            return ClosedAction("action", *a, ActionStage::kDone,
                                "its completion stands for its progress (100%)");
          }
          return Status::Ok();
        }}},
      {"RescheduleAction",
       {"ActionRescheduled",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"start", Kind::kDate, false},
         {"due", Kind::kDate, false},
         {"reason", Kind::kName, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          auto a = NeedExisting(s.actions, d, "action", "action");
          if (!a.ok()) return a.status();
          if (const ActionStage stage = StageOf(s, *a); stage != ActionStage::kOpen) {
            return ClosedAction("action", *a, stage, "its dates are history and no longer move");
          }
          JALON_RETURN_IF_ERROR(NeedOneOf(d, {"start", "due"}));
          return CheckStartDue(d.value("start", a->value("start", "")),
                               d.value("due", a->value("due", "")),
                               d.contains("due") ? "due" : "start");
        }}},
      {"CompleteAction",
       {"ActionCompleted",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedOpenAction(s, d));
          const Json a = s.actions.At(d["action"].get<std::string>());
          if (StageOf(s, a) == ActionStage::kAxisDropped) {
            return ClosedAction("action", a, ActionStage::kAxisDropped,
                                "it left the plan with its axis; cancel it instead");
          }
          return Status::Ok();
        }}},
      {"CancelAction",
       {"ActionCancelled",
        {{"direction", Kind::kCode, true},
         {"action", Kind::kId, true},
         {"reason", Kind::kText, false},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) { return NeedOpenAction(s, d); }}},
      {"DefineIndicator",
       {"IndicatorDefined",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"attached_to", Kind::kAttachedTo, true},
         {"kind", Kind::kEnum, true, {"output", "progress", "evaluation"}},
         {"name", Kind::kName, true},
         {"unit", Kind::kText, true},
         {"polarity",
          Kind::kEnum,
          true,
          {"increase", "decrease", "maintain_above", "maintain_below"}},
         {"baseline", Kind::kDatedValue, true},
         {"target", Kind::kDatedValue, true},
         {"frequency", Kind::kEnum, true, {"monthly", "quarterly", "semiannual", "annual"}},
         {"source", Kind::kName, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          JALON_RETURN_IF_ERROR(NeedNew(s.indicators, d, "indicator"));
          const std::string at = d["attached_to"].get<std::string>();
          // An indicator leaves the gauges when its action is cancelled or
          // its axis dropped: one defined on them would never count.
          if (at.starts_with("axis:")) {
            JALON_RETURN_IF_ERROR(NeedAxisNotDropped(s, "attached_to", at.substr(5)));
          }
          if (at.starts_with("action:")) {
            const std::optional<Json> a = s.actions.Find(at.substr(7));
            if (!a) return Bad("attached_to", "no action '" + at.substr(7) + "' in this plan");
            const ActionStage stage = StageOf(s, *a);
            if (stage == ActionStage::kCancelled || stage == ActionStage::kAxisDropped) {
              return ClosedAction("attached_to", *a, stage, "it no longer counts in the gauges");
            }
          }
          return CheckTargetAfterBaseline(d["target"]["date"].get<std::string>(),
                                          d["baseline"]["date"].get<std::string>());
        }}},
      {"ChangeTarget",
       {"TargetChanged",
        {{"direction", Kind::kCode, true},
         {"indicator", Kind::kId, true},
         {"target", Kind::kDatedValue, true},
         {"reason", Kind::kName, true}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedActive(s, s.indicators, d, "indicator", "indicator", "retired",
                                           "the indicator was retired"));
          const Json i = s.indicators.At(d["indicator"].get<std::string>());
          const Json& baseline = i.value("baseline", Json::object());
          if (!baseline.contains("date") || !baseline["date"].is_string()) return Status::Ok();
          return CheckTargetAfterBaseline(d["target"]["date"].get<std::string>(),
                                          baseline["date"].get<std::string>());
        }}},
      {"RetireIndicator",
       {"IndicatorRetired",
        {{"direction", Kind::kCode, true},
         {"indicator", Kind::kId, true},
         {"reason", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          return NeedActive(s, s.indicators, d, "indicator", "indicator", "retired",
                            "already retired");
        }}},
      {"RecordMeasurement",
       {"MeasurementRecorded",
        {{"direction", Kind::kCode, true},
         {"indicator", Kind::kId, true},
         {"date", Kind::kDate, true},
         {"value", Kind::kMeasure, true},
         {"source", Kind::kText, false},
         {"comment", Kind::kText, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedActive(s, s.indicators, d, "indicator", "indicator", "retired",
                                           "the indicator was retired"));
          const int32_t day = DayOf(d["date"].get<std::string>());
          if (s.MeasurementsOf(d["indicator"].get<std::string>()).Find(day) !=
              MeasurementSeries::npos) {
            return Bad("date", "a measurement for " + d["date"].get<std::string>() +
                                   " already exists; use CorrectMeasurement to change it");
          }
          return Status::Ok();
        }}},
      {"CorrectMeasurement",
       {"MeasurementCorrected",
        {{"direction", Kind::kCode, true},
         {"indicator", Kind::kId, true},
         {"date", Kind::kDate, true},
         {"value", Kind::kMeasure, true},
         {"reason", Kind::kName, true},
         {"source", Kind::kText, false},
         {"comment", Kind::kText, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          // A retired indicator keeps its measurements as they stood when
          // it was retired.
          JALON_RETURN_IF_ERROR(NeedActive(s, s.indicators, d, "indicator", "indicator", "retired",
                                           "the indicator was retired"));
          const int32_t day = DayOf(d["date"].get<std::string>());
          if (s.MeasurementsOf(d["indicator"].get<std::string>()).Find(day) !=
              MeasurementSeries::npos) {
            return Status::Ok();
          }
          return Bad("date",
                     "no measurement dated " + d["date"].get<std::string>() + " to correct");
        }}},
      {"HoldReview",
       {"ReviewHeld",
        {{"direction", Kind::kCode, true},
         {"date", Kind::kDate, true},
         {"participants", Kind::kNames, true},
         {"decisions", Kind::kText, true}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          if (d["participants"].empty())
            return Bad("participants", "a review has at least one participant");
          return Status::Ok();
        }}},
      {"CloseRevision",
       {"RevisionClosed",
        {{"direction", Kind::kCode, true},
         {"decision", Kind::kName, true},
         {"date", Kind::kDate, true}},
        "date",
        [](const PlanState& s, const Json&) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          if (!s.revision.is_object()) {
            return Bad("direction", "no mid-term revision is open for this plan");
          }
          if (s.revision.contains("closed"))
            return Bad("direction", "the mid-term revision is already closed");
          return Status::Ok();
        }}},
      {"AcknowledgeReminder",
       {"ReminderAcknowledged",
        {{"direction", Kind::kCode, true},
         {"reminder", Kind::kId, true},
         {"note", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          const Reminder* r = s.reminders.Find(d["reminder"].get<std::string>());
          if (r == nullptr) return Bad("reminder", "no such reminder for this plan");
          if (r->state == Reminder::State::kResolved)
            return Bad("reminder", "already resolved: the data arrived");
          if (r->state == Reminder::State::kAcknowledged)
            return Bad("reminder", "already acknowledged");
          return Status::Ok();
        }}},
  };
  return *specs;
}

Status ImplausibleEffectiveAt() {
  return Bad("effective_at", "not a plausible date (years " + std::to_string(kFirstYear) + " to " +
                                 std::to_string(kLastYear) + ")");
}

}  // namespace

bool IsPlausibleDate(Instant t) {
  const int year = YearOf(DayOf(t));
  return year >= kFirstYear && year <= kLastYear;
}

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
      if (f.required) return Bad(f.name, "is required");
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
