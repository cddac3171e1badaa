// What PlanState::Apply (apply.cc) and PlanState::ApplyEncoded
// (apply_encoded.cc) share: the events that add an entity, the errors that
// name an event, and what every applied event moves. Internal to those two
// files; nothing else includes it.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/log/event.h"
#include "engine/plan/plan_state.h"
#include "engine/util/status.h"

namespace jalon::plan_apply {

// NotFound, not Corruption: time travel by business date skips exactly
// these (an event whose parent is dated later), and nothing else.
Status Missing(const Event& e, std::string_view what, const std::string& id);

// ReminderEscalated, for each reminder it lists: one more notice to send at
// `level`, its delivery attempts starting over.
void Escalate(Reminder& r, int32_t level, Instant at);

// The events that add an entity made of some of their payload's fields,
// plus at most one field of its own when the payload has none: applied from
// a decoded document (apply.cc) and straight from the stored payload
// (apply_encoded.cc: replaying an import's structural events through
// documents was half of a rebuild's applying). One list of fields serves
// both.
struct EntityAdd {
  Collection PlanState::*collection;
  std::vector<const char*> fields;
  const char* default_key = nullptr;  // set when the payload has no such field
  Json default_value;
};

// By event type. Built once, never destroyed; safe to read from any thread.
const std::unordered_map<std::string_view, EntityAdd>& EntityAdds();

// The events that change a reminder's notices and deliveries only (see
// PlanState::data_version).
inline bool IsNoticeBookkeeping(std::string_view type) {
  return type == "ReminderEscalated" || type == "ReminderAcknowledged" ||
         type == "DeliveryAttempted" || type == "ReminderDelivered" || type == "DeliveryFailed";
}

// What every applied event moves, whichever way it was applied: the plan's
// version and chain position, and its data_version unless the event is
// notice bookkeeping. For Event and EventView alike.
template <class E>
void RecordApplied(PlanState& s, const E& event) {
  s.version = event.version;
  if (!IsNoticeBookkeeping(event.type)) s.data_version = event.version;
  s.last_position = event.position;
  s.last_hash = event.hash;
}

}  // namespace jalon::plan_apply
