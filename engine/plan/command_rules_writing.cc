// The commands that write the plan: the direction and its plan, the sections,
// the SWOT, the missions, the axes and the scenarios.

#include <optional>
#include <string>
#include <vector>

#include "engine/plan/command_checks.h"
#include "engine/plan/command_fields.h"
#include "engine/plan/command_internal.h"
#include "engine/plan/cycle.h"
#include "engine/plan/model.h"
#include "engine/util/time.h"

namespace jalon::command_internal {
namespace {

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
const std::vector<std::string> kQuadrants = {"internal_strength", "internal_weakness",
                                             "external_strength", "external_weakness"};

// Every mission an axis serves is one of the plan's.
Status CheckMissionRefs(const PlanState& s, const Json& missions) {
  for (size_t i = 0; i < missions.size(); ++i) {
    if (!s.missions.Contains(missions[i].get<std::string>())) {
      return Bad("missions[" + std::to_string(i) + "]",
                 "no mission '" + missions[i].get<std::string>() + "' in this plan");
    }
  }
  return Status::Ok();
}

// Every year of a scenario's means lies in the plan's period.
Status CheckMeansYears(const PlanState& s, const Json& means) {
  const int first = std::stoi(s.plan["period_start"].get<std::string>().substr(0, 4));
  const int last = std::stoi(s.plan["period_end"].get<std::string>().substr(0, 4));
  for (const char* part : {"fte", "budget_eur"}) {
    if (!means.contains(part)) continue;
    for (const auto& [year, unused] : means[part].items()) {
      const int y = std::stoi(year);
      if (y < first || y > last) {
        return Bad(std::string("means.") + part + "." + year,
                   "year " + year + " is outside the plan's period " + std::to_string(first) +
                       " to " + std::to_string(last));
      }
    }
  }
  return Status::Ok();
}

// The next cycle follows its plan: it begins after the plan's period, is
// opened once the plan's final year (its evaluation) has begun, and carries
// missions of the plan that are still in force.
Status CheckOpenCycle(const PlanState& s, const Json& d) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  if (DayOf(d["period_start"].get<std::string>()) >= DayOf(d["period_end"].get<std::string>()))
    return Bad("period_end", "must be after period_start");
  const std::string end = s.plan["period_end"].get<std::string>();
  if (DayOf(d["period_start"].get<std::string>()) <= DayOf(end)) {
    return Bad("period_start",
               "the next cycle begins after the current plan's period, which ends on " + end);
  }
  const std::string final_year = DateOfDay(FinalYearStart(s));
  if (DayOf(d["dated"].get<std::string>()) < DayOf(final_year)) {
    return Bad(
        "dated",
        "the next cycle is opened once the current plan's final year, its evaluation, has begun (" +
            final_year + ")");
  }
  if (!d.contains("missions")) return Status::Ok();
  JALON_RETURN_IF_ERROR(CheckMissionRefs(s, d["missions"]));
  for (size_t i = 0; i < d["missions"].size(); ++i) {
    const std::string id = d["missions"][i].get<std::string>();
    if (s.missions.FieldsOf(id)->Has("retired")) {
      return Bad("missions[" + std::to_string(i) + "]",
                 "mission '" + id + "' was retired: it is not carried over");
    }
  }
  return Status::Ok();
}

}  // namespace

void AddWritingRules(SpecTable& table) {
  const SpecTable rules = {
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
      {"OpenCycle",
       {"CycleOpened",
        {{"direction", Kind::kCode, true},
         {"title", Kind::kName, true},
         {"period_start", Kind::kDate, true},
         {"period_end", Kind::kDate, true},
         {"dated", Kind::kDate, true},
         {"missions", Kind::kIds, false}},
        "dated",
        CheckOpenCycle}},
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
          return NeedNew(s, &PlanState::swot, d, "SWOT item");
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
          return NeedNew(s, &PlanState::missions, d, "mission");
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
         {"reason", Kind::kText, false},
         {"date", Kind::kDate, false}},
        "date",
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
          JALON_RETURN_IF_ERROR(NeedNew(s, &PlanState::axes, d, "axis"));
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
         {"reason", Kind::kText, false},
         {"date", Kind::kDate, false},
         {"always", Kind::kTrue, false}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          // `always` is what an older document's bare "dropped": true means.
          if (d.contains("always") && d.contains("date"))
            return Bad("always", "an axis dropped at every date has no date");
          return NeedAxisNotDropped(s, "axis", d["axis"].get<std::string>());
        }}},
      {"ProposeScenario",
       {"ScenarioProposed",
        {{"direction", Kind::kCode, true},
         {"id", Kind::kId, true},
         {"title", Kind::kName, true},
         {"axes", Kind::kIds, true},
         {"means", Kind::kMeans, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          JALON_RETURN_IF_ERROR(NeedNew(s, &PlanState::scenarios, d, "scenario"));
          if (d.contains("means")) JALON_RETURN_IF_ERROR(CheckMeansYears(s, d["means"]));
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
            if (a && DayOfMark(a->Get("dropped")) != kNever) {
              return Bad("scenario", "scenario '" + d["scenario"].get<std::string>() +
                                         "' orders axis '" + axis.get<std::string>() +
                                         "', which was dropped");
            }
          }
          return Status::Ok();
        }}},
  };
  table.insert(rules.begin(), rules.end());
}

}  // namespace jalon::command_internal
