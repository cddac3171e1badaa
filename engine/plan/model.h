// The plan's nouns as types: Action, Indicator, Axis and Mission, each with
// the dated changes it went through, so that a reader asks what was in
// force on a day (StartOn, TargetOn, DroppedOn...) instead of looking field
// names up in an entity.
//
// A PlanState keeps its entities encoded (collection.h) in the shape of the
// jalon.plan/1 document, plus what only the state needs; the types are
// decoded from that entity here, in one place (Decode*), and nowhere else
// spells the entity's field names to read a value. The dated fields of an
// entity, as apply.cc writes them:
//   action:    start, due, budget_eur, fte       as in force now
//              planned {start, due, budget_eur, fte}   the initial ones,
//                                                      once any changed
//              reschedules    [{date, start, due, reason?, by?}]
//              budget_changes [{date, budget_eur, fte, reason?, by?}]
//              status, completed DATE | cancelled DATE
//              spending       [{date, amount_eur, label, reason?}]
//   indicator: target {value, date}              as in force now
//              initial_target {value, date}      once it changed
//              target_changes [{date, target, reason?, by?, recorded?}]
//              retired DATE
//   axis:      dropped false | DATE | true (true: at every date)
//   mission:   retired DATE
// Changes are kept in date order (two on one date: in the order recorded).
//
// Values with no lifetime ties: copy them freely. Thread-compatible.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "engine/plan/collection.h"
#include "engine/plan/day.h"

namespace jalon {

// A day no date reaches: "never" (not completed, not dropped...) and
// "always" (a drop an older document carries without its date).
inline constexpr int32_t kNever = std::numeric_limits<int32_t>::max();
inline constexpr int32_t kAlways = std::numeric_limits<int32_t>::min();

// A value reached by a date: a baseline or a target. `value` keeps the
// number as recorded (an integer stays one when rendered).
struct DatedValue {
  Json value = 0;
  int32_t day = 0;

  double number() const { return value.get<double>(); }
  std::string date() const { return DateOfDay(day); }
  Json ToJson() const { return {{"value", value}, {"date", DateOfDay(day)}}; }
  // nullopt unless `j` is {value: number, date: YYYY-MM-DD}.
  static std::optional<DatedValue> FromJson(const Json& j);
};

// Who made a change and why, with its effective day.
struct ChangeNote {
  int32_t day = 0;
  std::string reason;  // empty if none was given
  std::string by;      // empty if unknown
};

struct Reschedule : ChangeNote {
  int32_t start = 0, due = 0;  // the dates from `day` on
};

struct BudgetChange : ChangeNote {
  double budget_eur = 0, fte = 0;  // from `day` on
};

struct TargetChange : ChangeNote {
  DatedValue target;     // from `day` on
  std::string recorded;  // the instant it was recorded (ISO 8601), if known
};

// An amount spent on an action on `day`; a correction is negative and
// gives its reason.
struct Spending : ChangeNote {
  double amount_eur = 0;
  std::string label;
};

struct Action {
  std::string id, axis, title, owner;
  std::string status = "planned";  // as recorded now: planned|started|done|cancelled
  int32_t start = 0, due = 0;      // the initial ones
  double budget_eur = 0, fte = 0;  // the initial ones
  std::vector<Reschedule> reschedules;
  std::vector<BudgetChange> budget_changes;
  std::vector<Spending> spending;  // in date order
  int32_t completed = kNever;      // effective day of its completion
  int32_t cancelled = kNever;      // effective day of its cancellation

  int32_t StartOn(int32_t day) const;
  int32_t DueOn(int32_t day) const;
  double BudgetOn(int32_t day) const;
  double FteOn(int32_t day) const;
  // What was spent on it up to `day` included (budget execution, apart
  // from its progress).
  double SpentBy(int32_t day) const;
  bool DoneOn(int32_t day) const { return completed <= day; }
  bool CancelledOn(int32_t day) const { return cancelled <= day; }
  // done | cancelled when so recorded by `day`; otherwise the status it had
  // then: started from its start date if it was started or closed later,
  // else planned.
  std::string StatusOn(int32_t day) const;
};

struct Indicator {
  std::string id, attached_to, kind, name, unit, polarity, frequency, source;
  DatedValue baseline;
  DatedValue target;  // the initial one
  std::vector<TargetChange> target_changes;
  int32_t retired = kNever;

  // The target in force on `day`: the latest change dated by then, else
  // the initial target.
  const DatedValue& TargetOn(int32_t day) const;
  const DatedValue& CurrentTarget() const { return TargetOn(kNever); }
  bool RetiredOn(int32_t day) const { return retired <= day; }
  // The axis or action it is attached to; empty if another kind.
  std::string AttachedAxis() const;
  std::string AttachedAction() const;
};

struct Axis {
  std::string id, title, rationale;
  std::vector<std::string> missions;
  bool validated = false;
  int32_t dropped = kNever;  // kAlways: dropped at every date

  bool DroppedOn(int32_t day) const { return dropped <= day; }
};

struct Mission {
  std::string id, title, description;
  int32_t retired = kNever;

  bool RetiredOn(int32_t day) const { return retired <= day; }
};

// The one reading of each entity. Missing or odd fields take neutral values
// (the entity was checked by its command when it was recorded).
Action DecodeAction(const std::string& id, const Json& entity);
Indicator DecodeIndicator(const std::string& id, const Json& entity);
Axis DecodeAxis(const std::string& id, const Json& entity);
Mission DecodeMission(const std::string& id, const Json& entity);

// The day a "dropped"/"retired"/"completed" field holds: kNever when false
// or absent, kAlways when true, else its date. For the passes that read
// scalar fields without decoding (EntityFields).
int32_t DayOfMark(const Json* mark);

}  // namespace jalon
