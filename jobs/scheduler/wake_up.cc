#include "jobs/scheduler/wake_up.h"

#include <algorithm>
#include <climits>

#include "jobs/reminders/rules.h"
#include "jobs/scheduler/system_events.h"

namespace jalon::jobs {

bool Settled(const Planned* planned, const PlanState& state, int32_t today) {
  return planned != nullptr && planned->settled && planned->data_version == state.data_version &&
         today >= planned->rules_from && today < planned->rules_until;
}

Planned PlanWakeUp(const PlanState& s, Instant now, const Planned* before,
                   const std::vector<Occurrence>& cycle, const JobsOptions& options,
                   bool delivering) {
  Planned p;
  p.version = s.version;
  p.data_version = s.data_version;
  Instant next = Instant::max();
  for (const Occurrence& o : cycle) {
    if (!s.occurrences.Contains(o.id())) {
      p.occurrence_at = o.fire_at;
      next = std::min(next, o.fire_at);
      break;  // by fire time: the first unrecorded one
    }
  }
  const int32_t today = DayOf(now);
  if (Settled(before, s, today)) {
    p.settled = true;
    p.rules_from = before->rules_from;
    p.rules_until = before->rules_until;
  } else {
    int32_t rule_day = INT32_MAX;
    p.settled = ChangesDue(s, today, options.reminders, &rule_day).empty();
    p.rules_from = today;
    p.rules_until = rule_day;
    if (!p.settled) {
      p.at = now;
      return p;
    }
  }
  if (p.rules_until != INT32_MAX) next = std::min(next, StartOfDay(p.rules_until));
  for (const Reminder& r : s.reminders) {
    if (r.state != Reminder::State::kOpen) continue;
    int32_t level = 0;
    for (unsigned after : options.reminders.escalate_after_days) {
      if (++level > r.level) {
        next = std::min(next, StartOfDay(DayOf(r.issued_at) + static_cast<int32_t>(after)));
        break;
      }
    }
    next = std::min(next, r.last_notice_at + Days(options.reminders.repeat_every_days));
    if (delivering && r.notices > r.delivered) next = std::min(next, std::max(r.retry_at, now));
  }
  p.at = next;
  return p;
}

}  // namespace jalon::jobs
