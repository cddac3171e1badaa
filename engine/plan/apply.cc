// PlanState::Apply: what each event of a plan's stream does to the state, one
// applier per event type. The rules of what may happen live in command.cc;
// here an event that Decide produced always applies.
#include "engine/plan/apply.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/plan/cycle.h"
#include "engine/plan/plan_state.h"
#include "engine/util/function_ref.h"

namespace jalon {
namespace plan_apply {

Status Missing(const Event& e, std::string_view what, const std::string& id) {
  return Status::NotFound("position " + std::to_string(e.position) + ": " + e.type + " refers to " +
                          std::string(what) + " '" + id + "' which does not exist");
}

void Escalate(Reminder& r, int32_t level, Instant at) {
  r.level = level;
  ++r.notices;
  r.attempts = 0;
  r.retry_at = Instant{};
  r.last_notice_at = at;
}

const std::unordered_map<std::string_view, EntityAdd>& EntityAdds() {
  static const auto* adds = new std::unordered_map<std::string_view, EntityAdd>{
      {"SwotItemAdded", {&PlanState::swot, {"id", "quadrant", "text", "evidence"}, nullptr, {}}},
      {"MissionDefined", {&PlanState::missions, {"id", "title", "description"}, nullptr, {}}},
      {"AxisProposed",
       {&PlanState::axes, {"id", "title", "rationale", "missions"}, "dropped", false}},
      {"ScenarioProposed",
       {&PlanState::scenarios, {"id", "title", "axes", "means"}, "retained", false}},
      {"ActionPlanned",
       {&PlanState::actions,
        {"id", "axis", "title", "owner", "start", "due", "budget_eur", "fte", "status",
         "carried_from"},
        "status",
        "planned"}},
      {"IndicatorDefined",
       {&PlanState::indicators,
        {"id", "attached_to", "kind", "name", "unit", "polarity", "baseline", "target", "frequency",
         "source"},
        nullptr,
        {}}},
  };
  return *adds;
}

}  // namespace plan_apply

namespace {

using plan_apply::EntityAdd;
using plan_apply::EntityAdds;
using plan_apply::Escalate;
using plan_apply::Missing;
using plan_apply::RecordApplied;

// Copies `keys` present in `from` into `to`.
void CopyPresent(const Json& from, Json& to, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (const auto it = from.find(k); it != from.end()) to[k] = *it;
  }
}

// NotFound naming the event unless `c` holds the entity payload[key].
Status Require(const Collection& c, const Event& e, const Json& p, const char* key,
               std::string_view what) {
  const std::string id = p.value(key, std::string());
  return c.Contains(id) ? Status::Ok() : Missing(e, what, id);
}

// Applies `edit` to a decoded copy of the entity payload[key] of `c` and
// stores the result in its place, or returns NotFound naming the event.
Status EditEntity(Collection& c, const Event& e, const Json& p, const char* key,
                  std::string_view what, FunctionRef<void(Json&)> edit) {
  const std::string id = p.value(key, std::string());
  std::optional<Json> item = c.Find(id);
  if (!item) return Missing(e, what, id);
  edit(*item);
  c.Put(id, *item);
  return Status::Ok();
}

// Applies `edit` to reminder `id`, or returns NotFound naming the event.
Status EditReminder(PlanState& s, const Event& e, const std::string& id,
                    FunctionRef<void(Reminder&)> edit) {
  Reminder* r = s.reminders.Find(id);
  if (r == nullptr) return Missing(e, "reminder", id);
  edit(*r);
  return Status::Ok();
}

// The effective date of a dated change: the event's own `date` if it has
// one, else its effective_at (events recorded before changes were dated).
std::string ChangeDate(const Event& e, const Json& p) {
  if (const auto it = p.find("date"); it != p.end() && it->is_string())
    return it->get<std::string>();
  return DateOfDay(DayOf(e.effective_at));
}

// A dated change's entry: its date, then `values`, its reason and who made
// it (the payload's `by`, else the event's actor).
Json ChangeEntry(const Event& e, const Json& p, Json values) {
  Json entry = {{"date", ChangeDate(e, p)}};
  entry.update(values);
  CopyPresent(p, entry, {"reason"});
  if (const auto by = p.find("by"); by != p.end() && by->is_string()) {
    entry["by"] = *by;
  } else if (!e.actor.empty()) {
    entry["by"] = e.actor;
  }
  return entry;
}

// Inserts `entry` into the array `list` of `item` in date order, after the
// entries of the same date (recorded earlier), and returns the last entry:
// the one in force now.
const Json& InsertByDate(Json& item, const char* list, Json entry) {
  if (!item.contains(list) || !item[list].is_array()) item[list] = Json::array();
  Json& changes = item[list];
  const int32_t day = DayOf(entry.at("date").get<std::string>());
  auto at = changes.end();
  while (at != changes.begin() && DayOf(std::prev(at)->at("date").get<std::string>()) > day) --at;
  changes.insert(at, std::move(entry));
  return changes.back();
}

// An action keeps its initial dates, budget and staff under "planned" once
// any of them changes (model.h).
void KeepPlanned(Json& action) {
  if (action.contains("planned")) return;
  Json planned = Json::object();
  CopyPresent(action, planned, {"start", "due", "budget_eur", "fte"});
  action["planned"] = std::move(planned);
}

// OccurrenceFired and OccurrenceSkipped: {status, due, fired_on?,
// caught_up | reason}.
Status RecordOccurrence(PlanState& s, const Json& p, const char* status) {
  Json o = {{"status", status}};
  CopyPresent(p, o, {"due", "fired_on", "caught_up", "reason"});
  const std::string& id = p.at("occurrence").get_ref<const std::string&>();
  if (s.occurrences.Contains(id)) {
    s.occurrences.Put(id, o);
  } else {
    s.occurrences.Add(id, o);
  }
  return Status::Ok();
}

Status AddEntity(const EntityAdd& add, PlanState& s, const Json& p) {
  Json item = Json::object();
  for (const char* k : add.fields) {
    if (const auto it = p.find(k); it != p.end()) item[k] = *it;
  }
  if (add.default_key != nullptr && !item.contains(add.default_key)) {
    item[add.default_key] = add.default_value;
  }
  (s.*add.collection).Add(p.at("id").get<std::string>(), item);
  return Status::Ok();
}

using Applier = std::function<Status(PlanState&, const Event&, const Json&)>;

const std::unordered_map<std::string_view, Applier>& Appliers() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, Applier>{
      {"DirectionRegistered",
       [](PlanState& s, const Event&, const Json& p) {
         s.code = p.at("code").get<std::string>();
         s.direction = Json::object();
         CopyPresent(p, s.direction, {"code", "name", "pole"});
         return Status::Ok();
       }},
      {"PlanOpened",
       [](PlanState& s, const Event&, const Json& p) {
         s.plan = Json::object();
         CopyPresent(p, s.plan, {"title", "period_start", "period_end", "dated"});
         return Status::Ok();
       }},
      {"CycleOpened", ApplyCycleOpened},
      {"SectionEdited",
       [](PlanState& s, const Event&, const Json& p) {
         if (p.contains("text")) s.sections[p.at("section").get<std::string>()] = p.at("text");
         CopyPresent(p, s.identity, {"site", "agents", "activity_volume"});
         return Status::Ok();
       }},
      {"SwotItemRemoved",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_RETURN_IF_ERROR(Require(s.swot, e, p, "id", "SWOT item"));
         s.swot.Remove(p.at("id").get<std::string>());
         return Status::Ok();
       }},
      {"MissionEdited",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.missions, e, p, "mission", "mission",
                           [&](Json& m) { CopyPresent(p, m, {"title", "description"}); });
       }},
      {"MissionRetired",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.missions, e, p, "mission", "mission",
                           [&](Json& m) { m["retired"] = ChangeDate(e, p); });
       }},
      {"MissionAssessed",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.missions, e, p, "mission", "mission", [&](Json& m) {
           for (const char* part : {"values", "ambitions"}) {
             if (!p.contains(part)) continue;
             if (!m.contains(part)) m[part] = Json::object();
             for (const auto& [k, v] : p.at(part).items()) m[part][k] = v;
           }
         });
       }},
      {"AxisValidated",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.axes, e, p, "axis", "axis", [&](Json& a) {
           Json v = Json::object();
           CopyPresent(p, v, {"orientation", "by", "date"});
           a["validation"] = std::move(v);
         });
       }},
      {"AxisEdited",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.axes, e, p, "axis", "axis", [&](Json& a) {
           CopyPresent(p, a, {"title", "rationale", "missions"});
         });
       }},
      {"AxisDropped",
       [](PlanState& s, const Event& e, const Json& p) {
         // `always`: dropped at every date (an older document's bare `true`).
         const bool always = p.value("always", false) == true;
         return EditEntity(s.axes, e, p, "axis", "axis", [&](Json& a) {
           a["dropped"] = always ? Json(true) : Json(ChangeDate(e, p));
         });
       }},
      {"ScenarioRetained",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_RETURN_IF_ERROR(Require(s.scenarios, e, p, "scenario", "scenario"));
         const std::string chosen = p.value("scenario", std::string());
         const std::vector<std::string> ids(s.scenarios.ids().begin(), s.scenarios.ids().end());
         for (const std::string& id : ids) {
           Json scenario = s.scenarios.At(id);
           scenario["retained"] = id == chosen;
           s.scenarios.Put(id, scenario);
         }
         return Status::Ok();
       }},
      {"ActionEdited",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.actions, e, p, "action", "action", [&](Json& a) {
           CopyPresent(p, a, {"title", "owner", "status"});
           const Json budget = p.value("budget_eur", a.value("budget_eur", Json(0)));
           const Json fte = p.value("fte", a.value("fte", Json(0)));
           if (budget == a.value("budget_eur", Json(0)) && fte == a.value("fte", Json(0))) return;
           KeepPlanned(a);
           const Json& now =
               InsertByDate(a, "budget_changes",
                            ChangeEntry(e, p, {{"budget_eur", budget}, {"fte", fte}}));
           a["budget_eur"] = now["budget_eur"];
           a["fte"] = now["fte"];
         });
       }},
      {"ProgressReported",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_RETURN_IF_ERROR(Require(s.actions, e, p, "action", "action"));
         s.progress[p.at("action").get<std::string>()].push_back(ProgressReport::FromJson(p));
         return Status::Ok();
       }},
      {"SpendingRecorded",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.actions, e, p, "action", "action", [&](Json& a) {
           Json entry = {{"date", ChangeDate(e, p)}};
           CopyPresent(p, entry, {"amount_eur", "label", "reason"});
           InsertByDate(a, "spending", std::move(entry));
         });
       }},
      {"ActionRescheduled",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.actions, e, p, "action", "action", [&](Json& a) {
           KeepPlanned(a);
           const Json& now = InsertByDate(
               a, "reschedules",
               ChangeEntry(e, p,
                           {{"start", p.value("start", a["start"])}, {"due", p.value("due", a["due"])}}));
           a["start"] = now["start"];
           a["due"] = now["due"];
         });
       }},
      {"ActionCompleted",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.actions, e, p, "action", "action", [&](Json& a) {
           a["status"] = "done";
           a["completed"] = ChangeDate(e, p);
         });
       }},
      {"ActionCancelled",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.actions, e, p, "action", "action", [&](Json& a) {
           a["status"] = "cancelled";
           a["cancelled"] = ChangeDate(e, p);
         });
       }},
      {"TargetChanged",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.indicators, e, p, "indicator", "indicator", [&](Json& i) {
           if (!i.contains("initial_target")) i["initial_target"] = i["target"];
           Json entry = ChangeEntry(e, p, {{"target", p.at("target")}});
           entry["recorded"] = FormatInstant(e.recorded_at);
           i["target"] = InsertByDate(i, "target_changes", std::move(entry))["target"];
         });
       }},
      {"IndicatorRetired",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditEntity(s.indicators, e, p, "indicator", "indicator",
                           [&](Json& i) { i["retired"] = ChangeDate(e, p); });
       }},
      {"MeasurementRecorded",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_RETURN_IF_ERROR(Require(s.indicators, e, p, "indicator", "indicator"));
         s.measurements[p.at("indicator").get<std::string>()].Add(Measurement::FromJson(p));
         return Status::Ok();
       }},
      {"MeasurementCorrected",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_RETURN_IF_ERROR(Require(s.indicators, e, p, "indicator", "indicator"));
         MeasurementSeries& series = s.measurements[p.at("indicator").get<std::string>()];
         const size_t i = series.Find(DayOf(p.at("date").get<std::string>()));
         if (i == MeasurementSeries::npos) {
           return Missing(e, "measurement of", p.value("date", std::string()));
         }
         const Measurement corrected = Measurement::FromJson(p);
         Json c = {{"from", series[i].ToJson()["value"]}, {"to", p.at("value")}};
         CopyPresent(p, c, {"reason"});
         series.Correct(i, corrected.value, corrected.value_is_integer,
                        TextIf(corrected.has_source, corrected.source),
                        TextIf(corrected.has_comment, corrected.comment), std::move(c));
         return Status::Ok();
       }},
      {"ReviewHeld",
       [](PlanState& s, const Event&, const Json& p) {
         Json r = Json::object();
         CopyPresent(p, r, {"date", "participants", "conclusions", "decisions"});
         r["number"] = s.reviews.size() + 1;
         r["plan_hash"] = ToHex(s.last_hash);  // the plan as it stood when the review met
         s.reviews.push_back(std::move(r));
         return Status::Ok();
       }},
      {"RevisionOpened",
       [](PlanState& s, const Event&, const Json& p) {
         s.revision = Json::object();
         CopyPresent(p, s.revision, {"date", "due"});
         return Status::Ok();
       }},
      {"RevisionModalitiesSet",
       [](PlanState& s, const Event&, const Json& p) {
         if (!s.revision.is_object()) s.revision = Json::object();
         CopyPresent(p, s.revision, {"scope", "modalities"});
         return Status::Ok();
       }},
      {"RevisionClosed",
       [](PlanState& s, const Event&, const Json& p) {
         if (!s.revision.is_object()) s.revision = Json::object();
         s.revision["closed"] = p.value("date", Json());
         CopyPresent(p, s.revision, {"decision"});
         return Status::Ok();
       }},
      {"EvaluationOpened",
       [](PlanState& s, const Event&, const Json& p) {
         s.evaluation = Json::object();
         CopyPresent(p, s.evaluation, {"date"});
         return Status::Ok();
       }},
      // The jobs' events (jobs/ decides them; the plan keeps their record).
      {"OccurrenceFired",
       [](PlanState& s, const Event&, const Json& p) { return RecordOccurrence(s, p, "fired"); }},
      {"OccurrenceSkipped",
       [](PlanState& s, const Event&, const Json& p) { return RecordOccurrence(s, p, "skipped"); }},
      {"ReviewDue",
       [](PlanState& s, const Event&, const Json& p) {
         s.reviews_due.push_back(DayOf(p.at("date").get<std::string>()));
         return Status::Ok();
       }},
      {"ReminderIssued",
       [](PlanState& s, const Event& e, const Json& p) {
         Reminder r(p.at("reminder").get_ref<const std::string&>(),
                    p.at("rule").get_ref<const std::string&>(),
                    p.at("subject").get_ref<const std::string&>(), p.value("expected", ""));
         r.due_day = DayOf(p.at("due").get<std::string>());
         r.issued_at = e.recorded_at;
         r.notices = 1;
         r.last_notice_at = e.recorded_at;
         s.reminders.Put(std::move(r));
         return Status::Ok();
       }},
      {"ReminderEscalated",
       [](PlanState& s, const Event& e, const Json& p) {
         const int32_t level = p.at("level").get<int32_t>();
         auto ids = EscalatedReminders(p);
         if (!ids.ok()) return ids.status().WithContext("position " + std::to_string(e.position));
         for (const std::string& id : *ids) {
           JALON_RETURN_IF_ERROR(
               EditReminder(s, e, id, [&](Reminder& r) { Escalate(r, level, e.recorded_at); }));
         }
         return Status::Ok();
       }},
      {"ReminderResolved",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditReminder(s, e, p.at("reminder").get<std::string>(), [&](Reminder& r) {
           r.state = Reminder::State::kResolved;
           r.resolved_at = e.recorded_at;
         });
       }},
      {"ReminderAcknowledged",
       [](PlanState& s, const Event& e, const Json& p) {
         return EditReminder(s, e, p.at("reminder").get<std::string>(),
                             [](Reminder& r) { r.state = Reminder::State::kAcknowledged; });
       }},
      {"DeliveryAttempted", [](PlanState&, const Event&, const Json&) { return Status::Ok(); }},
      {"ReminderDelivered",
       [](PlanState& s, const Event& e, const Json& p) {
         for (const Json& item : p.at("reminders")) {
           JALON_RETURN_IF_ERROR(
               EditReminder(s, e, item.at("id").get<std::string>(), [&](Reminder& r) {
                 r.delivered = std::max(r.delivered, item.at("notice").get<uint32_t>());
                 r.attempts = 0;
                 r.retry_at = Instant{};
               }));
         }
         return Status::Ok();
       }},
      {"DeliveryFailed",
       [](PlanState& s, const Event& e, const Json& p) {
         auto retry_at = ParseInstant(p.at("retry_at").get<std::string>());
         for (const Json& item : p.at("reminders")) {
           JALON_RETURN_IF_ERROR(
               EditReminder(s, e, item.at("id").get<std::string>(), [&](Reminder& r) {
                 r.attempts = p.at("attempt").get<uint32_t>();
                 if (retry_at.ok()) r.retry_at = *retry_at;
               }));
         }
         return Status::Ok();
       }},
  };
    for (const auto& [type, add] : EntityAdds()) {
      t->emplace(type, [&add = add](PlanState& s, const Event&, const Json& p) {
        return AddEntity(add, s, p);
      });
    }
    return t;
  }();
  return *table;
}

}  // namespace

Status PlanState::Apply(const Event& event, const Json& payload) {
  const auto& table = Appliers();
  auto it = table.find(event.type);
  if (it == table.end()) {
    return Status::Corruption("position " + std::to_string(event.position) +
                              ": unknown event type '" + event.type + "' in plan stream " +
                              event.stream);
  }
  Status s;
  try {
    s = it->second(*this, event, payload);
  } catch (const std::exception& ex) {  // a JSON type error, a malformed date
    s = Status::Corruption("position " + std::to_string(event.position) + ": " + event.type +
                           " payload does not fit: " + ex.what());
  }
  if (!s.ok()) return s;
  RecordApplied(*this, event);
  return Status::Ok();
}

}  // namespace jalon
