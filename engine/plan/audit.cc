#include "engine/plan/audit.h"

namespace jalon {
namespace {

struct Kind {
  const char* prefix;
  const char* key;  // payload field that names the entity
};

Kind KindOf(const std::string& type) {
  static const std::map<std::string, Kind> kinds = {
      {"DirectionRegistered", {"direction", nullptr}},
      {"PlanOpened", {"plan", nullptr}},
      {"CycleOpened", {"plan", nullptr}},
      {"SwotItemAdded", {"swot/", "id"}},
      {"SwotItemRemoved", {"swot/", "id"}},
      {"MissionDefined", {"mission/", "id"}},
      {"MissionEdited", {"mission/", "mission"}},
      {"MissionRetired", {"mission/", "mission"}},
      {"MissionAssessed", {"mission/", "mission"}},
      {"AxisProposed", {"axis/", "id"}},
      {"AxisValidated", {"axis/", "axis"}},
      {"AxisEdited", {"axis/", "axis"}},
      {"AxisDropped", {"axis/", "axis"}},
      {"ScenarioProposed", {"scenario/", "id"}},
      {"ScenarioRetained", {"scenario/", "scenario"}},
      {"ActionPlanned", {"action/", "id"}},
      {"ActionEdited", {"action/", "action"}},
      {"ProgressReported", {"action/", "action"}},
      {"ActionRescheduled", {"action/", "action"}},
      {"ActionCompleted", {"action/", "action"}},
      {"ActionCancelled", {"action/", "action"}},
      {"SpendingRecorded", {"action/", "action"}},
      {"IndicatorDefined", {"indicator/", "id"}},
      {"TargetChanged", {"indicator/", "indicator"}},
      {"IndicatorRetired", {"indicator/", "indicator"}},
      {"MeasurementRecorded", {"indicator/", "indicator"}},
      {"MeasurementCorrected", {"indicator/", "indicator"}},
      {"SectionEdited", {"section/", "section"}},
      {"RevisionOpened", {"revision", nullptr}},
      {"RevisionModalitiesSet", {"revision", nullptr}},
      {"RevisionClosed", {"revision", nullptr}},
      {"EvaluationOpened", {"evaluation", nullptr}},
      {"OccurrenceFired", {"occurrence/", "occurrence"}},
      {"OccurrenceSkipped", {"occurrence/", "occurrence"}},
      {"ReviewDue", {"occurrence/", "occurrence"}},
      {"ReminderIssued", {"reminder/", "reminder"}},
      {"ReminderResolved", {"reminder/", "reminder"}},
      {"ReminderAcknowledged", {"reminder/", "reminder"}},
      {"DeliveryAttempted", {"delivery/", "message"}},
      {"ReminderDelivered", {"delivery/", "message"}},
      {"DeliveryFailed", {"delivery/", "message"}},
  };
  auto it = kinds.find(type);
  return it == kinds.end() ? Kind{"other", nullptr} : it->second;
}

void Flatten(const Json& j, const std::string& prefix, std::map<std::string, Json>* out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) Flatten(v, prefix + "/" + k, out);
  } else if (j.is_array() && !j.empty()) {
    for (size_t i = 0; i < j.size(); ++i) Flatten(j[i], prefix + "/" + std::to_string(i), out);
  } else {
    (*out)[prefix.empty() ? "/" : prefix] = j;
  }
}

}  // namespace

std::vector<std::string> EntitiesOf(const std::string& type, const Json& payload,
                                    const PlanState& before) {
  if (type == "ReviewHeld") return {"review/" + std::to_string(before.reviews.size() + 1)};
  if (type == "ReminderEscalated") {
    auto ids = EscalatedReminders(payload);
    if (!ids.ok()) return {"reminder/"};  // damaged: applying it says so
    for (std::string& id : *ids) id.insert(0, "reminder/");
    return std::move(ids).value();
  }
  const Kind kind = KindOf(type);
  if (kind.key == nullptr) return {kind.prefix};
  return {std::string(kind.prefix) + payload.value(kind.key, std::string())};
}

