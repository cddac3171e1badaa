#include "jobs/evaluation/evaluation.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <map>
#include <set>

#include "engine/log/payload.h"
#include "engine/plan/rollup.h"
#include "engine/util/csv.h"
#include "jobs/calendar/calendar.h"

namespace jalon::jobs {
namespace {

int YearOf(Instant t) { return calendar::YearOf(DayOf(t)); }

// What the events say beyond the plan state: who set each value, when, at
// which position.
struct Trace {
  std::map<std::string, uint64_t> defined;                      // "indicator/I1", "axis/A1", ...
  std::map<std::string, Json> planned;                          // action -> {start, due, position}
  std::map<std::string, Json> completed;                        // action -> {date, position}
  std::map<std::string, uint64_t> cancelled;                    // action -> position
  std::map<std::string, std::map<int32_t, uint64_t>> progress;  // action -> day -> position
  std::map<std::string, Json> target_changes;                   // indicator -> [...]
  std::map<std::string, Json> reschedules;                      // action -> [...]
  std::map<std::string, std::map<int32_t, Json>> measured;      // indicator -> day -> {...}
  Json reviews_held = Json::array(), reviews_due = Json::array();
  Json revision = Json::object();
  std::map<std::string, std::string> reminder_rule;             // id -> rule
  std::map<std::string, std::map<std::string, int>> reminders;  // rule -> what -> count
  std::map<std::pair<int, std::string>, int> changes;           // (year, type) -> count
  uint64_t last_position = 0;
};

void Observe(const Event& e, const Json& p, const PlanState& before, Trace& t) {
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
    list.push_back({{"start", p.value("start", Json())},
                    {"due", p.value("due", Json())},
                    {"reason", p.value("reason", "")},
                    {"by", e.actor},
                    {"recorded_at", FormatInstant(e.recorded_at)},
                    {"position", e.position}});
  }
  if (type == "TargetChanged") {
    Json& list = t.target_changes[str("indicator")];
    if (list.is_null()) list = Json::array();
    const std::optional<Json> ind = before.indicators.Find(str("indicator"));
    list.push_back({{"from", ind ? ind->value("target", Json()) : Json()},
                    {"to", p.value("target", Json())},
                    {"reason", p.value("reason", "")},
                    {"by", e.actor},
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

// Replays the plan's stream into `state`, noting in `trace` what the events
// say beyond the state.
Status ReplayPlan(const PlanService& service, const std::string& code, PlanState* state,
                  Trace* trace) {
  for (uint64_t from = 1;;) {
    auto events = service.log().ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      auto payload = DecodePayload(e.payload);
      if (!payload.ok())
        return payload.status().WithContext("position " + std::to_string(e.position));
      Observe(e, *payload, *state, *trace);
      JALON_RETURN_IF_ERROR(state->Apply(e, *payload));
    }
    if (events->size() < 1000) return Status::Ok();
    from += events->size();
  }
}

std::string ClosingStatus(const Json& dashboard_indicator, bool measured) {
  if (dashboard_indicator.value("retired", false)) return "retired";
  if (!measured || dashboard_indicator["attainment"].is_null()) return "not_measured";
  const double a = dashboard_indicator["attainment"].get<double>();
  if (a >= 100) return "achieved";
  if (a <= 0) return "missed";
  return "partial";
}

}  // namespace

Result<Json> EvaluationData(const PlanService& service, const std::string& code,
                            std::optional<Instant> at, const ReminderOptions& options) {
  if (!IsValidDirectionCode(code))
    return Status::InvalidArgument("direction: not a direction code");
  PlanState state;
  Trace trace;
  JALON_RETURN_IF_ERROR(ReplayPlan(service, code, &state, &trace));
  if (!state.registered()) return Status::NotFound("direction '" + code + "' does not exist");
  if (!state.plan_open()) return Status::NotFound("direction '" + code + "' has no plan yet");
  const Instant end = ParseDate(state.plan.value("period_end", "")).value();
  const Instant today = std::chrono::floor<std::chrono::days>(service.clock().Now());
  const Instant when = at.value_or(std::min(today, end));
  const Json dash = Dashboard(state, when, service.rollup());
  const int32_t grace = static_cast<int32_t>(options.indicator_grace_days);

  Json indicators = Json::array(), measurements = Json::array(), target_changes = Json::array();
  for (const Json& d : dash["indicators"]) {
    const std::string id = d["id"];
    const Json ind = state.indicators.At(id);
    Json series = Json::array();
    int late = 0;
    uint64_t final_position = 0;
    for (const Measurement& m : state.MeasurementsOf(id)) {
      if (StartOfDay(m.day) > when) continue;
      const Json& info = trace.measured[id][m.day];
      const bool is_late = info.is_object() && !info["imported"].get<bool>() &&
                           info["recorded_day"].get<int32_t>() - m.day > grace;
      late += is_late;
      Json row = m.ToJson();
      row["indicator"] = id;
      row["recorded_at"] = info.value("recorded_at", Json());
      row["late"] = is_late;
      row["imported"] = info.value("imported", false);
      row["position"] = info.value("position", Json());
      row["corrections"] = info.value("corrections", Json::array());
      series.push_back(row);
      measurements.push_back(row);
    }
    if (!d["latest_date"].is_null()) {
      const Json& info = trace.measured[id][DayOf(d["latest_date"].get<std::string>())];
      final_position = info["corrections"].empty() ? info.value("position", uint64_t{0})
                                                   : info["corrections"].back().get<uint64_t>();
    }
    Json changes = trace.target_changes.contains(id) ? trace.target_changes[id] : Json::array();
    for (Json c : changes) {
      c["indicator"] = id;
      target_changes.push_back(std::move(c));
    }
    indicators.push_back(
        {{"id", id},
         {"name", ind.value("name", "")},
         {"kind", ind.value("kind", "")},
         {"unit", ind.value("unit", "")},
         {"attached_to", ind.value("attached_to", "")},
         {"polarity", ind.value("polarity", "")},
         {"frequency", ind.value("frequency", "")},
         {"baseline", ind.value("baseline", Json())},
         {"initial_target", InitialTarget(ind)},
         {"target", ind.value("target", Json())},
         {"target_changes", changes},
         {"measurements", series},
         {"final_value", d["latest"]},
         {"final_date", d["latest_date"]},
         {"attainment", d["attainment"]},
         {"status", ClosingStatus(d, !series.empty())},
         {"late_measurements", late},
         {"provenance",
          {{"defined", trace.defined["indicator/" + id]},
           {"final_value", final_position == 0 ? Json() : Json(final_position)}}}});
  }

  Json axes = Json::array(), actions = Json::array();
  for (const Json& a : dash["axes"]) {
    const std::string axis_id = a["id"];
    Json counted = Json::array();
    for (const Json& act : a["actions"]) {
      const std::string id = act["id"];
      const Json full = state.actions.At(id);
      const Json planned = trace.planned.contains(id) ? trace.planned[id] : Json::object();
      const Json resched = trace.reschedules.contains(id) ? trace.reschedules[id] : Json::array();
      std::string reasons;
      for (const Json& r : resched) {
        const std::string why = r.value("reason", "");
        if (!why.empty()) reasons += (reasons.empty() ? "" : " ; ") + why;
      }
      const Json completed = trace.completed.contains(id) ? trace.completed[id] : Json();
      actions.push_back({{"id", id},
                         {"axis", axis_id},
                         {"title", full.value("title", "")},
                         {"owner", full.value("owner", "")},
                         {"planned_start", planned.value("start", Json())},
                         {"planned_due", planned.value("due", Json())},
                         {"start", full.value("start", Json())},
                         {"due", full.value("due", Json())},
                         {"completed_on", completed.is_object() ? completed["date"] : Json()},
                         {"budget_eur", full.value("budget_eur", Json(0))},
                         {"fte", full.value("fte", Json(0))},
                         {"progress", act["progress"]},
                         {"status", act["status"]},
                         {"reschedules", resched.size()},
                         {"reschedule_reasons", reasons},
                         {"provenance",
                          {{"planned", planned.value("position", Json())},
                           {"completed", completed.is_object() ? completed["position"] : Json()},
                           {"progress",
                            [&]() -> Json {
                              // The report the progress comes from: the
                              // latest dated by `at` (a later one on the
                              // same day wins, as in the roll-up).
                              auto it = trace.progress.find(id);
                              if (it == trace.progress.end()) return nullptr;
                              auto upto = it->second.upper_bound(DayOf(when));
                              if (upto == it->second.begin()) return nullptr;
                              return std::prev(upto)->second;
                            }()},
                           {"reschedules", [&] {
                              Json p = Json::array();
                              for (const Json& r : resched) p.push_back(r["position"]);
                              return p;
                            }()}}}});
      counted.push_back(id);
    }
    axes.push_back({{"id", axis_id},
                    {"title", a["title"]},
                    {"dropped", a["dropped"]},
                    {"validated", a["validated"]},
                    {"execution", a["execution"]},
                    {"performance", a["performance"]},
                    {"actions", counted.size()},
                    {"provenance",
                     {{"proposed", trace.defined["axis/" + axis_id]},
                      {"validated", trace.defined.contains("axis_validated/" + axis_id)
                                        ? Json(trace.defined["axis_validated/" + axis_id])
                                        : Json()}}}});
  }

  Json reminders = Json::array();
  for (const auto& entry : trace.reminders) {
    const auto& rule = entry.first;
    const auto& counts = entry.second;  // (clang 14 cannot capture a structured binding)
    auto n = [&counts](const char* what) {
      auto it = counts.find(what);
      return it == counts.end() ? 0 : it->second;
    };
    reminders.push_back({{"rule", rule},
                         {"issued", n("issued")},
                         {"acknowledged", n("acknowledged")},
                         {"escalated", n("escalated")},
                         {"repeated", n("repeated")},
                         {"resolved", n("resolved")}});
  }
  Json changes = Json::array();
  for (const auto& [key, count] : trace.changes) {
    changes.push_back({{"year", key.first}, {"type", key.second}, {"count", count}});
  }
  return Json{{"format", "jalon.evaluation/1"},
              {"direction", code},
              {"name", state.direction.value("name", "")},
              {"title", state.plan.value("title", "")},
              {"period_start", state.plan.value("period_start", "")},
              {"period_end", state.plan.value("period_end", "")},
              {"at", FormatDate(when)},
              {"position", trace.last_position},
              {"plan_hash", ToHex(state.last_hash)},
              {"execution", dash["execution"]},
              {"performance", dash["performance"]},
              {"axes", std::move(axes)},
              {"indicators", std::move(indicators)},
              {"measurements", std::move(measurements)},
              {"target_changes", std::move(target_changes)},
              {"actions", std::move(actions)},
              {"reviews",
               {{"due", trace.reviews_due.size()},
                {"held", trace.reviews_held.size()},
                {"due_dates", trace.reviews_due},
                {"held_reviews", trace.reviews_held}}},
              {"revision", trace.revision},
              {"reminders", std::move(reminders)},
              {"changes", std::move(changes)}};
}

Result<Json> ExplainFigure(const PlanService& service, const std::string& code,
                           const std::string& figure, std::optional<Instant> at,
                           const ReminderOptions& options) {
  if (!figure.starts_with("axis/") || figure.size() <= 5) {
    return Status::InvalidArgument("figure: expected axis/<ID>, e.g. axis/A1");
  }
  auto data = EvaluationData(service, code, at, options);
  if (!data.ok()) return data.status();
  auto state = service.State(code, TimeQuery{});
  if (!state.ok()) return state.status();
  const std::string axis_id = figure.substr(5);
  if (!state->axes.Contains(axis_id))
    return Status::NotFound("figure: no axis '" + axis_id + "' in the plan of " + code);
  Json out = ExplainAxis(*state, axis_id, ParseDate((*data)["at"].get<std::string>()).value());
  out["direction"] = code;
  // The events behind each input, from the evaluation's provenance.
  std::map<std::string, Json> actions, indicators;
  for (const Json& a : (*data)["actions"]) actions[a["id"]] = a["provenance"];
  for (const Json& i : (*data)["indicators"]) indicators[i["id"]] = i["provenance"];
  for (Json& in : out["execution"]["inputs"]) {
    const Json& p = actions[in["action"].get<std::string>()];
    in["events"] = {
        {"planned", p["planned"]}, {"progress", p["progress"]}, {"completed", p["completed"]}};
  }
  for (Json& in : out["performance"]["inputs"]) {
    const Json& p = indicators[in["indicator"].get<std::string>()];
    in["events"] = {{"defined", p["defined"]}, {"latest", p["final_value"]}};
  }
  return out;
}

Result<Json> AuditFlags(const PlanService& service, const std::string& code,
                        const AuditOptions& options) {
  if (!IsValidDirectionCode(code))
    return Status::InvalidArgument("direction: not a direction code");
  PlanState s;
  Trace t;
  JALON_RETURN_IF_ERROR(ReplayPlan(service, code, &s, &t));
  if (!s.registered()) return Status::NotFound("direction '" + code + "' does not exist");
  Json flags = Json::array();
  auto flag = [&flags](const char* rule, std::string subject, std::string message, Json events) {
    flags.push_back({{"rule", rule},
                     {"subject", std::move(subject)},
                     {"message", std::move(message)},
                     {"events", std::move(events)}});
  };
  // A target changed soon after an unfavourable measurement: one that moved
  // away from the target, recorded at most `target_change_window_days`
  // before the change.
  for (const auto& [id, changes] : t.target_changes) {
    const std::optional<Json> ind = s.indicators.Find(id);
    if (!ind) continue;
    const bool decrease = ind->value("polarity", "increase") == "decrease" ||
                          ind->value("polarity", "") == "maintain_below";
    for (const Json& change : changes) {
      const Instant changed_at = ParseInstant(change["recorded_at"].get<std::string>()).value();
      // The two measurements recorded last before the change.
      const Json *last = nullptr, *previous = nullptr;
      int32_t last_day = 0, previous_day = 0;
      for (const auto& [day, info] : t.measured[id]) {
        if (info["position"].get<uint64_t>() > change["position"].get<uint64_t>()) continue;
        previous = last;
        previous_day = last_day;
        last = &info;
        last_day = day;
      }
      if (last == nullptr || previous == nullptr) continue;
      const Instant recorded = ParseInstant((*last)["recorded_at"].get<std::string>()).value();
      if (changed_at - recorded > std::chrono::days(options.target_change_window_days)) continue;
      double last_value = 0, previous_value = 0;
      for (const Measurement& m : s.MeasurementsOf(id)) {
        if (m.day == last_day) last_value = m.value;
        if (m.day == previous_day) previous_value = m.value;
      }
      const bool unfavourable =
          decrease ? last_value > previous_value : last_value < previous_value;
      if (!unfavourable) continue;
      flag("target_changed_after_unfavourable_measurement", "indicator/" + id,
           "cible de l'indicateur " + id + " modifiée peu après une mesure défavorable (" +
               Json(previous_value).dump() + " puis " + Json(last_value).dump() + ")",
           Json::array({(*previous)["position"], (*last)["position"], change["position"]}));
    }
  }
  for (const auto& [id, m] : s.missions.items()) {
    const bool assessed = m.contains("values") && !m["values"].empty();
    if (!assessed) {
      flag("mission_never_assessed", "mission/" + id,
           "mission " + id + " jamais évaluée au regard des valeurs de la collectivité",
           Json::array({t.defined["mission/" + id]}));
    }
  }
  for (const auto& [id, a] : s.axes.items()) {
    if (!a.contains("validation") && !a.value("dropped", false)) {
      flag("axis_never_validated", "axis/" + id,
           "axe de progrès " + id + " jamais validé au regard des orientations politiques",
           Json::array({t.defined["axis/" + id]}));
    }
  }
  std::set<std::string> measured_actions;
  for (const auto& [id, ind] : s.indicators.items()) {
    const std::string at = ind.value("attached_to", "");
    if (at.starts_with("action:")) measured_actions.insert(at.substr(7));
  }
  for (const auto& [id, a] : s.actions.items()) {
    if (a.value("status", "") == "cancelled" || measured_actions.contains(id)) continue;
    flag("action_without_indicator", "action/" + id,
         "action " + id + " sans indicateur qui lui soit rattaché",
         Json::array({t.planned[id].value("position", Json())}));
  }
  for (const auto& [id, ind] : s.indicators.items()) {
    if (ind.value("retired", false) || !s.MeasurementsOf(id).empty()) continue;
    flag("indicator_never_measured", "indicator/" + id, "indicateur " + id + " jamais mesuré",
         Json::array({t.defined["indicator/" + id]}));
  }
  for (const auto& [id, by_day] : t.measured) {
    for (const auto& [day, info] : by_day) {
      if (!info.is_object() || info["imported"].get<bool>()) continue;
      const int32_t delay = info["recorded_day"].get<int32_t>() - day;
      if (delay <= static_cast<int32_t>(options.late_measurement_days)) continue;
      flag("measurement_recorded_late", "indicator/" + id,
           "mesure du " + DateOfDay(day) + " de l'indicateur " + id + " saisie " +
               std::to_string(delay) + " jours après sa date",
           Json::array({info["position"]}));
    }
  }
  std::map<std::string, int> counts;
  for (const Json& f : flags) ++counts[f["rule"].get<std::string>()];
  return Json{{"direction", code},
              {"position", t.last_position},
              {"flags", std::move(flags)},
              {"counts", counts}};
}

Json TablesJson(const std::vector<Table>& tables) {
  static const char* kTypes[] = {"text", "integer", "number", "percent", "date"};
  Json out = Json::array();
  for (const Table& t : tables) {
    Json columns = Json::array(), rows = Json::array();
    for (const Column& c : t.columns)
      columns.push_back(
          {{"key", c.key}, {"title", c.title}, {"type", kTypes[static_cast<int>(c.type)]}});
    for (const Json& row : t.rows) {
      Json cells = Json::array();
      for (const Column& c : t.columns) cells.push_back(row.value(c.key, Json()));
      rows.push_back(std::move(cells));
    }
    out.push_back({{"name", t.name}, {"columns", std::move(columns)}, {"rows", std::move(rows)}});
  }
  return out;
}

std::vector<Table> EvaluationTables(const Json& d) {
  using T = Column::Type;
  std::vector<Table> out;
  out.push_back({"plan",
                 {{"direction", "Direction", T::kText},
                  {"name", "Nom", T::kText},
                  {"title", "Projet", T::kText},
                  {"period_start", "Début de période", T::kDate},
                  {"period_end", "Fin de période", T::kDate},
                  {"at", "Évalué au", T::kDate},
                  {"execution", "Exécution", T::kPercent},
                  {"performance", "Performance", T::kPercent},
                  {"position", "Position du journal", T::kInteger},
                  {"plan_hash", "Empreinte (SHA-256)", T::kText}},
                 {d}});
  out.push_back({"axes",
                 {{"id", "Axe", T::kText},
                  {"title", "Intitulé", T::kText},
                  {"validated", "Validé", T::kText},
                  {"dropped", "Abandonné", T::kText},
                  {"execution", "Exécution", T::kPercent},
                  {"performance", "Performance", T::kPercent},
                  {"actions", "Actions", T::kInteger}},
                 d["axes"].get<std::vector<Json>>()});
  std::vector<Json> indicators;
  for (Json i : d["indicators"]) {
    i["baseline_value"] = i["baseline"].value("value", Json());
    i["baseline_date"] = i["baseline"].value("date", Json());
    i["initial_target_value"] = i["initial_target"].value("value", Json());
    i["initial_target_date"] = i["initial_target"].value("date", Json());
    i["target_value"] = i["target"].value("value", Json());
    i["target_date"] = i["target"].value("date", Json());
    i["target_changes"] = i["target_changes"].size();
    i["measurements"] = i["measurements"].size();
    indicators.push_back(std::move(i));
  }
  out.push_back({"indicateurs",
                 {{"id", "Indicateur", T::kText},
                  {"name", "Nom", T::kText},
                  {"kind", "Type", T::kText},
                  {"unit", "Unité", T::kText},
                  {"attached_to", "Rattaché à", T::kText},
                  {"polarity", "Sens", T::kText},
                  {"baseline_value", "Valeur de référence", T::kNumber},
                  {"baseline_date", "Date de référence", T::kDate},
                  {"initial_target_value", "Cible initiale", T::kNumber},
                  {"initial_target_date", "Échéance initiale", T::kDate},
                  {"target_value", "Cible actuelle", T::kNumber},
                  {"target_date", "Échéance actuelle", T::kDate},
                  {"target_changes", "Changements de cible", T::kInteger},
                  {"measurements", "Mesures", T::kInteger},
                  {"final_value", "Valeur finale", T::kNumber},
                  {"final_date", "Date de la valeur finale", T::kDate},
                  {"attainment", "Atteinte", T::kPercent},
                  {"status", "Statut de clôture", T::kText},
                  {"late_measurements", "Mesures saisies en retard", T::kInteger}},
                 indicators});
  std::vector<Json> measurements;
  for (Json m : d["measurements"]) {
    m["corrections"] = m["corrections"].size();
    measurements.push_back(std::move(m));
  }
  out.push_back({"mesures",
                 {{"indicator", "Indicateur", T::kText},
                  {"date", "Date", T::kDate},
                  {"value", "Valeur", T::kNumber},
                  {"recorded_at", "Saisie le", T::kText},
                  {"late", "En retard", T::kText},
                  {"corrections", "Corrections", T::kInteger},
                  {"position", "Position", T::kInteger}},
                 measurements});
  std::vector<Json> changes;
  for (Json c : d["target_changes"]) {
    c["from_value"] = c["from"].value("value", Json());
    c["from_date"] = c["from"].value("date", Json());
    c["to_value"] = c["to"].value("value", Json());
    c["to_date"] = c["to"].value("date", Json());
    changes.push_back(std::move(c));
  }
  out.push_back({"changements_de_cible",
                 {{"indicator", "Indicateur", T::kText},
                  {"from_value", "Ancienne cible", T::kNumber},
                  {"from_date", "Ancienne échéance", T::kDate},
                  {"to_value", "Nouvelle cible", T::kNumber},
                  {"to_date", "Nouvelle échéance", T::kDate},
                  {"reason", "Motif", T::kText},
                  {"by", "Par", T::kText},
                  {"recorded_at", "Le", T::kText},
                  {"position", "Position", T::kInteger}},
                 changes});
  out.push_back({"actions",
                 {{"id", "Action", T::kText},
                  {"axis", "Axe", T::kText},
                  {"title", "Intitulé", T::kText},
                  {"owner", "Pilote", T::kText},
                  {"planned_start", "Début prévu", T::kDate},
                  {"planned_due", "Échéance prévue", T::kDate},
                  {"start", "Début", T::kDate},
                  {"due", "Échéance", T::kDate},
                  {"completed_on", "Achevée le", T::kDate},
                  {"budget_eur", "Budget (€)", T::kNumber},
                  {"fte", "ETP", T::kNumber},
                  {"progress", "Avancement", T::kPercent},
                  {"status", "Statut", T::kText},
                  {"reschedules", "Replanifications", T::kInteger},
                  {"reschedule_reasons", "Motifs", T::kText}},
                 d["actions"].get<std::vector<Json>>()});
  std::vector<Json> reviews;
  for (const Json& r : d["reviews"]["due_dates"])
    reviews.push_back({{"kind", "due"}, {"date", r["date"]}, {"position", r["position"]}});
  for (const Json& r : d["reviews"]["held_reviews"]) {
    reviews.push_back({{"kind", "held"},
                       {"number", r["number"]},
                       {"date", r["date"]},
                       {"position", r["position"]}});
  }
  const Json& rev = d["revision"];
  if (rev.contains("opened")) {
    reviews.push_back({{"kind", "revision_opened"},
                       {"date", rev["opened"]},
                       {"position", rev["opened_position"]}});
  }
  if (rev.contains("closed")) {
    reviews.push_back({{"kind", "revision_closed"},
                       {"date", rev["closed"]},
                       {"decision", rev["decision"]},
                       {"position", rev["closed_position"]}});
  }
  out.push_back({"revues",
                 {{"kind", "Nature", T::kText},
                  {"number", "Numéro", T::kInteger},
                  {"date", "Date", T::kDate},
                  {"decision", "Décision", T::kText},
                  {"position", "Position", T::kInteger}},
                 reviews});
  out.push_back({"relances",
                 {{"rule", "Règle", T::kText},
                  {"issued", "Émises", T::kInteger},
                  {"acknowledged", "Prises en compte", T::kInteger},
                  {"escalated", "Escaladées", T::kInteger},
                  {"repeated", "Renouvelées", T::kInteger},
                  {"resolved", "Closes", T::kInteger}},
                 d["reminders"].get<std::vector<Json>>()});
  out.push_back({"evenements",
                 {{"year", "Année", T::kInteger},
                  {"type", "Événement", T::kText},
                  {"count", "Nombre", T::kInteger}},
                 d["changes"].get<std::vector<Json>>()});
  return out;
}

namespace {

// Text goes through the shared CSV cell (engine/util/csv.h), which
// neutralises formulas; numbers and booleans are written as they are.
std::string CsvField(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return CsvTextCell(v.get_ref<const std::string&>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

}  // namespace

std::string ToCsv(const Table& table) {
  std::string out;
  for (size_t i = 0; i < table.columns.size(); ++i) {
    if (i) out += ',';
    out += CsvField(table.columns[i].key);
  }
  out += "\r\n";
  for (const Json& row : table.rows) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      const std::string& key = table.columns[i].key;
      if (i) out += ',';
      out += CsvField(row.contains(key) ? row[key] : Json());
    }
    out += "\r\n";
  }
  return out;
}

Status WriteXlsx(const std::vector<Table>& tables, const std::string& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) return Status::IOError(path + ": cannot create the workbook");
  lxw_format* header = workbook_add_format(book);
  format_set_bold(header);
  format_set_bg_color(header, 0xDDE6F0);
  lxw_format* date = workbook_add_format(book);
  format_set_num_format(date, "dd/mm/yyyy");
  lxw_format* percent = workbook_add_format(book);
  format_set_num_format(percent, "0.00%");
  for (const Table& t : tables) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, t.name.c_str());
    for (size_t c = 0; c < t.columns.size(); ++c) {
      worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), t.columns[c].title.c_str(),
                             header);
      worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 18,
                           nullptr);
    }
    worksheet_freeze_panes(sheet, 1, 0);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const auto row = static_cast<lxw_row_t>(r + 1);
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const auto col = static_cast<lxw_col_t>(c);
        const Json& v = t.rows[r].contains(t.columns[c].key) ? t.rows[r][t.columns[c].key] : Json();
        if (v.is_null()) continue;
        switch (t.columns[c].type) {
          case Column::Type::kInteger:
          case Column::Type::kNumber:
            if (v.is_number()) {
              worksheet_write_number(sheet, row, col, v.get<double>(), nullptr);
              continue;
            }
            break;
          case Column::Type::kPercent:
            if (v.is_number()) {
              worksheet_write_number(sheet, row, col, v.get<double>() / 100.0, percent);
              continue;
            }
            break;
          case Column::Type::kDate:
            if (v.is_string()) {
              if (auto d = ParseDate(v.get<std::string>()); d.ok()) {
                const auto ymd =
                    std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(*d)};
                lxw_datetime dt = {static_cast<int>(ymd.year()),
                                   static_cast<int>(unsigned(ymd.month())),
                                   static_cast<int>(unsigned(ymd.day())),
                                   0,
                                   0,
                                   0};
                worksheet_write_datetime(sheet, row, col, &dt, date);
                continue;
              }
            }
            break;
          case Column::Type::kText:
            break;
        }
        const std::string text = v.is_string()    ? v.get<std::string>()
                                 : v.is_boolean() ? (v.get<bool>() ? "oui" : "non")
                                                  : v.dump();
        worksheet_write_string(sheet, row, col, text.c_str(), nullptr);
      }
    }
  }
  const lxw_error error = workbook_close(book);
  if (error != LXW_NO_ERROR) {
    return Status::IOError(path + ": " + lxw_strerror(error));
  }
  return Status::Ok();
}

}  // namespace jalon::jobs
