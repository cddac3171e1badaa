#include "jobs/evaluation/evaluation.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "engine/plan/cycle.h"
#include "engine/plan/rollup.h"
#include "jobs/evaluation/evaluation_trace.h"

namespace jalon::jobs {
namespace {

std::string ClosingStatus(const Json& dashboard_indicator, bool measured) {
  if (dashboard_indicator.value("retired", false)) return "retired";
  if (!measured || dashboard_indicator["attainment"].is_null()) return "not_measured";
  const double a = dashboard_indicator["attainment"].get<double>();
  if (a >= 100) return "achieved";
  if (a <= 0) return "missed";
  return "partial";
}

// A whole number as an integer, as the plan's documents write it.
Json Number(double x) {
  if (std::floor(x) == x && std::abs(x) < 1e15) return static_cast<int64_t>(x);
  return x;
}

}  // namespace

Result<Json> EvaluationData(const PlanService& service, const std::string& code,
                            std::optional<Instant> at, const ReminderOptions& options, int cycle) {
  PlanState state;
  PlanTrace trace;
  JALON_RETURN_IF_ERROR(ReplayPlan(service, code, &state, &trace, cycle));
  if (!state.plan_open()) return Status::NotFound("direction '" + code + "' has no plan yet");
  const Instant end = ParseDate(state.plan.value("period_end", "")).value();
  const Instant today = std::chrono::floor<std::chrono::days>(service.clock().Now());
  const Instant when = at.value_or(std::min(today, end));
  const PlanAt plan(state, when);
  const Json dash = Dashboard(plan, service.rollup());
  const int32_t grace = static_cast<int32_t>(options.indicator_grace_days);

  Json indicators = Json::array(), measurements = Json::array(), target_changes = Json::array();
  for (const Json& d : dash["indicators"]) {
    const std::string id = d["id"];
    const Indicator& ind = *plan.FindIndicator(id);
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
         {"name", ind.name},
         {"kind", ind.kind},
         {"unit", ind.unit},
         {"attached_to", ind.attached_to},
         {"polarity", ind.polarity},
         {"frequency", ind.frequency},
         {"baseline", ind.baseline.ToJson()},
         {"initial_target", ind.target.ToJson()},
         {"target", plan.Target(ind).ToJson()},
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
      const Action& full = *plan.FindAction(id);
      const int32_t day = plan.day();
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
                         {"title", full.title},
                         {"owner", full.owner},
                         {"planned_start", planned.value("start", Json())},
                         {"planned_due", planned.value("due", Json())},
                         {"start", DateOfDay(full.StartOn(day))},
                         {"due", DateOfDay(full.DueOn(day))},
                         {"completed_on", completed.is_object() ? completed["date"] : Json()},
                         {"budget_eur", Number(full.BudgetOn(day))},
                         {"spent_eur", Number(full.SpentBy(day))},
                         {"fte", full.FteOn(day)},
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
                    {"budget_eur", a["budget_eur"]},
                    {"spent_eur", a["spent_eur"]},
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
              {"cycle", CycleOf(state)},
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

}  // namespace jalon::jobs