Json EntityJson(const PlanState& s, const std::string& entity) {
  const size_t slash = entity.find('/');
  const std::string kind = entity.substr(0, slash);
  const std::string id = slash == std::string::npos ? "" : entity.substr(slash + 1);
  auto find = [&id](const Collection& c) -> Json {
    std::optional<Json> item = c.Find(id);
    return item ? std::move(*item) : Json(nullptr);
  };
  if (kind == "direction") return s.direction;
  if (kind == "plan") return s.plan;
  if (kind == "revision") return s.revision;
  if (kind == "evaluation") return s.evaluation;
  if (kind == "swot") return find(s.swot);
  if (kind == "mission") return find(s.missions);
  if (kind == "axis") return find(s.axes);
  if (kind == "scenario") return find(s.scenarios);
  if (kind == "action") return s.ActionJson(id);
  if (kind == "indicator") return s.IndicatorJson(id);
  if (kind == "section") {
    Json out = Json::object();
    if (s.sections.contains(id)) out["text"] = s.sections[id];
    if (id == "identity") {
      for (const auto& [k, v] : s.identity.items()) out[k] = v;
    }
    return out.empty() ? Json(nullptr) : out;
  }
  if (kind == "reminder") {
    const Reminder* r = s.reminders.Find(id);
    return r == nullptr ? Json(nullptr) : r->ToJson();
  }
  if (kind == "occurrence") {
    return s.occurrences.Find(id).value_or(Json(nullptr));
  }
  if (kind == "review") {
    const bool number =
        !id.empty() && id.size() < 9 && id.find_first_not_of("0123456789") == std::string::npos;
    const size_t n = number ? std::stoul(id) : 0;
    return n >= 1 && n <= s.reviews.size() ? s.reviews[n - 1] : Json(nullptr);
  }
  return nullptr;
}

std::map<std::string, Json> Entities(const PlanState& s) {
  std::map<std::string, Json> out;
  auto put = [&out, &s](const std::string& key) {
    Json j = EntityJson(s, key);
    if (!j.is_null()) out[key] = std::move(j);
  };
  for (const char* k : {"direction", "plan", "revision", "evaluation"}) put(k);
  for (const auto& [name, text] : s.sections.items()) put("section/" + name);
  for (const auto& id : s.occurrences.ids()) put("occurrence/" + id);
  for (const Reminder& r : s.reminders) put("reminder/" + std::string(r.id()));
  if (!s.identity.empty()) put("section/identity");
  for (const auto& id : s.swot.ids()) put("swot/" + id);
  for (const auto& id : s.missions.ids()) put("mission/" + id);
  for (const auto& id : s.axes.ids()) put("axis/" + id);
  for (const auto& id : s.scenarios.ids()) put("scenario/" + id);
  for (const auto& id : s.actions.ids()) put("action/" + id);
  for (const auto& id : s.indicators.ids()) put("indicator/" + id);
  for (size_t i = 1; i <= s.reviews.size(); ++i) put("review/" + std::to_string(i));
  return out;
}

Json FieldChanges(const Json& before, const Json& after) {
  std::map<std::string, Json> a, b;
  if (!before.is_null()) Flatten(before, "", &a);
  if (!after.is_null()) Flatten(after, "", &b);
  Json changes = Json::array();
  for (const auto& [field, value] : a) {
    auto it = b.find(field);
    if (it == b.end()) {
      changes.push_back({{"field", field}, {"before", value}, {"after", nullptr}});
    } else if (it->second != value) {
      changes.push_back({{"field", field}, {"before", value}, {"after", it->second}});
    }
  }
  for (const auto& [field, value] : b) {
    if (!a.contains(field))
      changes.push_back({{"field", field}, {"before", nullptr}, {"after", value}});
  }
  return changes;
}

Json DiffStates(const PlanState& before_state, const PlanState& after_state) {
  const auto before = Entities(before_state), after = Entities(after_state);
  Json added = Json::array(), removed = Json::array(), changed = Json::array();
  for (const auto& [key, value] : after) {
    auto it = before.find(key);
    if (it == before.end()) {
      added.push_back({{"entity", key}, {"value", value}});
    } else if (it->second != value) {
      changed.push_back({{"entity", key}, {"changes", FieldChanges(it->second, value)}});
    }
  }
  for (const auto& [key, value] : before) {
    if (!after.contains(key)) removed.push_back({{"entity", key}, {"value", value}});
  }
  return {{"added", std::move(added)},
          {"changed", std::move(changed)},
          {"removed", std::move(removed)}};
}

}  // namespace jalon
