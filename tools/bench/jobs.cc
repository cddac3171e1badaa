// jalon-bench jobs: the scheduler over many plans: planning at startup, the
// time of a pass, the lag of each escalation, and memory.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/event_log.h"
#include "engine/log/payload.h"
#include "engine/plan/command.h"
#include "engine/plan/plan_service.h"
#include "engine/plan/projections.h"
#include "jobs/reminders/rules.h"
#include "jobs/scheduler.h"
#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

namespace jalon::bench {

namespace {

// One direction's history as of `now`: the direction, its plan and
// `indicators` indicators, none measured, and the reminders the scheduler
// issues for them (ids, texts), one per indicator.
std::vector<jalon::NewEvent> DirectionHistory(const std::string& code, int indicators,
                                              jalon::Instant now) {
  jalon::PlanState state;
  std::vector<jalon::NewEvent> events;
  auto decide = [&](const jalon::Json& command) {
    auto parsed = jalon::ParseCommand(command);
    auto decided = jalon::Decide(state, *parsed, now);
    if (!decided.ok()) {
      std::fprintf(stderr, "%s\n", decided.status().ToString().c_str());
      std::exit(1);
    }
    for (auto& e : decided->events) {
      jalon::Event applied;
      applied.type = e.type;
      applied.recorded_at = now;
      applied.effective_at = e.effective_at;
      applied.payload = e.payload;
      state.Apply(applied, jalon::DecodePayload(e.payload).value()).PermitUncheckedError();
      events.push_back(std::move(e));
    }
  };
  decide({{"type", "RegisterDirection"},
          {"data", {{"code", code}, {"name", std::string("Direction ") + code}}}});
  decide({{"type", "OpenPlan"},
          {"data",
           {{"direction", code},
            {"title", "Projet de direction 2016-2020"},
            {"period_start", "2016-01-01"},
            {"period_end", "2020-12-31"},
            {"dated", "2016-03-15"}}}});
  for (int k = 0; k < indicators; ++k) {
    const std::string id = "I" + std::to_string(k + 1);
    decide({{"type", "DefineIndicator"},
            {"data",
             {{"direction", code},
              {"id", id},
              {"attached_to", "plan"},
              {"kind", "output"},
              {"name", "Indicateur " + id},
              {"unit", "%"},
              {"polarity", "increase"},
              {"baseline", {{"value", 10}, {"date", "2015-12-31"}}},
              {"target", {{"value", 50}, {"date", "2020-12-31"}}},
              {"frequency", "annual"},
              {"source", "Tableau de bord interne"}}}});
  }
  for (const auto& e :
       jalon::jobs::ExpectedReminders(state, jalon::DayOf(now), jalon::jobs::ReminderOptions())) {
    jalon::NewEvent issued;
    issued.type = "ReminderIssued";
    issued.effective_at = now;
    issued.payload = jalon::EncodePayload({{"reminder", e.id},
                                           {"rule", e.rule},
                                           {"subject", e.subject},
                                           {"expected", e.expected},
                                           {"due", jalon::DateOfDay(e.due)}});
    events.push_back(std::move(issued));
  }
  return events;
}

// Loads the directions' histories in parallel, over 14 days from `t0`: each
// direction's is one atomic append on its issue day (its index modulo 14),
// recorded on that day. Returns the events loaded.
uint64_t LoadDirections(jalon::EventLog& log, jalon::SimulatedClock& clock, jalon::Instant t0,
                        int directions, int per_plan) {
  std::atomic<uint64_t> loaded{0};
  for (int day = 0; day < 14; ++day) {
    clock.Set(t0 + std::chrono::days(day));
    std::vector<std::thread> workers;
    for (int w = 0; w < 8; ++w) {
      workers.emplace_back([&, w, day] {
        for (int i = w; i < directions; i += 8) {
          if (i % 14 != day) continue;
          const std::string code = DirectionCode(i);
          jalon::AppendRequest request;
          request.stream = jalon::PlanStream(code);
          request.expected_version = 0;
          request.actor = "bench";
          request.events = DirectionHistory(code, per_plan, clock.Now());
          const size_t n = request.events.size();
          if (!log.Append(std::move(request)).ok()) std::exit(1);
          const uint64_t total = loaded.fetch_add(n) + n;
          if (i % 500 == 0)
            std::fprintf(stderr, "\rloading: day %d, %llu events", day,
                         static_cast<unsigned long long>(total));
        }
      });
    }
    for (auto& t : workers) t.join();
  }
  std::fputc('\n', stderr);
  return loaded.load();
}

}  // namespace

// The jobs at scale: `directions` plans holding `reminders` open reminders
// between them (indicator_stale, one per indicator, none measured), issued on
// 14 different days so that escalations fall due a fourteenth at a time.
int Jobs(const std::string& base, int directions, uint64_t reminders) {
  TempDir dir(base);
  const jalon::Instant t0 = jalon::ParseInstant("2017-03-01T08:00:00Z").value();
  jalon::SimulatedClock clock(t0);
  jalon::EventLogOptions log_options;
  log_options.clock = &clock;
  auto log = jalon::EventLog::Open(dir.path, log_options);
  if (!log.ok()) return 1;
  const int per_plan = static_cast<int>(std::max<uint64_t>(1, reminders / directions));
  const uint64_t loaded = LoadDirections(**log, clock, t0, directions, per_plan);
  // The daemon's side starts as jalond does after a restart: on the log
  // reopened, without the loader's heap (freed memory the allocator kept).
  log->reset();
  malloc_trim(0);
  log = jalon::EventLog::Open(dir.path, log_options);
  if (!log.ok()) return 1;
  const uint64_t rss_before = ResidentKiB();
  // JALON_BENCH_PAUSE=1: time to attach a profiler (heaptrack -p, perf -p)
  // before the daemon's side starts, and again before the firing pass.
  if (std::getenv("JALON_BENCH_PAUSE")) {
    std::fprintf(stderr, "pause pid %d\n", getpid());
    std::this_thread::sleep_for(std::chrono::seconds(8));
  }

  // Planning at startup: the projections, then a first pass with nothing due.
  clock.Set(t0 + std::chrono::days(13) + std::chrono::hours(12));
  auto start = SteadyClock::now();
  jalon::Projections projections(**log);
  if (!projections.Start().ok()) return 1;
  if (std::getenv("JALON_BENCH_HEAP")) {
    std::fprintf(stderr, "heap in use after the projections: %zu MiB\n",
                 mallinfo2().uordblks >> 20);
  }
  jalon::PlanService service(**log, projections, clock);
  jalon::jobs::Scheduler scheduler(service, clock, jalon::jobs::JobsOptions(), nullptr);
  jalon::jobs::TickStats first;
  if (!scheduler.Tick(&first).ok()) return 1;
  const double planning_s = Seconds(SteadyClock::now() - start);
  const uint64_t rss_after = ResidentKiB();
  // JALON_BENCH_HEAP=1: where the heap goes (mallinfo2's bytes in use),
  // and what one plan's parts take, measured on 100 copies of them.
  if (std::getenv("JALON_BENCH_HEAP")) {
    auto in_use = [] { return mallinfo2().uordblks; };
    std::fprintf(stderr, "heap in use after the first pass: %zu MiB\n", in_use() >> 20);
    projections.With("D00000", [&](const jalon::PlanState& s) {
      std::vector<jalon::PlanState> plans;
      std::vector<jalon::ReminderSet> reminders;
      std::vector<jalon::Collection> indicators;
      const size_t a = in_use();
      for (int i = 0; i < 100; ++i) plans.push_back(s);
      const size_t b = in_use();
      for (int i = 0; i < 100; ++i) reminders.push_back(s.reminders);
      const size_t c = in_use();
      for (int i = 0; i < 100; ++i) indicators.push_back(s.indicators);
      const size_t d = in_use();
      std::fprintf(stderr, "one plan: %zu bytes, of which reminders %zu, indicators %zu\n",
                   (b - a) / 100, (c - b) / 100, (d - c) / 100);
    });
  }
  std::fprintf(stderr, "first pass: %s\n", first.ToJson().dump().c_str());
  // The occurrences recorded by the first pass are re-planned by the next.
  clock.Advance(std::chrono::minutes(1));
  start = SteadyClock::now();
  if (!scheduler.Tick().ok()) return 1;
  const double settle_ms = Seconds(SteadyClock::now() - start) * 1000;

  // Idle passes: the cost of looking at every plan when nothing is due.
  std::vector<double> idle;
  for (int i = 0; i < 5; ++i) {
    clock.Advance(std::chrono::minutes(1));
    start = SteadyClock::now();
    if (!scheduler.Tick().ok()) return 1;
    idle.push_back(Seconds(SteadyClock::now() - start) * 1000);
  }

  // A pass where the day-0 directions' reminders fall due for escalation:
  // the lag of each escalation from the start of the pass.
  clock.Set(t0 + std::chrono::days(14) + std::chrono::hours(1));
  const uint64_t before = (*log)->Head().position;
  if (std::getenv("JALON_BENCH_PAUSE")) {
    std::fprintf(stderr, "fire pid %d\n", getpid());
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  // Each escalation's delay since the pass started: the watcher only notes
  // when the durable head moved (so that it takes little of the two cores
  // from the pass); the events are read afterwards.
  std::vector<std::pair<uint64_t, double>> heads;  // (head, ms since start)
  const double fire_cpu_before = CpuSeconds();
  start = SteadyClock::now();
  std::atomic<bool> done{false};
  std::thread watch([&] {
    uint64_t seen = before;
    while (!done.load()) {
      (*log)->WaitForPosition(seen + 1, std::chrono::milliseconds(5));
      const uint64_t head = (*log)->Head().position;
      if (head > seen) heads.emplace_back(seen = head, Seconds(SteadyClock::now() - start) * 1000);
    }
  });
  std::thread pass([&] { scheduler.Tick().PermitUncheckedError(); });
  pass.join();
  const double fire_pass_ms = Seconds(SteadyClock::now() - start) * 1000;
  const double fire_cpu_ms = (CpuSeconds() - fire_cpu_before) * 1000;
  done = true;
  watch.join();
  if (std::getenv("JALON_BENCH_PAUSE")) {  // a profile of the pass ends before the teardown
    std::fprintf(stderr, "pass done\n");
    std::this_thread::sleep_for(std::chrono::seconds(3));
  }
  // JALON_BENCH_HEADS=1: when the pass's appends became durable, as the
  // watcher saw the head move (events since the pass started, ms).
  if (std::getenv("JALON_BENCH_HEADS")) {
    for (const auto& [head, ms] : heads) {
      std::fprintf(stderr, "head +%llu at %.1f ms\n",
                   static_cast<unsigned long long>(head - before), ms);
    }
  }
  std::vector<double> lags;
  jalon::Status scanned = (*log)->Scan(before + 1, [&](const jalon::Event& e) {
    if (e.type != "ReminderEscalated") return true;
    // One event per plan and level, listing its reminders: each counts.
    const auto payload = jalon::DecodePayload(e.payload);
    const size_t n = payload.ok() ? jalon::EscalatedReminders(*payload).value_or({}).size() : 0;
    auto seen = std::lower_bound(
        heads.begin(), heads.end(), e.position,
        [](const std::pair<uint64_t, double>& h, uint64_t p) { return h.first < p; });
    lags.insert(lags.end(), n, seen == heads.end() ? fire_pass_ms : seen->second);
    return true;
  });
  if (!scanned.ok()) return 1;
  std::printf(
      "case=jobs directions=%d reminders=%llu events=%llu planning_s=%.2f settle_pass_ms=%.0f "
      "idle_pass_p50_ms=%.0f idle_pass_max_ms=%.0f fire_pass_ms=%.0f fire_cpu_ms=%.0f "
      "escalated=%zu "
      "lag_p50_ms=%.0f lag_p99_ms=%.0f rss_mib=%.0f jobs_mib=%.0f\n",
      directions, static_cast<unsigned long long>(static_cast<uint64_t>(per_plan) * directions),
      static_cast<unsigned long long>(loaded), planning_s, settle_ms, Percentile(idle, 0.5),
      Percentile(idle, 1.0), fire_pass_ms, fire_cpu_ms, lags.size(), Percentile(lags, 0.5),
      Percentile(lags, 0.99), static_cast<double>(rss_after) / 1024,
      static_cast<double>(rss_after - std::min(rss_after, rss_before)) / 1024);
  return 0;
}

}  // namespace jalon::bench
