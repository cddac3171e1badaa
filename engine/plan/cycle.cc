#include "engine/plan/cycle.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

#include "engine/plan/day.h"
#include "engine/plan/model.h"

namespace jalon {
namespace {

struct CycleKind {
  const char* name;
  Collection PlanState::*collection;
};

constexpr std::array<CycleKind, 6> kKinds = {{{"swot", &PlanState::swot},
                                              {"missions", &PlanState::missions},
                                              {"axes", &PlanState::axes},
                                              {"scenarios", &PlanState::scenarios},
                                              {"actions", &PlanState::actions},
                                              {"indicators", &PlanState::indicators}}};

// An action still to be done when its plan's cycle ends: planned or
// started, on an axis that was not dropped.
bool Unfinished(const PlanState& s, const EntityFields& action) {
  const std::string status = action.Text("status");
  if (status != "planned" && status != "started") return false;
  const auto axis = s.axes.FieldsOf(action.Text("axis"));
  return axis && DayOfMark(axis->Get("dropped")) == kNever;
}

Json CarryOverRow(const PlanState& s, const std::string& id, const EntityFields& a) {
  Json row = {{"id", id}};
  for (const char* k : {"title", "axis", "owner", "start", "due", "budget_eur", "fte", "status"}) {
    if (const Json* v = a.Get(k)) row[k] = *v;
  }
  if (const auto axis = s.axes.FieldsOf(a.Text("axis"))) row["axis_title"] = axis->Text("title");
  const auto& reports = s.ProgressOf(id);
  row["progress"] = reports.empty() ? 0.0 : reports.back().percent;
  return row;
}

}  // namespace

int CycleOf(const PlanState& s) {
  if (!s.plan.is_object()) return 1;
  const auto it = s.plan.find("cycle");
  return it != s.plan.end() && it->is_number_integer() ? it->get<int>() : 1;
}

const char* CycleKindOf(Collection PlanState::*collection) {
  for (const CycleKind& k : kKinds) {
    if (k.collection == collection) return k.name;
  }
  return nullptr;
}

bool UsedInEarlierCycle(const PlanState& s, std::string_view kind, std::string_view id) {
  if (!s.plan.is_object() || !s.plan.contains("earlier_ids")) return false;
  const Json& earlier = s.plan["earlier_ids"];
  const auto it = earlier.find(std::string(kind));
  if (it == earlier.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const Json& x) { return x == id; });
}

Json CarryOverAction(const PlanState& s, std::string_view id) {
  if (!s.plan.is_object() || !s.plan.contains("carry_over")) return nullptr;
  for (const Json& row : s.plan["carry_over"]) {
    if (row.value("id", std::string()) == id) return row;
  }
  return nullptr;
}

std::string CarriedBy(const PlanState& s, std::string_view carried_from) {
  for (const auto& [id, fields] : s.actions.fields()) {
    if (fields.Text("carried_from") == carried_from) return id;
  }
  return {};
}

Status ApplyCycleOpened(PlanState& s, const Event& e, const Json& p) {
  if (!s.plan_open()) {
    return Status::Corruption("position " + std::to_string(e.position) +
                              ": CycleOpened on a direction with no plan");
  }
  // The missions carried: those named, else every one not retired.
  std::vector<std::string> carried;
  if (const auto it = p.find("missions"); it != p.end()) {
    for (const Json& id : *it) carried.push_back(id.get<std::string>());
  } else {
    for (const auto& [id, fields] : s.missions.fields()) {
      if (DayOfMark(fields.Get("retired")) == kNever) carried.push_back(id);
    }
  }
  Collection missions;
  for (const std::string& id : carried) {
    // Decide checked every id against the live plan; a plan rebuilt as of a
    // business date (Projections::AtEffective) may not hold a mission
    // defined after that date, which is then not carried there either.
    std::optional<Json> found = s.missions.Find(id);
    if (!found) continue;
    Json m = std::move(*found);
    m.erase("values");
    m.erase("ambitions");
    missions.Add(id, m);
  }

  Json earlier = s.plan.value("earlier_ids", Json::object());
  for (const CycleKind& k : kKinds) {
    for (const std::string id : (s.*k.collection).ids()) {
      if (k.collection == &PlanState::missions && missions.Contains(id)) continue;
      earlier[k.name].push_back(id);
    }
  }
  Json carry_over = Json::array();
  for (const auto& [id, fields] : s.actions.fields()) {
    if (Unfinished(s, fields)) carry_over.push_back(CarryOverRow(s, id, fields));
  }
  Json previous = {{"cycle", CycleOf(s)}};
  for (const char* k : {"title", "period_start", "period_end", "dated"}) {
    if (s.plan.contains(k)) previous[k] = s.plan[k];
  }
  previous["last_position"] = s.last_position;
  previous["last_version"] = s.version;
  Json cycles = s.plan.value("previous_cycles", Json::array());
  cycles.push_back(std::move(previous));

  Json plan = Json::object();
  for (const char* k : {"title", "period_start", "period_end", "dated"}) plan[k] = p.at(k);
  plan["cycle"] = CycleOf(s) + 1;
  plan["previous_cycles"] = std::move(cycles);
  plan["carry_over"] = std::move(carry_over);
  plan["earlier_ids"] = std::move(earlier);

  s.plan = std::move(plan);
  s.missions = std::move(missions);
  s.swot = Collection();
  s.axes = Collection();
  s.scenarios = Collection();
  s.actions = Collection();
  s.indicators = Collection();
  s.progress.clear();
  s.measurements.clear();
  s.reviews = Json::array();
  s.revision = nullptr;
  s.evaluation = nullptr;
  s.reviews_due.clear();
  return Status::Ok();
}

}  // namespace jalon
