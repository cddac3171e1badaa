#include "jobs/evaluation/evaluation_trace.h"

#include "engine/log/payload.h"
#include "engine/plan/cycle.h"
#include "jobs/calendar/calendar.h"

namespace jalon::jobs {
namespace {

int YearOf(Instant t) { return calendar::YearOf(DayOf(t)); }

void Observe(const Event& e, const Json& p, const PlanState& before, PlanTrace& t) {
  const std::string& type = e.type;
  ++t.changes[{YearOf(e.recorded_at), type}];
  t.last_position = e.position;
  auto str = [&p](const char* key) { return p.value(key, std::string()); };
  if (type == "IndicatorDefined") t.defined["indicator/" + str("id")] = e.position;
  if (type == "MissionDefined") t.defined["mission/" + str("id")] = e.position;
  if (type == "MissionAssessed") t.defined["mission_assessed/" + str("mission")] = e.position;
  if (type == "AxisProposed") t.defined["axis/" + str("id")] = e.position;
  if (type == "AxisValidated") t.defined["axis_validated/" + str("axis")] = e.position;
  if (type == "ActionPlanned") {
    t.planned[str("id")] = {{"start", p.value("start", Json())},
                            {"due", p.value("due", Json())},
                            {"position", e.position}};
  }
  if (type == "ActionCompleted") {
    t.completed[str("action")] = {
        {"date", p.contains("date") ? p["date"] : Json(FormatDate(e.effective_at))},
        {"position", e.position}};
  }
  if (type == "ActionCancelled") t.cancelled[str("action")] = e.position;
  if (type == "ProgressReported") t.progress[str("action")][DayOf(str("date"))] = e.position;
  if (type == "ActionRescheduled") {
    Json& list = t.reschedules[str("action")];
    if (list.is_null()) list = Json::array();
    list.push_back({{"date", p.value("date", FormatDate(e.effective_at))},
                    {"start", p.value("start", Json())},
                    {"due", p.value("due", Json())},
                    {"reason", p.value("reason", "")},
                    {"by", p.value("by", e.actor)},
                    {"recorded_at", FormatInstant(e.recorded_at)},
                    {"position", e.position}});
  }
  if (type == "TargetChanged") {
    Json& list = t.target_changes[str("indicator")];
    if (list.is_null()) list = Json::array();
    const std::optional<Json> ind = before.indicators.Find(str("indicator"));
    list.push_back({{"date", p.value("date", FormatDate(e.effective_at))},
                    {"from", ind ? ind->value("target", Json()) : Json()},
                    {"to", p.value("target", Json())},
                    {"reason", p.value("reason", "")},
                    {"by", p.value("by", e.actor)},
                    {"recorded_at", FormatInstant(e.recorded_at)},
                    {"position", e.position}});
  }
  if (type == "MeasurementRecorded") {
    t.measured[str("indicator")][DayOf(str("date"))] = {
        {"recorded_at", FormatInstant(e.recorded_at)},
        {"recorded_day", DayOf(e.recorded_at)},
        {"imported", e.command_id.starts_with("import-")},
        {"position", e.position},
        {"corrections", Json::array()}};
  }
  if (type == "MeasurementCorrected") {
    Json& m = t.measured[str("indicator")][DayOf(str("date"))];
    if (m.is_object()) m["corrections"].push_back(e.position);
  }
  if (type == "ReviewHeld") {
    t.reviews_held.push_back({{"number", before.reviews.size() + 1},
                              {"date", p.value("date", Json())},
                              {"conclusions", p.value("conclusions", Json())},
                              {"decisions", p.value("decisions", Json())},
                              {"position", e.position}});
  }
  if (type == "ReviewDue") {
    t.reviews_due.push_back({{"date", p.value("date", Json())}, {"position", e.position}});
  }
  if (type == "RevisionOpened") {
    t.revision["opened"] = p.value("date", Json());
    t.revision["due"] = p.value("due", Json());
    t.revision["opened_position"] = e.position;
  }
  if (type == "RevisionModalitiesSet") {
    t.revision["scope"] = p.value("scope", Json());
    t.revision["modalities"] = p.value("modalities", Json());
  }
  if (type == "RevisionClosed") {
    t.revision["closed"] = p.value("date", Json());
    t.revision["decision"] = p.value("decision", Json());
    t.revision["closed_position"] = e.position;
  }
  if (type == "ReminderIssued") {
    t.reminder_rule[str("reminder")] = str("rule");
    ++t.reminders[str("rule")]["issued"];
  }
  auto count = [&](const std::string& id, const char* what) {
    auto it = t.reminder_rule.find(id);
    if (it != t.reminder_rule.end()) ++t.reminders[it->second][what];
  };
  if (type == "ReminderAcknowledged") count(str("reminder"), "acknowledged");
  if (type == "ReminderResolved") count(str("reminder"), "resolved");
  if (type == "ReminderEscalated") {
    // A damaged payload counts nothing here; applying it next says so.
    const char* what = p.value("repeat", false) ? "repeated" : "escalated";
    for (const std::string& id : EscalatedReminders(p).value_or({})) count(id, what);
  }
}

}  // namespace

Status ReplayPlan(const PlanService& service, const std::string& code, PlanState* state,
                  PlanTrace* trace, int cycle) {
  if (!IsValidDirectionCode(code))
    return Status::InvalidArgument("direction: not a direction code");
  if (cycle < 0) return Status::InvalidArgument("cycle: cycles are numbered from 1");
  for (uint64_t from = 1;;) {
    auto events = service.log().ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      if (e.type == "CycleOpened") {
        if (cycle != 0 && CycleOf(*state) == cycle) return Status::Ok();
        *trace = PlanTrace();
      }
      auto payload = DecodePayload(e.payload);
      if (!payload.ok())
        return payload.status().WithContext("position " + std::to_string(e.position));
      Observe(e, *payload, *state, *trace);
      JALON_RETURN_IF_ERROR(state->Apply(e, *payload));
    }
    if (events->size() < 1000) break;
    from += events->size();
  }
  if (!state->registered()) return Status::NotFound("direction '" + code + "' does not exist");
  if (cycle != 0 && CycleOf(*state) != cycle) {
    return Status::NotFound("cycle: the plan of '" + code + "' has cycles 1 to " +
                            std::to_string(CycleOf(*state)) + ", no cycle " +
                            std::to_string(cycle));
  }
  return Status::Ok();
}

}  // namespace jalon::jobs
