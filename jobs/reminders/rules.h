// The four reminder rules (DESIGN.md, "Scheduling"). Each looks at a plan's
// state and the date, and says which reminders should be open now. The
// scheduler issues the ones that are not open yet and resolves the open ones
// that are no longer expected: a reminder closes by itself once its data
// arrives.
//   indicator_stale   an indicator with no measurement within its frequency
//                     plus indicator_grace_days, during the plan's period;
//   action_overdue    an action past its due date plus action_grace_days and
//                     neither done nor cancelled (actions of a dropped axis
//                     are left alone);
//   review_not_held   a review due (ReviewDue) with no review held from 60
//                     days before it, review_grace_days after it was
//                     announced (its due date, or the day a caught-up
//                     review fired);
//   revision_open     a mid-term revision open for more than
//                     revision_open_days.
// None of them holds after the plan's period has ended: the day after it,
// the open reminders resolve and no new one is issued.
//
// A reminder's id is stable: it is derived from (direction, rule, subject,
// due date).
// New data moves the due date, so a later lapse is a new reminder.
#pragma once

#include <string>
#include <vector>

#include "engine/plan/plan_state.h"
#include "jobs/options.h"

namespace jalon::jobs {

struct Expected {
  std::string id;  // ReminderId(rule, subject, due)
  std::string rule;
  std::string subject;   // "indicator/I1", "action/A1.2", "review/2016-06-30", "revision"
  std::string expected;  // what is asked, in French
  int32_t due = 0;       // by when
};

// "rem-" + 20 hex digits of SHA-256(direction/rule/subject/due): an entity
// id, unique across the city's plans.
std::string ReminderId(const std::string& direction, const std::string& rule,
                       const std::string& subject, int32_t due);

// The reminders the rules want open for `state` on day `today`. With
// `next_day`, also the first day after `today` on which, with no new data,
// the rules would want a different set (one more, or none of the stale and
// overdue ones once the period has ended): the scheduler's wake-up for this
// plan (INT32_MAX if none). Until then, and while the plan's data_version
// stays, the set is the same.
std::vector<Expected> ExpectedReminders(const PlanState& state, int32_t today,
                                        const ReminderOptions& options,
                                        int32_t* next_day = nullptr);

// The rules' wants against the plan's reminders on `today`: the reminders to
// issue (wanted, never recorded) and the open ones to resolve (no longer
// wanted: their data arrived). `next_day` as for ExpectedReminders.
struct ReminderChanges {
  std::vector<Expected> to_issue;
  std::vector<std::string> to_resolve;  // ids, in the reminders' order
  bool empty() const { return to_issue.empty() && to_resolve.empty(); }
};
ReminderChanges ChangesDue(const PlanState& state, int32_t today, const ReminderOptions& options,
                           int32_t* next_day = nullptr);

// Days between measurements for an indicator frequency (monthly 31,
// quarterly 92, semiannual 183, annual 366); 0 if unknown.
int FrequencyDays(const std::string& frequency);

}  // namespace jalon::jobs
