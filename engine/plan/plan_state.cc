#include "engine/plan/plan_state.h"

#include <utility>

namespace jalon {
namespace {

constexpr std::string_view kStreamPrefix = "plan/";

}  // namespace

const std::vector<ProgressReport>& PlanState::ProgressOf(const std::string& action_id) const {
  static const std::vector<ProgressReport> kNone;
  auto it = progress.find(action_id);
  return it == progress.end() ? kNone : it->second;
}

const MeasurementSeries& PlanState::MeasurementsOf(const std::string& indicator_id) const {
  static const MeasurementSeries kNone;
  auto it = measurements.find(indicator_id);
  return it == measurements.end() ? kNone : it->second;
}

Json PlanState::ActionJson(const std::string& id) const {
  std::optional<Json> a = actions.Find(id);
  if (!a) return nullptr;
  Json j = std::move(*a);
  Json reports = Json::array();
  for (const ProgressReport& r : ProgressOf(id)) reports.push_back(r.ToJson());
  j["progress"] = std::move(reports);
  return j;
}

Json PlanState::IndicatorJson(const std::string& id) const {
  std::optional<Json> i = indicators.Find(id);
  if (!i) return nullptr;
  Json j = std::move(*i);
  Json list = Json::array();
  for (const Measurement& m : MeasurementsOf(id)) list.push_back(m.ToJson());
  j["measurements"] = std::move(list);
  return j;
}

Json PlanState::ToJson() const {
  Json actions_json = Json::array(), indicators_json = Json::array();
  for (const auto& id : actions.ids()) actions_json.push_back(ActionJson(id));
  for (const auto& id : indicators.ids()) indicators_json.push_back(IndicatorJson(id));
  Json occurrences_json = Json::object();  // by id
  for (const auto& [id, o] : occurrences.items()) occurrences_json[id] = o;
  return {{"code", code},
          {"direction", direction},
          {"plan", plan},
          {"sections", sections},
          {"identity", identity},
          {"swot", swot.ToJson()},
          {"missions", missions.ToJson()},
          {"axes", axes.ToJson()},
          {"scenarios", scenarios.ToJson()},
          {"actions", actions_json},
          {"indicators", indicators_json},
          {"reviews", reviews},
          {"revision", revision},
          {"evaluation", evaluation},
          {"occurrences", occurrences_json},
          {"reviews_due", reviews_due},
          {"reminders", RemindersJson(reminders)},
          {"version", version},
          {"last_position", last_position},
          {"last_hash", ToHex(last_hash)}};
}

bool IsValidDirectionCode(std::string_view code) {
  if (code.empty() || code.size() > 16 || code[0] < 'A' || code[0] > 'Z') return false;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string PlanStream(std::string_view code) {
  return std::string(kStreamPrefix) + std::string(code);
}

std::string_view DirectionOfStream(std::string_view stream) {
  if (!stream.starts_with(kStreamPrefix)) return {};
  return stream.substr(kStreamPrefix.size());
}

}  // namespace jalon
