// The scheduler: one pass (Tick) over every plan at the clock's time.
//   1. Occurrences (cycle/cycle.h) whose fire time has come and that
//      the plan has not recorded: fired (OccurrenceFired, plus ReviewDue,
//      RevisionOpened or EvaluationOpened) when at most catch_up_days old,
//      else recorded as skipped (OccurrenceSkipped, with the reason).
//   2. Reminders (reminders/rules.h): issued when the rules expect one that
//      is not there, resolved when its data has arrived, escalated along the
//      ladder when unacknowledged, and repeated at the configured interval.
//      A plan's escalations (and its repeats) of one pass share one
//      ReminderEscalated event per level, listing the reminders.
//   3. Delivery: each direction's pending notices, grouped by level into one
//      message, go out on the channel; every attempt and outcome is an event
//      (DeliveryAttempted, then ReminderDelivered or DeliveryFailed with its
//      retry time, backing off exponentially).
//
// Exactly once by construction: every decision is made under the plan's lock
// against the plan's recorded state (PlanService::AppendSystem), and the
// occurrence's command id is its identity. A kill between two steps leaves
// either the event or nothing; the next pass sees which. A delivery cut by a
// kill has DeliveryAttempted without an outcome: the notice is still
// pending, and the next pass sends it again with the same message id.
//
// Only the plans with something due are visited. Each plan has a next
// wake-up instant (Plan): its next occurrence, the first day the rules
// would want other reminders with no new data, its reminders' escalation and
// repeat times, and its pending deliveries. A pass first re-plans the plans
// whose streams changed since the last pass (read from the log), then visits
// the plans whose wake-up has come. The first pass plans every plan. What
// the rules found is kept with the wake-up: while the plan's data has not
// moved (PlanState::data_version) and that day has not come, a visit that
// escalates or repeats does not run the rules again.
//
// Thread-safe: Tick runs on one thread at a time (the scheduler's), while
// HTTP handlers call Schedule() and Reminders().
#pragma once

#include <atomic>
#include <barrier>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <set>
#include <thread>
#include <unordered_map>

#include "engine/plan/plan_service.h"
#include "engine/util/thread_group.h"
#include "jobs/cycle/cycle.h"
#include "jobs/delivery/channel.h"
#include "jobs/options.h"

namespace jalon::jobs {

struct TickStats {
  uint64_t fired = 0, caught_up = 0, skipped = 0;
  uint64_t issued = 0, escalated = 0, repeated = 0, resolved = 0;
  uint64_t attempts = 0, delivered = 0, failed = 0;

  void Add(const TickStats& o);
  Json ToJson() const;
};

class Scheduler {
 public:
  // `channel` may be null: nothing is delivered (notices stay pending).
  Scheduler(PlanService& service, const Clock& clock, JobsOptions options,
            std::unique_ptr<Channel> channel);
  ~Scheduler();

  // One pass at clock.Now(). Errors on one plan are logged in the stats'
  // place and do not stop the others; the first is returned.
  Status Tick(TickStats* stats = nullptr);

  // Runs Tick on a thread every `period` of real time, or sooner on Wake().
  void Start(std::chrono::milliseconds period);
  void Stop();
  void Wake();
  TickStats Totals() const;

  // The occurrences of a plan's cycle with their state: "fired", "skipped"
  // or "pending"; only those with a nominal date in [from, to] when given.
  Result<Json> Schedule(const std::string& code, std::optional<int32_t> from = std::nullopt,
                        std::optional<int32_t> to = std::nullopt) const;
  // A plan's reminders with their state and delivery, newest first.
  Result<Json> Reminders(const std::string& code) const;

  const JobsOptions& options() const { return options_; }

 private:
  // A plan's place in the wake-up index.
  struct Planned {
    Instant at;            // the wake-up
    uint64_t version = 0;  // the plan's stream version it was computed at
    // When the first occurrence not recorded at `version` fires.
    Instant occurrence_at = Instant::max();
    // What the reminder rules found then: on the days [rules_from,
    // rules_until), while the plan's data_version is `data_version`, they
    // want the same reminders; `settled` says those were exactly the ones
    // open, so that there was nothing to issue or resolve. A pass that only
    // escalates (most of them) then need not run the rules again.
    uint64_t data_version = 0;
    int32_t rules_from = 0, rules_until = 0;
    bool settled = false;
  };
  // Whether `planned` says the rules want exactly the open reminders of
  // `state` on `today`.
  static bool Settled(const Planned* planned, const PlanState& state, int32_t today);

