// jalon-bench rebuild: every projection rebuilt from scratch against a
// decode-and-verify replay of the same log, then the latency of as-of
// queries.
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/event_log.h"
#include "engine/plan/command.h"
#include "engine/plan/generator.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/projections.h"
#include "engine/plan/rollup.h"
#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

namespace jalon::bench {
namespace {

// Loads `directions` generated plans of about `per_direction` events each,
// each imported as one atomic append, as a real city would have them.
uint64_t LoadCity(jalon::EventLog& log, const jalon::Clock& clock, int directions,
                  const jalon::GeneratorOptions& options) {
  std::atomic<int> next{0};
  std::atomic<uint64_t> events{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 2; ++w) {
    workers.emplace_back([&] {
      for (int i = next++; i < directions; i = next++) {
        const std::string code = DirectionCode(i);
        auto steps =
            jalon::PlanToCommands(jalon::GeneratePlan(code, static_cast<uint64_t>(i), options));
        if (!steps.ok()) std::exit(1);
        auto decision = jalon::DecideImport(*steps, clock.Now());
        if (!decision.ok()) {
          std::fprintf(stderr, "%s\n", decision.status().ToString().c_str());
          std::exit(1);
        }
        jalon::AppendRequest req;
        req.stream = decision->stream;
        req.actor = "bench";
        req.command_id = std::string("import-") + code;
        req.events = std::move(decision->events);
        const uint64_t n = req.events.size();
        if (!log.Append(std::move(req)).ok()) std::exit(1);
        const uint64_t total = events += n;
        if (i % 100 == 0)
          std::fprintf(stderr, "\rloading: %d / %d directions, %llu events", i, directions,
                       static_cast<unsigned long long>(total));
      }
    });
  }
  for (auto& w : workers) w.join();
  std::fputc('\n', stderr);
  return events.load();
}

}  // namespace

int Rebuild(const std::string& base, int directions, int as_of_queries, int rounds) {
  TempDir dir(base);
  // After the generated plans' last measurement (2019-12-31): an import
  // comes after the history it holds.
  jalon::SimulatedClock clock(jalon::ParseInstant("2020-03-15T08:00:00Z").value());
  jalon::GeneratorOptions options;
  options.axes = 8;
  options.actions_per_axis = 6;
  options.indicators_per_axis = 6;
  options.monthly = true;
  jalon::EventLogOptions log_options;
  log_options.clock = &clock;
  auto log = jalon::EventLog::Open(dir.path, log_options);
  if (!log.ok()) return 1;
  const uint64_t loaded = LoadCity(**log, clock, directions, options);
  Settle((*log)->db());
  const uint64_t rss_before = ResidentKiB();

  // Each round measures both sides again, one after the other, so that a
  // neighbour's load on a shared machine shows as a spread between rounds
  // instead of skewing one side.
  std::unique_ptr<jalon::Projections> projections;
  for (int round = 1; round <= rounds; ++round) {
    // Raw side: read, decode and verify the whole chain (as `jalon verify`).
    auto start = SteadyClock::now();
    Usage usage = UsageNow();
    jalon::VerifyReport report = (*log)->Verify();
    const double verify_s = Seconds(SteadyClock::now() - start);
    const Usage verify_usage = UsageSince(usage);
    if (!report.ok) return 1;
    // Releasing the verify's snapshot lets RocksDB compact the bottommost
    // files (to drop their sequence numbers): not part of either side.
    Settle((*log)->db());

    // Engine: rebuild every projection from scratch, no snapshot.
    projections.reset();
    malloc_trim(0);  // so that the resident figure is this round's
    projections = std::make_unique<jalon::Projections>(**log);
    std::fprintf(stderr, "rebuild: from scratch, round %d of %d\n", round, rounds);
    start = SteadyClock::now();
    usage = UsageNow();
    if (!projections->CatchUp().ok()) return 1;
    const double rebuild_s = Seconds(SteadyClock::now() - start);
    const Usage rebuild_usage = UsageSince(usage);
    const uint64_t rss_after = ResidentKiB();
    const double rebuild_eps = static_cast<double>(loaded) / rebuild_s;
    const double verify_eps = static_cast<double>(report.events_checked) / verify_s;
    std::printf(
        "case=rebuild round=%d events=%llu directions=%d engine_eps=%.0f raw_eps=%.0f "
        "ratio=%.2f engine_s=%.2f raw_s=%.2f engine_cpu_s=%.2f raw_cpu_s=%.2f engine_sys_s=%.2f "
        "raw_sys_s=%.2f engine_faults=%ld raw_faults=%ld rss_mib=%.0f projections_mib=%.0f\n",
        round, static_cast<unsigned long long>(loaded), directions, rebuild_eps, verify_eps,
        rebuild_eps / verify_eps, rebuild_s, verify_s, rebuild_usage.cpu_s, verify_usage.cpu_s,
        rebuild_usage.sys_s, verify_usage.sys_s, rebuild_usage.faults, verify_usage.faults,
        static_cast<double>(rss_after) / 1024,
        static_cast<double>(rss_after - std::min(rss_after, rss_before)) / 1024);
    std::fflush(stdout);
  }

  // as-of: the state of a random direction at a random past position.
  std::mt19937_64 rng(42);
  std::vector<double> latencies;
  const uint64_t head = (*log)->Head().position;
  for (int q = 0; q < as_of_queries; ++q) {
    const std::string code =
        DirectionCode(static_cast<int>(rng() % static_cast<uint64_t>(directions)));
    const uint64_t position = 1 + rng() % head;
    const auto t0 = SteadyClock::now();
    auto state = projections->AtPosition(code, position);
    latencies.push_back(Seconds(SteadyClock::now() - t0) * 1e6);
    if (!state.ok()) return 1;
  }
  std::printf("case=as-of events=%llu queries=%d p50_us=%.0f p99_us=%.0f max_us=%.0f\n",
              static_cast<unsigned long long>(head), as_of_queries, Percentile(latencies, 0.5),
              Percentile(latencies, 0.99), Percentile(latencies, 1.0));

  // A random point is mostly before or after the direction's own history,
  // where the answer is an empty or the current plan. These points fall
  // inside it (each direction's events are contiguous: one import), where
  // the state is rebuilt from a stream snapshot and the log.
  std::vector<std::pair<uint64_t, uint64_t>> ranges(static_cast<size_t>(directions));
  projections->ForEach([&](const jalon::PlanState& s) {
    const int index = std::stoi(s.code.substr(1));
    ranges[static_cast<size_t>(index)] = {s.last_position - s.version + 1, s.last_position};
  });
  latencies.clear();
  std::vector<double> dashboards;  // the same states read at a date inside their period
  uint64_t replayed = 0;
  for (int q = 0; q < as_of_queries; ++q) {
    const int index = static_cast<int>(rng() % static_cast<uint64_t>(directions));
    const std::string code = DirectionCode(index);
    const auto [first, last] = ranges[static_cast<size_t>(index)];
    const uint64_t position = first + rng() % (last - first);  // before the last event
    const auto t0 = SteadyClock::now();
    auto state = projections->AtPosition(code, position);
    latencies.push_back(Seconds(SteadyClock::now() - t0) * 1e6);
    if (!state.ok() || state->last_position != position) return 1;
    replayed += state->version;
    const auto t1 = SteadyClock::now();
    const jalon::Json d =
        jalon::Dashboard(*state, jalon::ParseDate("2018-06-30").value(), jalon::RollupOptions());
    dashboards.push_back(Seconds(SteadyClock::now() - t1) * 1e6);
    if (!d.contains("execution")) return 1;
  }
  std::printf(
      "case=as-of-inside events=%llu queries=%d mean_version=%.0f p50_us=%.0f p99_us=%.0f "
      "max_us=%.0f\n",
      static_cast<unsigned long long>(head), as_of_queries,
      static_cast<double>(replayed) / as_of_queries, Percentile(latencies, 0.5),
      Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  // The plan as it stood on a date (PlanAt), read from each of those states.
  std::printf("case=plan-at queries=%d p50_us=%.0f p99_us=%.0f max_us=%.0f\n", as_of_queries,
              Percentile(dashboards, 0.5), Percentile(dashboards, 0.99),
              Percentile(dashboards, 1.0));
  return 0;
}

}  // namespace jalon::bench
