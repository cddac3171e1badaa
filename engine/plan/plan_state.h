// PlanState: the projection of one direction's stream ("plan/<CODE>"), the
// state of its projet de direction after a prefix of its events.
//
// Entities are kept as JSON objects in the shape of the jalon.plan/1 import
// format (DESIGN.md), in insertion order, so that export is the state itself
// and history/diff can compare entities field by field. The plan model's
// rules live in command.cc (what may happen) and in apply.cc (what an
// event does). Apply never fails on an event that Decide produced; on
// anything else (a damaged or foreign log) it returns a Corruption.
//
// A PlanState is a value: copy it to keep a past state. Not thread-safe.
//
// The pieces a PlanState is made of have a header each; this one includes
// them all, so that code that reads a plan includes only this.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/log/event.h"
#include "engine/plan/collection.h"
#include "engine/plan/day.h"
#include "engine/plan/measurement.h"
#include "engine/plan/progress_report.h"
#include "engine/plan/reminder.h"
#include "engine/util/status.h"

namespace jalon {

using Json = nlohmann::json;

struct PlanState {
  std::string code;                // the direction code, empty before DirectionRegistered
  Json direction;                  // {code, name, pole}
  Json plan;                       // {title, period_start, period_end, dated} or null
  Json sections = Json::object();  // name -> text
  Json identity = Json::object();  // {site, agents, activity_volume}
  Collection swot, missions, axes, scenarios, actions, indicators;
  // By action id and by indicator id, in the order recorded. The JSON of
  // `actions` and `indicators` holds everything else.
  std::unordered_map<std::string, std::vector<ProgressReport>> progress;
  std::unordered_map<std::string, MeasurementSeries> measurements;
  Json reviews = Json::array();  // [{number, date, participants, decisions, plan_hash}]
  Json revision;                 // null, or {opened, due, closed?, decision?}
  Json evaluation;               // null, or {opened}
  // Scheduled occurrences recorded on this stream, in the order recorded:
  // id ("review/2016-06-30") -> {status: fired|skipped, due, caught_up |
  // reason}. An id is recorded at most once.
  Collection occurrences;
  std::vector<int32_t> reviews_due;  // due days of ReviewDue, in order
  ReminderSet reminders;
  uint64_t version = 0;  // stream version of the last applied event
  // Stream version of the last event other than a reminder's notice
  // bookkeeping (ReminderEscalated, ReminderAcknowledged, DeliveryAttempted,
  // ReminderDelivered, DeliveryFailed). Everything the reminder rules read,
  // and which reminders exist and are open, is unchanged while it is: the
  // scheduler keeps what the rules found until it moves.
  uint64_t data_version = 0;
  uint64_t last_position = 0;  // global position of the last applied event
  Hash last_hash{};            // hash of the last applied event (for reviews)

  // An action or indicator with its "progress" / "measurements" array, as
  // the import format has it; null if it does not exist.
  Json ActionJson(const std::string& id) const;
  Json IndicatorJson(const std::string& id) const;
  const std::vector<ProgressReport>& ProgressOf(const std::string& action_id) const;
  const MeasurementSeries& MeasurementsOf(const std::string& indicator_id) const;

  bool registered() const { return !code.empty(); }
  bool plan_open() const { return plan.is_object(); }

  // Applies one event of this plan's stream, already decoded.
  Status Apply(const Event& event, const Json& payload);
  // The same, decoding the payload; measurements and progress reports (most
  // of a log) are read straight into their records without building JSON.
  Status ApplyEncoded(const EventView& event);

  // The complete state as JSON, to compare two states or look at one.
  Json ToJson() const;
  // The complete state in the snapshot encoding (encoding/state_codec.cc): Decode of
  // Encode is identical. Corruption if the bytes do not fit.
  std::string Encode() const;
  static Result<PlanState> Decode(std::string_view bytes);
};

// A direction code: 1 to 16 of A-Z, 0-9, '-' and '_', starting with a
// letter. Codes name streams and URLs, so nothing else is allowed.
bool IsValidDirectionCode(std::string_view code);

// "plan/DEJ" for "DEJ".
std::string PlanStream(std::string_view code);
// The direction code of a plan stream, or empty if `stream` is not one.
std::string_view DirectionOfStream(std::string_view stream);

}  // namespace jalon