  // One plan's visit in a pass, in three steps, each taken by every plan of
  // the pass before the next one starts. RecordOccurrences records the
  // plan's due occurrences (waiting for each append). IssueRules decides the
  // reminder rules and hands their append to the log without waiting for it
  // (PlanService::AppendSystemAsync): the pass's appends share a few group
  // commits, and no thread is parked per plan. Once every one is durable,
  // the projections catch up once, and Deliveries sends the plan's
  // messages. An append refused because the plan moved meanwhile (a command
  // of its direction came in between) is decided again by Deliveries,
  // waiting this time.
  struct Visit {
    std::string code;
    const Planned* planned = nullptr;  // may be null (visited before it was planned)
    bool open = false;
    Status status;
    TickStats stats;
    TickStats rules;  // what the rules' append holds, counted once it is in
    std::optional<Result<PlanService::SystemAppend>> appended;  // the rules' append, answered
  };
  void RecordOccurrences(Visit& visit, Instant now);
  // `begin` and `end` bracket the rules' append in flight; `end` may run on
  // the log's completion thread.
  void IssueRules(Visit& visit, Instant now, const std::function<void()>& begin,
                  const std::function<void()>& end);
  void Deliveries(Visit& visit, Instant now);
  // The reminder rules of `code` as a decision on its plan: the reminders to
  // issue, resolve, escalate and repeat; what it decides is counted in
  // `*counted`.
  PlanService::SystemDecide RulesDecision(const std::string& code, Instant now,
                                          const Planned* planned, TickStats* counted) const;
  // When the plan next needs a pass, from its recorded state; the rules'
  // findings of `before` are reused while they hold.
  Planned Plan(const PlanState& state, Instant now, const Planned* before) const;
  // The occurrences of the plan's cycle, computed once per period: the
  // calendar's work is the same for every plan of a cycle.
  std::shared_ptr<const std::vector<Occurrence>> Cycle(const Json& plan) const;
  // Computes the plan's wake-up again; unless `force`, only if the plan
  // changed since it was last planned.
  void Replan(const std::string& code, Instant now, bool force);
  // Records the occurrences in `pending` (due, not yet recorded) as fired
  // or skipped.
  // The three steps of a visit. Their appends are not applied to the
  // projections as they are made (PlanService::AppendSystem): `*unapplied`
  // is the position of the visit's last append, which Applied() brings the
  // projections up to before the visit reads the plan again. The pass
  // applies the rest at once, after its workers.
  Status Occurrences(const std::string& code, const std::vector<Occurrence>& pending, Instant now,
                     TickStats* stats, uint64_t* unapplied);
  Status ReminderRules(const std::string& code, Instant now, const Planned* planned,
                       TickStats* stats, uint64_t* unapplied);
  Status Deliver(const std::string& code, Instant now, TickStats* stats, uint64_t* unapplied);
  Status Applied(uint64_t* unapplied);
  std::vector<std::string> Recipients(const std::string& code, int32_t level) const;
  std::string WebhookOf(const std::string& code) const;

  PlanService& service_;
  const Clock& clock_;
  const JobsOptions options_;
  std::unique_ptr<Channel> channel_;
  const Instant started_at_;  // occurrences due before this were missed while down

  // The wake-up index; used by Tick only (its workers read it).
  // Hashed: looked up several times per visit among tens of thousands of
  // plans. Its values stay put (the visits point to them).
  std::unordered_map<std::string, Planned> next_;
  std::set<std::pair<Instant, std::string>> queue_;
  uint64_t planned_through_ = 0;  // log position whose plan changes are planned
  bool planned_ = false;

  mutable std::mutex cycles_mu_;
  // By "period_start/period_end"; cleared when it reaches kCycles entries.
  mutable std::map<std::string, std::shared_ptr<const std::vector<Occurrence>>> cycles_;
  static constexpr size_t kCycles = 256;

  mutable std::mutex totals_mu_;
  TickStats totals_;

  // Messages sent at once, however many plans are visited at once: a mail
  // relay limits one client's connections (Postfix: 50 by default), and a
  // webhook receiver may be small.
  static constexpr std::ptrdiff_t kSenders = 8;
  std::counting_semaphore<kSenders> sending_{kSenders};

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
  // The passes' visitors, kept from one pass to the next (Tick only).
  ThreadGroup workers_{"jalon-visit"};
};

}  // namespace jalon::jobs
