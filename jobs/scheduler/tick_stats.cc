#include "jobs/scheduler/tick_stats.h"

namespace jalon::jobs {

void TickStats::Add(const TickStats& o) {
  fired += o.fired;
  caught_up += o.caught_up;
  skipped += o.skipped;
  issued += o.issued;
  escalated += o.escalated;
  repeated += o.repeated;
  resolved += o.resolved;
  attempts += o.attempts;
  delivered += o.delivered;
  failed += o.failed;
}

Json TickStats::ToJson() const {
  return {{"occurrences", {{"fired", fired}, {"caught_up", caught_up}, {"skipped", skipped}}},
          {"reminders",
           {{"issued", issued},
            {"escalated", escalated},
            {"repeated", repeated},
            {"resolved", resolved}}},
          {"messages", {{"attempts", attempts}, {"delivered", delivered}, {"failed", failed}}}};
}

}  // namespace jalon::jobs
