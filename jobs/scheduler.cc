#include "jobs/scheduler.h"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <set>
#include <utility>

#include "engine/log/payload.h"
#include "jobs/reminders/rules.h"

namespace jalon::jobs {
namespace {

constexpr const char* kActor = "jalond/scheduler";
// Plans visited at once in a pass. A visit is mostly waiting for its
// append's fsync, so many visits in flight share each group commit: on 2
// cores, 64 make the firing pass of jalon-bench jobs about half as long as 8
// (docs/benchmarks.md, "Jobs: the scheduler at scale").
constexpr size_t kWorkers = 64;

NewEvent MakeEvent(const std::string& type, const Json& payload, Instant effective) {
  NewEvent e;
  e.type = type;
  e.effective_at = effective;
  e.payload = EncodePayload(payload);
  return e;
}

std::chrono::days Days(unsigned n) { return std::chrono::days(static_cast<int64_t>(n)); }

Status NoPlan(const std::string& code) { return Status::NotFound("no direction '" + code + "'"); }

// Fresh every time (a random part): a pass's rules may append to a plan
// twice at one instant (decided again after a conflict).
std::string RulesCommandId(const std::string& code, Instant now) {
  return "rem/" + code + "/" + std::to_string(ToMicros(now)) + "/" + NewCommandId();
}

// A Result<std::vector<NewEvent>> with no events: nothing to append.
Result<std::vector<NewEvent>> Nothing() { return std::vector<NewEvent>(); }

}  // namespace

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

Scheduler::Scheduler(PlanService& service, const Clock& clock, JobsOptions options,
                     std::unique_ptr<Channel> channel)
    : service_(service),
      clock_(clock),
      options_(std::move(options)),
      channel_(std::move(channel)),
      started_at_(clock.Now()) {}

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
    // plans (the appends do not wait for it: see Applied).
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
      planned = Plan(state, now, it != next_.end() ? &it->second : nullptr);
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

bool Scheduler::Settled(const Planned* planned, const PlanState& state, int32_t today) {
  return planned != nullptr && planned->settled && planned->data_version == state.data_version &&
         today >= planned->rules_from && today < planned->rules_until;
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

Scheduler::Planned Scheduler::Plan(const PlanState& s, Instant now, const Planned* before) const {
  Planned p;
  p.version = s.version;
  p.data_version = s.data_version;
  Instant next = Instant::max();
  for (const Occurrence& o : *Cycle(s.plan)) {
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
    p.settled = ChangesDue(s, today, options_.reminders, &rule_day).empty();
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
    for (unsigned after : options_.reminders.escalate_after_days) {
      if (++level > r.level) {
        next = std::min(next, StartOfDay(DayOf(r.issued_at) + static_cast<int32_t>(after)));
        break;
      }
    }
    next = std::min(next, r.last_notice_at + Days(options_.reminders.repeat_every_days));
    if (channel_ && r.notices > r.delivered) next = std::min(next, std::max(r.retry_at, now));
  }
  p.at = next;
  return p;
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
  v.status = Occurrences(v.code, pending, now, &v.stats, &unapplied);
}

void Scheduler::IssueRules(Visit& v, Instant now, const std::function<void()>& begin,
                           const std::function<void()>& end) {
  if (!v.open || !v.status.ok()) return;
  begin();
  service_.AppendSystemAsync(
      v.code, RulesCommandId(v.code, now), kActor, RulesDecision(v.code, now, v.planned, &v.rules),
      PlanService::CommandId::kFresh, [&v, &end](Result<PlanService::SystemAppend> appended) {
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
    v.status = ReminderRules(v.code, now, v.planned, &v.stats, &unapplied);
    if (!v.status.ok()) return;
  } else {
    v.status = appended.status();
    return;
  }
  v.status = Deliver(v.code, now, &v.stats, &unapplied);
}

Status Scheduler::Applied(uint64_t* unapplied) {
  if (*unapplied == 0) return Status::Ok();
  return service_.CatchUpTo(std::exchange(*unapplied, 0));
}

Status Scheduler::Occurrences(const std::string& code, const std::vector<Occurrence>& pending,
                              Instant now, TickStats* stats, uint64_t* unapplied) {
  for (const Occurrence& o : pending) {
    JALON_RETURN_IF_ERROR(Applied(unapplied));
    const std::string id = o.id();
    const bool in_window = now - o.fire_at <= Days(options_.cycle.catch_up_days);
    const bool caught_up = o.fire_at < started_at_;
    auto appended = service_.AppendSystem(
        code, "occ/" + code + "/" + id, kActor,
        [&](const PlanState& s) -> Result<std::vector<NewEvent>> {
          if (s.occurrences.Contains(id)) return Nothing();
          const Instant due = StartOfDay(o.date.due);
          Json payload = {{"occurrence", id},
                          {"schedule", o.schedule},
                          {"nominal", DateOfDay(o.date.nominal)},
                          {"due", DateOfDay(o.date.due)},
                          {"fire_at", FormatInstant(o.fire_at)}};
          if (!o.date.reason.empty()) payload["moved_because"] = o.date.reason;
          std::vector<NewEvent> events;
          if (!in_window) {
            const auto age = std::chrono::floor<std::chrono::days>(now - o.fire_at).count();
            payload["reason"] =
                "occurrence manquée pendant l'arrêt de jalond : " + std::to_string(age) +
                " jours de retard, au-delà de la fenêtre de rattrapage de " +
                std::to_string(options_.cycle.catch_up_days) + " jours";
            events.push_back(MakeEvent("OccurrenceSkipped", payload, due));
            return events;
          }
          payload["caught_up"] = caught_up;
          events.push_back(MakeEvent("OccurrenceFired", payload, due));
          if (o.schedule == "review") {
            events.push_back(
                MakeEvent("ReviewDue", {{"occurrence", id}, {"date", DateOfDay(o.date.due)}}, due));
          } else if (o.schedule == "revision") {
            events.push_back(MakeEvent(
                "RevisionOpened",
                {{"occurrence", id},
                 {"date", DateOfDay(o.date.due)},
                 {"due", DateOfDay(o.date.due +
                                   static_cast<int32_t>(options_.reminders.revision_open_days))}},
                due));
          } else if (o.schedule == "evaluation") {
            events.push_back(MakeEvent("EvaluationOpened",
                                       {{"occurrence", id}, {"date", DateOfDay(o.date.due)}}, due));
          }
          return events;
        });
    if (!appended.ok()) return appended.status();
    *unapplied = appended->position;
    if (!appended->appended()) continue;
    if (!in_window) {
      ++stats->skipped;
    } else {
      ++stats->fired;
      if (caught_up) ++stats->caught_up;
    }
  }
  return Status::Ok();
}

Status Scheduler::ReminderRules(const std::string& code, Instant now, const Planned* planned,
                                TickStats* stats, uint64_t* unapplied) {
  JALON_RETURN_IF_ERROR(Applied(unapplied));
  TickStats counted;
  auto appended = service_.AppendSystem(code, RulesCommandId(code, now), kActor,
                                        RulesDecision(code, now, planned, &counted),
                                        PlanService::CommandId::kFresh);
  if (!appended.ok()) return appended.status();
  *unapplied = appended->position;
  if (appended->appended()) stats->Add(counted);
  return Status::Ok();
}

PlanService::SystemDecide Scheduler::RulesDecision(const std::string& code, Instant now,
                                                   const Planned* planned,
                                                   TickStats* counted_out) const {
  return [this, code, now, planned,
          counted_out](const PlanState& s) -> Result<std::vector<NewEvent>> {
    const int32_t today = DayOf(now);
    TickStats& counted = *counted_out;
    counted = TickStats();
    std::vector<NewEvent> events;
    // Unless the plan's data is as it was planned (then the rules want
    // exactly the open reminders), what the rules want changed now.
    const ReminderChanges changes =
        Settled(planned, s, today) ? ReminderChanges() : ChangesDue(s, today, options_.reminders);
    for (const Expected& e : changes.to_issue) {
      events.push_back(MakeEvent("ReminderIssued",
                                 {{"reminder", e.id},
                                  {"rule", e.rule},
                                  {"subject", e.subject},
                                  {"expected", e.expected},
                                  {"due", DateOfDay(e.due)},
                                  {"to", Recipients(code, 0)}},
                                 now));
      ++counted.issued;
    }
    for (const std::string& id : changes.to_resolve) {
      events.push_back(
          MakeEvent("ReminderResolved",
                    {{"reminder", id}, {"reason", "les données attendues ont été saisies"}}, now));
      ++counted.resolved;
    }
    // Escalations and repeats, one event per level and kind listing
    // its reminders: (level, repeat) -> ids.
    std::map<std::pair<int32_t, bool>, std::vector<std::string_view>> notices;
    for (const Reminder& r : s.reminders) {
      const std::string_view id = r.id();
      if (r.state != Reminder::State::kOpen) continue;  // acknowledged or resolved
      if (std::ranges::find(changes.to_resolve, id) != changes.to_resolve.end()) continue;
      const int64_t age = today - DayOf(r.issued_at);
      int32_t target = 0;
      for (unsigned after : options_.reminders.escalate_after_days) {
        if (age >= static_cast<int64_t>(after)) ++target;
      }
      if (target > r.level) {
        notices[{target, false}].push_back(id);
        ++counted.escalated;
      } else if (now - r.last_notice_at >= Days(options_.reminders.repeat_every_days)) {
        notices[{r.level, true}].push_back(id);
        ++counted.repeated;
      }
    }
    for (const auto& [key, ids] : notices) {
      const auto [level, repeat] = key;
      // {level, reminders, repeat?, to}, written without a document:
      // a pass writes one per plan, listing tens of ids.
      const std::vector<std::string> to = Recipients(code, level);
      using Writer = PayloadObjectWriter;
      Writer payload(repeat ? 4 : 3, Writer::kHeadBytes + Writer::ScalarBytes("level") +
                                         Writer::StringsBytes("reminders", ids) +
                                         Writer::ScalarBytes("repeat") +
                                         Writer::StringsBytes("to", to));
      payload.Int("level", level).Strings("reminders", ids);
      if (repeat) payload.Bool("repeat", true);
      payload.Strings("to", to);
      NewEvent escalated;
      escalated.type = "ReminderEscalated";
      escalated.effective_at = now;
      escalated.payload = std::move(payload).Finish();
      events.push_back(std::move(escalated));
    }
    return events;
  };
}

Status Scheduler::Deliver(const std::string& code, Instant now, TickStats* stats,
                          uint64_t* unapplied) {
  if (!channel_) return Status::Ok();
  JALON_RETURN_IF_ERROR(Applied(unapplied));
  Message m;
  uint32_t attempt = 1;
  std::string key;
  Json items = Json::array();
  // Read in place, as the visit does.
  const bool found = service_.projections().With(code, [&](const PlanState& state) {
    for (const Reminder& r : state.reminders) {
      if (r.state != Reminder::State::kOpen || r.notices <= r.delivered || r.retry_at > now)
        continue;
      m.items.push_back({std::string(r.id()), r.notices, r.rule(), r.subject(), r.expected(),
                         DateOfDay(r.due_day), r.level});
      m.level = std::max(m.level, r.level);
      attempt = std::max(attempt, r.attempts + 1);
      key.append(r.id()).append("#" + std::to_string(r.notices) + ";");
      items.push_back({{"id", r.id()}, {"notice", r.notices}});
    }
    m.direction_name = state.direction.value("name", code);
    m.plan_title = state.plan.value("title", "");
  });
  if (!found) return NoPlan(code);
  if (m.items.empty()) return Status::Ok();
  m.id = "msg-" + ToHex(Sha256(code + "/" + key)).substr(0, 24);
  m.direction = code;
  m.to = Recipients(code, m.level);
  m.webhook_url = WebhookOf(code);
  m.dashboard_url = options_.delivery.dashboard_url;
  m.created_at = now;
  const std::string channel = channel_->name();
  const std::string base = "dlv/" + m.id + "/" + std::to_string(attempt);
  auto attempted = service_.AppendSystem(
      code, base, kActor, [&](const PlanState&) -> Result<std::vector<NewEvent>> {
        return std::vector<NewEvent>{MakeEvent("DeliveryAttempted",
                                               {{"message", m.id},
                                                {"channel", channel},
                                                {"attempt", attempt},
                                                {"to", m.to},
                                                {"reminders", items}},
                                               now)};
      });
  if (!attempted.ok()) return attempted.status();
  *unapplied = attempted->position;
  ++stats->attempts;
  Status sent;
  {
    sending_.acquire();
    struct Release {
      std::counting_semaphore<kSenders>& permits;
      ~Release() { permits.release(); }
    } release{sending_};
    sent = channel_->Send(m);
  }
  const bool ok = sent.ok();
  if (!ok) {
    spdlog::warn("{}delivery of {} to {} failed: {}", options_.log_prefix, m.id, code,
                 sent.message());
  }
  JALON_RETURN_IF_ERROR(Applied(unapplied));
  auto outcome = service_.AppendSystem(
      code, base + (ok ? "/delivered" : "/failed"), kActor,
      [&](const PlanState& s) -> Result<std::vector<NewEvent>> {
        Json still = Json::array();  // reminders removed meanwhile are left out
        for (const Json& item : items) {
          if (s.reminders.contains(item["id"].get<std::string>())) still.push_back(item);
        }
        if (still.empty()) return Nothing();
        if (ok) {
          return std::vector<NewEvent>{
              MakeEvent("ReminderDelivered",
                        {{"message", m.id}, {"channel", channel}, {"reminders", still}}, now)};
        }
        const uint64_t backoff =
            std::min<uint64_t>(uint64_t{options_.delivery.retry_initial_seconds}
                                   << std::min<uint32_t>(attempt - 1, 20),
                               options_.delivery.retry_max_seconds);
        return std::vector<NewEvent>{
            MakeEvent("DeliveryFailed",
                      {{"message", m.id},
                       {"channel", channel},
                       {"attempt", attempt},
                       {"error", sent.message()},
                       {"retry_at", FormatInstant(now + std::chrono::seconds(backoff))},
                       {"reminders", still}},
                      now)};
      });
  if (!outcome.ok()) return outcome.status();
  if (ok) {
    ++stats->delivered;
  } else {
    ++stats->failed;
  }
  return Status::Ok();
}

std::vector<std::string> Scheduler::Recipients(const std::string& code, int32_t level) const {
  const DeliveryOptions& d = options_.delivery;
  std::string contact, director;
  for (const Contact& c : d.contacts) {
    if (c.direction == code) {
      contact = c.contact;
      director = c.director;
    }
  }
  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (contact.empty()) contact = lower + "@" + d.default_domain;
  if (director.empty()) director = "direction." + lower + "@" + d.default_domain;
  std::vector<std::string> to = {contact};
  if (level >= 1) to.push_back(director);
  if (level >= 2) to.push_back(d.steering);
  return to;
}

std::string Scheduler::WebhookOf(const std::string& code) const {
  for (const Contact& c : options_.delivery.contacts) {
    if (c.direction == code && !c.webhook.empty()) return c.webhook;
  }
  return options_.delivery.webhook_url;
}

Result<Json> Scheduler::Schedule(const std::string& code, std::optional<int32_t> from,
                                 std::optional<int32_t> to) const {
  auto state = service_.State(code, TimeQuery{});
  if (!state.ok()) return state.status();
  Json list = Json::array();
  for (const Occurrence& o : *Cycle(state->plan)) {
    if ((from && o.date.nominal < *from) || (to && o.date.nominal > *to)) continue;
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
