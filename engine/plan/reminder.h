// Reminder and ReminderSet: the record of the reminders the jobs issue on a
// plan's stream, and a plan's set of them.
//
// Both are values that own their texts: copy them to keep a past state. Not
// thread-safe: concurrent const calls are safe, anything else needs
// external synchronization. Pointers from ReminderSet::Find stay valid until
// the next Put. ReminderSet::at throws std::out_of_range for an unknown id;
// EscalatedReminders returns a Corruption for a payload it cannot read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/plan/encoding/packed_texts.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon {

using Json = nlohmann::json;

// A reminder as the jobs record it on the plan's stream (ReminderIssued,
// ReminderEscalated, ReminderResolved, ReminderAcknowledged and the
// delivery events). The engine only keeps the record; jobs/ decides.
struct Reminder {
  enum class State : uint8_t { kOpen, kAcknowledged, kResolved };
  Reminder() = default;
  Reminder(std::string_view id, std::string_view rule, std::string_view subject,
           std::string_view expected);

  // Stable, an entity id: "rem-" + 20 hex of (direction, rule, subject, due).
  std::string_view id() const { return texts_[0]; }
  // indicator_stale | action_overdue | review_not_held | revision_open
  std::string rule() const;
  // "indicator/I1", "action/A1.2", "review/2016-06-30", "revision"
  std::string subject() const;
  // What the direction is asked for, in French: what staff do, never the
  // name of a command. A text recorded in an older wording reads in
  // today's (reminder.cc).
  std::string expected() const;

  Instant issued_at{};
  Instant last_notice_at{};  // when the latest notice was decided
  Instant retry_at{};        // no new attempt before this
  Instant resolved_at{};
  int32_t due_day = 0;     // by when the data was expected
  int32_t level = 0;       // 0 the direction's contact, 1 its director, 2 the steering office
  uint32_t notices = 0;    // notices to send: 1 at issue, +1 per escalation or repeat
  uint32_t delivered = 0;  // notices delivered
  uint32_t attempts = 0;   // failed attempts at the pending notice
  State state = State::kOpen;

  bool active() const { return state != State::kResolved; }
  const char* StateName() const;
  Json ToJson() const;

 private:
  // A city holds a reminder per indicator or action, a million at 30,000
  // plans: the four texts share one block (64 bytes of record instead of
  // 192, and one allocation instead of up to four), and the rule, subject
  // and expected data keep the jobs' fixed phrases as one byte each
  // (reminder.cc). The id stays as it is: lookups compare it.
  PackedTexts<4> texts_;
};

// A plan's reminders in id order, in one sorted vector: a std::map spent a
// node and a second copy of the id on each, a fifth of a plan's memory in
// a city with a reminder per indicator.
class ReminderSet {
 public:
  const Reminder* Find(std::string_view id) const;
  Reminder* Find(std::string_view id);
  bool contains(std::string_view id) const { return Find(id) != nullptr; }
  // Throws std::out_of_range if there is no reminder `id`.
  const Reminder& at(std::string_view id) const;
  // Adds `r`, or replaces the reminder with its id.
  void Put(Reminder r);
  std::vector<Reminder>::const_iterator begin() const { return items_.begin(); }
  std::vector<Reminder>::const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Reminder> items_;  // by id
};

// [reminder.ToJson(), ...] in id order.
Json RemindersJson(const ReminderSet& reminders);

// The reminders a ReminderEscalated event names. The scheduler records one
// event per plan, level and pass listing them ("reminders": [id, ...]), so
// that a pass escalating a thousand reminders appends tens of events, not a
// thousand; logs written before that hold one event per reminder
// ("reminder": id), and replay reads both. kCorruption for a payload of
// neither form.
Result<std::vector<std::string>> EscalatedReminders(const Json& payload);

}  // namespace jalon
