#include "jobs/scheduler.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <utility>

#include "jobs/scheduler/occurrence_step.h"
#include "jobs/scheduler/reminder_step.h"
#include "jobs/scheduler/system_events.h"

namespace jalon::jobs {
namespace {

// Plans visited at once in a pass. A visit is mostly waiting for its
// append's fsync, so many visits in flight share each group commit: on 2
// cores, 64 make the firing pass of jalon-bench jobs about half as long as 8
// (docs/benchmarks.md, "Jobs: the scheduler at scale").
constexpr size_t kWorkers = 64;

}  // namespace

Scheduler::Scheduler(PlanService& service, const Clock& clock, JobsOptions options,
                     std::unique_ptr<Channel> channel)
    : service_(service),
      clock_(clock),
      options_(std::move(options)),
      channel_(std::move(channel)),
      started_at_(clock.Now()),
      deliverer_(service_, options_, channel_.get()) {}

Scheduler::~Scheduler() { Stop(); }

Status Scheduler::Tick(TickStats* stats) {
  const Instant now = clock_.Now();
  TickStats local;
  Status first;
  // Re-plan what changed: every plan on the first pass, then the plans whose
  // streams moved since the last one.
  const uint64_t head = service_.log().Head().position;
  // The plans are planned and visited as the projections hold them: up to
  // the head first (a no-op unless a writer has not caught up yet).
  JALON_RETURN_IF_ERROR(service_.CatchUpTo(head));
  std::set<std::string> changed;
  const bool first_pass = !planned_;
  if (first_pass) {
    for (const std::string& code : service_.projections().Codes()) changed.insert(code);
    planned_ = true;
  } else if (head > planned_through_) {
    Status s = service_.log().ScanViews(planned_through_ + 1, [&](const EventView& e) {
      const std::string_view code = DirectionOfStream(e.stream);
      if (!code.empty()) changed.emplace(code);
      return e.position < head;
    });
    if (!s.ok()) return s;
  }
  planned_through_ = head;
  for (const std::string& code : changed) Replan(code, now, /*force=*/false);

  // Visit the plans whose wake-up has come.
  std::vector<std::string> due;
  std::vector<const Planned*> planned;  // stable: nothing is erased until the workers are done
  for (auto it = queue_.begin(); it != queue_.end() && it->first <= now; ++it) {
    due.push_back(it->second);
    planned.push_back(&next_.at(it->second));
  }
  // Plans are independent: several at once, and their rules' appends all
  // in flight together, so that they share a few group commits (see Visit).
  std::vector<Visit> visits(due.size());
  for (size_t i = 0; i < due.size(); ++i) {
    visits[i].code = due[i];
    visits[i].planned = planned[i];
  }
  const size_t worker_count = std::min<size_t>(kWorkers, due.size());
  std::atomic<size_t> next_occurrences{0}, next_rules{0}, next_delivery{0};
  // The rules' appends not answered yet, plus the workers still issuing
  // them: the deliveries start at zero.
  std::atomic<size_t> pending{worker_count};
  std::mutex pending_mu;
  std::condition_variable pending_cv;
  const std::function<void()> begin = [&pending] { ++pending; };
  // Under the lock: a worker that sees zero may end the pass and destroy
  // these, so the last `end` (maybe on the log's thread) must be done with
  // them by the time it lets go.
  const std::function<void()> end = [&] {
    std::lock_guard<std::mutex> lock(pending_mu);
    if (--pending == 0) pending_cv.notify_all();
  };
  std::once_flag caught_up;
  Status between;
  // The occurrences' appends, applied at once before the rules decide.
  Status occurrences_applied;
  std::barrier occurrences_recorded(static_cast<std::ptrdiff_t>(worker_count),
                                    [&]() noexcept { occurrences_applied = service_.CatchUp(); });
  // The rules' decisions are CPU work, and never wait for a group commit:
  // one worker per core. More would take the cores from the log's threads,
  // which seal and write what they decide (measured: with 64, the appends
  // became durable all at once at the end). Recording occurrences and
  // delivering wait: every worker takes part.
  const size_t rules_workers = std::max<size_t>(1, std::thread::hardware_concurrency());
  const std::function<void(size_t)> work = [&](size_t worker) {
    for (size_t i = next_occurrences++; i < visits.size(); i = next_occurrences++) {
      RecordOccurrences(visits[i], now);
    }
    occurrences_recorded.arrive_and_wait();
    if (worker < rules_workers && occurrences_applied.ok()) {
      for (size_t i = next_rules++; i < visits.size(); i = next_rules++) {
        IssueRules(visits[i], now, begin, end);
      }
    }
    end();
    {
      std::unique_lock<std::mutex> lock(pending_mu);
      pending_cv.wait(lock, [&pending] { return pending.load() == 0; });
    }
    // The rules' appends, applied at once before the deliveries read the
    // plans (the appends do not wait for it: see scheduler/system_events.h).
    std::call_once(caught_up, [&] { between = service_.CatchUp(); });
    if (!between.ok()) return;
    for (size_t i = next_delivery++; i < visits.size(); i = next_delivery++) {
      Deliveries(visits[i], now);
    }
  };
  workers_.Run(worker_count, work);
  JALON_RETURN_IF_ERROR(occurrences_applied);
  JALON_RETURN_IF_ERROR(between);
  // The second steps' appends, before re-planning.
  if (!due.empty()) JALON_RETURN_IF_ERROR(service_.CatchUp());
  for (const Visit& v : visits) local.Add(v.stats);
  for (size_t i = 0; i < due.size(); ++i) {
    const std::string& code = due[i];
    const Status& s = visits[i].status;
    if (!s.ok()) {
      spdlog::warn("{}scheduler: {}: {}", options_.log_prefix, code, s.message());
      if (first.ok()) first = s.WithContext(code);
    }
    Replan(code, now, /*force=*/true);
    if (!s.ok()) {  // try again in a minute, not on every pass
      Planned& planned = next_[code];
      queue_.erase({planned.at, code});
      planned.at = now + std::chrono::minutes(1);
      queue_.insert({planned.at, code});
    }
  }
  {
    std::lock_guard<std::mutex> lock(totals_mu_);
    totals_.Add(local);
  }
  if (stats != nullptr) stats->Add(local);
  // The first pass plans every plan of the city, and its workers' arenas
  // keep what it freed: give it back once.
  if (first_pass) malloc_trim(0);
  return first;
}

void Scheduler::Replan(const std::string& code, Instant now, bool force) {
  auto it = next_.find(code);
  std::optional<Planned> planned;
  bool unchanged = false;
  service_.projections().With(code, [&](const PlanState& state) {
    // Planned at this version already (the pass's own appends, read back
    // from the log by the next pass): the wake-up still holds.
    unchanged = !force && it != next_.end() && it->second.version == state.version;
    if (!unchanged && state.plan_open()) {
      planned = PlanWakeUp(state, now, it != next_.end() ? &it->second : nullptr,
                           *Cycle(state.plan), options_, channel_ != nullptr);
    }
  });
  if (unchanged) return;
  if (it != next_.end()) {
    queue_.erase({it->second.at, code});
    next_.erase(it);
  }
  if (!planned || planned->at == Instant::max()) return;
  queue_.insert({planned->at, code});
  next_[code] = std::move(*planned);
}

std::shared_ptr<const std::vector<Occurrence>> Scheduler::Cycle(const Json& plan) const {
  std::string key = plan.value("period_start", "") + "/" + plan.value("period_end", "");
  std::lock_guard<std::mutex> lock(cycles_mu_);
  auto it = cycles_.find(key);
  if (it != cycles_.end()) return it->second;
  if (cycles_.size() >= kCycles) cycles_.clear();
  auto cycle =
      std::make_shared<const std::vector<Occurrence>>(CycleOccurrences(plan, options_.cycle));
  cycles_.emplace(std::move(key), cycle);
  return cycle;
}

TickStats Scheduler::Totals() const {
  std::lock_guard<std::mutex> lock(totals_mu_);
  return totals_;
}

void Scheduler::RecordOccurrences(Visit& v, Instant now) {
  // Read in place: a copy of the plan would cost more than the visit.
  std::vector<Occurrence> pending;
  if (!service_.projections().With(v.code, [&](const PlanState& state) {
        v.open = state.plan_open();
        if (!v.open) return;
        // Planned on this very state, whose first unrecorded occurrence is
        // still to come: nothing to record (most visits).
        if (v.planned != nullptr && v.planned->version == state.version &&
            v.planned->occurrence_at > now) {
          return;
        }
        for (const Occurrence& o : *Cycle(state.plan)) {
          if (o.fire_at > now) break;
          if (!state.occurrences.Contains(o.id())) pending.push_back(o);
        }
      })) {
    v.status = NoPlan(v.code);
    return;
  }
  if (!v.open || pending.empty()) return;
  uint64_t unapplied = 0;  // applied by the pass, once every plan's are in
  v.status = AppendOccurrences(service_, options_, started_at_, v.code, pending, now, &v.stats,
                               &unapplied);
}

void Scheduler::IssueRules(Visit& v, Instant now, const std::function<void()>& begin,
                           const std::function<void()>& end) {
  if (!v.open || !v.status.ok()) return;
  begin();
  service_.AppendSystemAsync(v.code, RulesCommandId(v.code, now), kSchedulerActor,
                             RulesDecision(options_, v.code, now, v.planned, &v.rules),
                             PlanService::CommandId::kFresh,
                             [&v, &end](Result<PlanService::SystemAppend> appended) {
                               v.appended = std::move(appended);
                               end();
                             });
}

void Scheduler::Deliveries(Visit& v, Instant now) {
  if (!v.open || !v.status.ok() || !v.appended) return;
  uint64_t unapplied = 0;
  const Result<PlanService::SystemAppend>& appended = *v.appended;
  if (appended.ok()) {
    if (appended->appended()) v.stats.Add(v.rules);
  } else if (appended.status().IsConflict()) {
    // The plan moved since IssueRules decided (a command of its direction
    // came in between): the rules again, on the plan as it is.
    v.status = AppendRules(service_, options_, v.code, now, v.planned, &v.stats, &unapplied);
    if (!v.status.ok()) return;
  } else {
    v.status = appended.status();
    return;
  }
  v.status = deliverer_.Deliver(v.code, now, &v.stats, &unapplied);
}

Result<Json> Scheduler::Schedule(const std::string& code, std::optional<int32_t> from,
                                 std::optional<int32_t> to) const {
  auto state = service_.State(code, TimeQuery{});
  if (!state.ok()) return state.status();
  // A direction without a plan has no cycle (and an unknown code reads as one).
  if (!state->plan.is_object()) return Status::NotFound("direction " + code + ": no plan opened");
  Json list = Json::array();
  for (const Occurrence& o : *Cycle(state->plan)) {
    // By the day it fires: what staff see happen on that day.
    if ((from && o.date.due < *from) || (to && o.date.due > *to)) continue;
    Json j = o.ToJson();
    const std::optional<Json> recorded = state->occurrences.Find(o.id());
    j["state"] = recorded ? (*recorded)["status"] : Json("pending");
    list.push_back(std::move(j));
  }
  return Json{{"direction", code}, {"occurrences", std::move(list)}};
}

Result<Json> Scheduler::Reminders(const std::string& code) const {
  auto state = service_.State(code, TimeQuery{});
  if (!state.ok()) return state.status();
  std::vector<const Reminder*> list;
  for (const Reminder& r : state->reminders) list.push_back(&r);
  std::sort(list.begin(), list.end(), [](const Reminder* a, const Reminder* b) {
    return a->issued_at != b->issued_at ? a->issued_at > b->issued_at : a->id() < b->id();
  });
  Json out = Json::array();
  for (const Reminder* r : list) out.push_back(r->ToJson());
  return Json{{"direction", code}, {"reminders", std::move(out)}};
}

void Scheduler::Start(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(loop_mu_);
    while (!stop_) {
      lock.unlock();
      Tick().PermitUncheckedError();
      lock.lock();
      loop_cv_.wait_for(lock, period, [this] { return stop_ || woken_; });
      woken_ = false;
    }
  });
}

void Scheduler::Wake() {
  std::lock_guard<std::mutex> lock(loop_mu_);
  woken_ = true;
  loop_cv_.notify_all();
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stop_ = true;
    loop_cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace jalon::jobs
