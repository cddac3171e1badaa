// The commands on the plan's indicators: defining them, their targets, their
// retirement, and their measurements.

#include <optional>
#include <string>

#include "engine/plan/command_checks.h"
#include "engine/plan/command_dates.h"
#include "engine/plan/command_fields.h"
#include "engine/plan/command_internal.h"
#include "engine/util/time.h"

namespace jalon::command_internal {
namespace {

// The indicator d["indicator"] is in the open plan and was not retired.
Status NeedLiveIndicator(const PlanState& s, const Json& d) {
  return NeedActive(s, s.indicators, d, "indicator", "indicator", "retired",
                    "the indicator was retired");
}

// The indicator d["indicator"] has a measurement dated d["date"].
bool HasMeasurement(const PlanState& s, const Json& d) {
  const int32_t day = DayOf(d["date"].get<std::string>());
  return s.MeasurementsOf(d["indicator"].get<std::string>()).Find(day) != MeasurementSeries::npos;
}

}  // namespace

void AddIndicatorRules(SpecTable& table) {
  const SpecTable rules = {
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
          JALON_RETURN_IF_ERROR(NeedNew(s, &PlanState::indicators, d, "indicator"));
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
          JALON_RETURN_IF_ERROR(CheckTargetAfterBaseline(d["target"]["date"].get<std::string>(),
                                                         d["baseline"]["date"].get<std::string>()));
          return CheckTargetSide(d["polarity"].get<std::string>(), d["baseline"], d["target"],
                                 "target.value");
        }}},
      {"ChangeTarget",
       {"TargetChanged",
        {{"direction", Kind::kCode, true},
         {"indicator", Kind::kId, true},
         {"target", Kind::kDatedValue, true},
         {"reason", Kind::kName, true},
         {"by", Kind::kName, false},
         {"date", Kind::kDate, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedLiveIndicator(s, d));
          const Json i = s.indicators.At(d["indicator"].get<std::string>());
          JALON_RETURN_IF_ERROR(NeedInDateOrder(d, i, "target_changes", "target change"));
          const Json& baseline = i.value("baseline", Json::object());
          JALON_RETURN_IF_ERROR(
              CheckTargetSide(i.value("polarity", ""), baseline, d["target"], "target.value"));
          if (!baseline.contains("date") || !baseline["date"].is_string()) return Status::Ok();
          return CheckTargetAfterBaseline(d["target"]["date"].get<std::string>(),
                                          baseline["date"].get<std::string>());
        }}},
      {"RetireIndicator",
       {"IndicatorRetired",
        {{"direction", Kind::kCode, true},
         {"indicator", Kind::kId, true},
         {"reason", Kind::kText, false},
         {"date", Kind::kDate, false}},
        "date",
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
          JALON_RETURN_IF_ERROR(NeedLiveIndicator(s, d));
          if (HasMeasurement(s, d)) {
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
          JALON_RETURN_IF_ERROR(NeedLiveIndicator(s, d));
          if (HasMeasurement(s, d)) return Status::Ok();
          return Bad("date",
                     "no measurement dated " + d["date"].get<std::string>() + " to correct");
        }}},
  };
  table.insert(rules.begin(), rules.end());
}

}  // namespace jalon::command_internal
