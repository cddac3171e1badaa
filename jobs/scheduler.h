// The scheduler: one pass (Tick) over every plan at the clock's time. A
// visit to a plan takes three steps, each in its own file:
//   1. Occurrences (cycle/cycle.h) whose fire time has come and that the
//      plan has not recorded: fired or skipped (scheduler/occurrence_step.h).
//   2. Reminders: issued, resolved, escalated and repeated as the rules
//      want them (scheduler/reminder_step.h).
//   3. Delivery: each direction's pending notices go out on the channel,
//      every attempt and outcome an event (scheduler/delivery_step.h).
//
// Exactly once by construction: every decision is made under the plan's lock
// against the plan's recorded state (PlanService::AppendSystem), and the
// occurrence's command id is its identity. A kill between two steps leaves
// either the event or nothing; the next pass sees which.
//
// Only the plans with something due are visited. Each plan has a next
// wake-up instant (scheduler/wake_up.h). A pass first re-plans the plans
// whose streams changed since the last pass (read from the log), then visits
// the plans whose wake-up has come. The first pass plans every plan.
//
// Borrows the PlanService and the Clock, which must outlive the Scheduler;
// owns the channel. Thread-safe: Tick runs on one thread at a time (the
// scheduler's own after Start, else the caller's), while HTTP handlers call
// Schedule(), Reminders() and Totals() from any thread. An error from Tick
// names the plan it happened on; the other plans were still visited, and the
// failed one is tried again a minute later.
#pragma once

#include <atomic>
#include <barrier>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "engine/plan/plan_service.h"
#include "engine/util/thread_group.h"
#include "jobs/cycle/cycle.h"
#include "jobs/delivery/channel.h"
#include "jobs/options.h"
#include "jobs/scheduler/delivery_step.h"
#include "jobs/scheduler/tick_stats.h"
#include "jobs/scheduler/wake_up.h"

namespace jalon::jobs {

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
  // or "pending"; only those that fire (their working day, `due`) in
  // [from, to] when given.
  Result<Json> Schedule(const std::string& code, std::optional<int32_t> from = std::nullopt,
                        std::optional<int32_t> to = std::nullopt) const;
  // A plan's reminders with their state and delivery, newest first.
  Result<Json> Reminders(const std::string& code) const;

  const JobsOptions& options() const { return options_; }

 private:
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
  // The three steps of a visit. Their appends are not applied to the
  // projections as they are made (PlanService::AppendSystem): the pass
  // applies them at once between the steps.
  void RecordOccurrences(Visit& visit, Instant now);
  // `begin` and `end` bracket the rules' append in flight; `end` may run on
  // the log's completion thread.
  void IssueRules(Visit& visit, Instant now, const std::function<void()>& begin,
                  const std::function<void()>& end);
  void Deliveries(Visit& visit, Instant now);
  // The occurrences of the plan's cycle, computed once per period: the
  // calendar's work is the same for every plan of a cycle.
  std::shared_ptr<const std::vector<Occurrence>> Cycle(const Json& plan) const;
  // Computes the plan's wake-up again; unless `force`, only if the plan
  // changed since it was last planned.
  void Replan(const std::string& code, Instant now, bool force);

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

  Deliverer deliverer_;  // borrows service_, options_ and channel_

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false, woken_ = false;
  std::thread thread_;
  // The passes' visitors, kept from one pass to the next (Tick only).
  ThreadGroup workers_{"jalon-visit"};
};

}  // namespace jalon::jobs
