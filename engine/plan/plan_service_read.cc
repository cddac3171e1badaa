// PlanService's reads: a plan now or in the past, its dashboard, the
// directions' list, the history and the diff.
#include "engine/log/payload.h"
#include "engine/plan/audit.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/plan_service.h"

namespace jalon {
namespace {

Instant Today(const Clock& clock) { return std::chrono::floor<std::chrono::days>(clock.Now()); }

}  // namespace

Result<uint64_t> PlanService::PositionAtInstant(Instant t) const {
  // Everything recorded at or before t: the position before the first event
  // recorded strictly after t.
  auto first_after = log_.FirstPositionAtOrAfter(t + Micros(1));
  if (!first_after.ok()) return first_after.status();
  return *first_after - 1;
}

Result<PlanState> PlanService::State(const std::string& code, const TimeQuery& when) const {
  Result<PlanState> state = PlanState();
  if (when.position) {
    state = projections_.AtPosition(code, *when.position);
  } else if (when.as_of) {
    auto position = PositionAtInstant(*when.as_of);
    if (!position.ok()) return position.status();
    state = projections_.AtPosition(code, *position);
  } else if (when.effective_at) {
    state = projections_.AtEffective(code, *when.effective_at);
  } else {
    JALON_RETURN_IF_ERROR(projections_.CatchUp());
    auto current = projections_.Current(code);
    if (!current) return NoDirection(code);
    return *current;
  }
  if (!state.ok()) return state;
  if (!state->registered()) {
    if (!projections_.Current(code)) return NoDirection(code);
    return Status::NotFound("direction '" + code + "' did not exist yet at that point");
  }
  return state;
}

Result<Json> PlanService::Show(const std::string& code, const TimeQuery& when) const {
  auto state = State(code, when);
  if (!state.ok()) return state.status();
  Json out = ExportPlan(*state, ExportDetail::kShow);
  out["version"] = state->version;
  out["position"] = state->last_position;
  out["plan_hash"] = ToHex(state->last_hash);
  out["revision"] = state->revision;
  out["evaluation"] = state->evaluation;
  out["reviews"] = state->reviews;  // with their number and plan hash
  return out;
}

Result<Json> PlanService::Export(const std::string& code, const TimeQuery& when) const {
  auto state = State(code, when);
  if (!state.ok()) return state.status();
  return ExportPlan(*state);
}

Result<Json> PlanService::Dashboard(const std::string& code, std::optional<Instant> at,
                                    const TimeQuery& when) const {
  if (!when.as_of && !when.position) {
    // The dashboard at a business date is the plan as it stood then, as
    // known now (PlanAt): `effective_at` is that date when `at` is not
    // given, and reads the current plan like any other date.
    auto current = CurrentDashboard(code, at ? at : when.effective_at);
    if (!current.ok()) return current.status();
    return *current->json;
  }
  auto state = State(code, when);
  if (!state.ok()) return state.status();
  return jalon::Dashboard(*state, at.value_or(Today(clock_)), rollup_);
}

PlanService::CachedDashboard PlanService::DashboardOf(const PlanState& state, Instant at) const {
  {
    std::lock_guard<std::mutex> lock(dashboards_mu_);
    auto it = dashboards_.find(state.code);
    if (it != dashboards_.end() && it->second.version == state.version && it->second.at == at)
      return it->second;
  }
  CachedDashboard fresh;
  fresh.version = state.version;
  fresh.at = at;
  auto json = std::make_shared<Json>(jalon::Dashboard(state, at, rollup_));
  fresh.text = std::make_shared<const std::string>(
      json->dump(-1, ' ', false, Json::error_handler_t::replace));
  fresh.json = std::move(json);
  std::lock_guard<std::mutex> lock(dashboards_mu_);
  dashboards_[state.code] = fresh;
  return fresh;
}

Result<PlanService::CachedDashboard> PlanService::CurrentDashboard(
    const std::string& code, std::optional<Instant> at) const {
  JALON_RETURN_IF_ERROR(projections_.CatchUp());
  const Instant when = at.value_or(Today(clock_));
  CachedDashboard found;
  if (!projections_.With(code, [&](const PlanState& s) { found = DashboardOf(s, when); })) {
    return NoDirection(code);
  }
  return found;
}

Result<std::shared_ptr<const std::string>> PlanService::CurrentDashboardText(
    const std::string& code, std::optional<Instant> at) const {
  auto current = CurrentDashboard(code, at);
  if (!current.ok()) return current.status();
  return current->text;
}

Json PlanService::Directions(std::optional<Instant> at) const {
  projections_.CatchUp().PermitUncheckedError();
  const Instant when = at.value_or(Today(clock_));
  Json out = Json::array();
  projections_.ForEach([&](const PlanState& s) {
    const Json& d = *DashboardOf(s, when).json;
    out.push_back({{"code", s.code},
                   {"name", s.direction.value("name", "")},
                   {"pole", s.direction.value("pole", "")},
                   {"plan", s.plan},
                   {"version", s.version},
                   {"at", d["at"]},
                   {"execution", d["execution"]},
                   {"performance", d["performance"]},
                   {"late_actions", d["late_actions"]},
                   {"at_risk_actions", d["at_risk_actions"]}});
  });
  return out;
}

Result<Json> PlanService::History(const std::string& code, const HistoryQuery& query) const {
  if (!projections_.Current(code)) return NoDirection(code);
  PlanState state;
  Json entries = Json::array();
  for (uint64_t from = 1;;) {
    auto events = log_.ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      auto payload = DecodePayload(e.payload);
      if (!payload.ok())
        return payload.status().WithContext("position " + std::to_string(e.position));
      // One entry per entity the event touches (an escalation names
      // several reminders), each with that entity's changes.
      std::vector<std::pair<std::string, Json>> wanted;  // entity, before
      if ((!query.from || e.recorded_at >= *query.from) &&
          (!query.to || e.recorded_at <= *query.to)) {
        for (std::string& entity : EntitiesOf(e.type, *payload, state)) {
          if (!query.entity.empty() && query.entity != entity) continue;
          Json before = EntityJson(state, entity);
          wanted.emplace_back(std::move(entity), std::move(before));
        }
      }
      JALON_RETURN_IF_ERROR(state.Apply(e, *payload));
      for (auto& [entity, before] : wanted) {
        entries.push_back({{"position", e.position},
                           {"version", e.version},
                           {"type", e.type},
                           {"entity", entity},
                           {"recorded_at", FormatInstant(e.recorded_at)},
                           {"effective_at", FormatInstant(e.effective_at)},
                           {"actor", e.actor},
                           {"command_id", e.command_id},
                           {"changes", FieldChanges(before, EntityJson(state, entity))}});
      }
    }
    if (events->size() < 1000) break;
    from = events->back().version + 1;
  }
  return Json{{"direction", code}, {"entries", std::move(entries)}};
}

Result<Json> PlanService::Diff(const std::string& code, Instant from, Instant to) const {
  if (!projections_.Current(code)) return NoDirection(code);
  auto from_pos = PositionAtInstant(from);
  auto to_pos = PositionAtInstant(to);
  if (!from_pos.ok()) return from_pos.status();
  if (!to_pos.ok()) return to_pos.status();
  auto a = projections_.AtPosition(code, *from_pos);
  auto b = projections_.AtPosition(code, *to_pos);
  if (!a.ok()) return a.status();
  if (!b.ok()) return b.status();
  Json diff = DiffStates(*a, *b);
  return Json{{"direction", code},
              {"from", FormatInstant(from)},
              {"to", FormatInstant(to)},
              {"from_position", *from_pos},
              {"to_position", *to_pos},
              {"added", std::move(diff["added"])},
              {"changed", std::move(diff["changed"])},
              {"removed", std::move(diff["removed"])}};
}

}  // namespace jalon
