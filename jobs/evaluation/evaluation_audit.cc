#include "jobs/evaluation/evaluation_audit.h"

#include <map>
#include <set>

#include "engine/plan/model.h"
#include "engine/util/french_date.h"
#include "jobs/evaluation/evaluation_trace.h"

namespace jalon::jobs {

Result<Json> AuditFlags(const PlanService& service, const std::string& code,
                        const AuditOptions& options) {
  PlanState s;
  PlanTrace t;
  JALON_RETURN_IF_ERROR(ReplayPlan(service, code, &s, &t));
  Json flags = Json::array();
  // The message is for people, its dates in words (« 30 juin 2018 »); a
  // date a program may want stays in ISO form in its own field.
  auto flag = [&flags](const char* rule, std::string subject, std::string message, Json events,
                       Json extra = Json::object()) {
    Json f = {{"rule", rule},
              {"subject", std::move(subject)},
              {"message", std::move(message)},
              {"events", std::move(events)}};
    f.update(extra);
    flags.push_back(std::move(f));
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
    if (!a.contains("validation") && DecodeAxis(id, a).dropped == kNever) {
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
    if (DecodeAction(id, a).status == "cancelled" || measured_actions.contains(id)) continue;
    flag("action_without_indicator", "action/" + id,
         "action " + id + " sans indicateur qui lui soit rattaché",
         Json::array({t.planned[id].value("position", Json())}));
  }
  for (const auto& [id, ind] : s.indicators.items()) {
    if (DecodeIndicator(id, ind).retired != kNever || !s.MeasurementsOf(id).empty()) continue;
    flag("indicator_never_measured", "indicator/" + id, "indicateur " + id + " jamais mesuré",
         Json::array({t.defined["indicator/" + id]}));
  }
  for (const auto& [id, by_day] : t.measured) {
    for (const auto& [day, info] : by_day) {
      if (!info.is_object() || info["imported"].get<bool>()) continue;
      const int32_t delay = info["recorded_day"].get<int32_t>() - day;
      if (delay <= static_cast<int32_t>(options.late_measurement_days)) continue;
      flag("measurement_recorded_late", "indicator/" + id,
           "mesure du " + FrenchDate(DateOfDay(day)) + " de l'indicateur " + id + " saisie " +
               std::to_string(delay) + " jours après sa date",
           Json::array({info["position"]}), {{"date", DateOfDay(day)}});
    }
  }
  std::map<std::string, int> counts;
  for (const Json& f : flags) ++counts[f["rule"].get<std::string>()];
  return Json{{"direction", code},
              {"position", t.last_position},
              {"flags", std::move(flags)},
              {"counts", counts}};
}

}  // namespace jalon::jobs
