// jalon-bench: measures the engine against raw RocksDB on the same machine,
// in the same run, and prints one `key=value` line per case (DESIGN.md,
// "Benchmark output").
//
//   jalon-bench append --clients 64 --events 200000 --payload 200
//   jalon-bench replay --events 1000000
//
// The raw baseline uses the same durability (sync = true), the same payload
// size and the batch size that group commit achieved in the engine run. An
// append run alternates the two sides in rounds (--rounds, 4 by default),
// and prints the ceiling too: raw synced writes of one event per client.
#include <malloc.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/event_log.h"
#include "engine/log/payload.h"
#include "engine/plan/command.h"
#include "engine/plan/generator.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/plan_service.h"
#include "engine/plan/projections.h"
#include "engine/util/coding.h"
#include "engine/util/sha256.h"
#include "jobs/reminders/rules.h"
#include "jobs/scheduler.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string MachineLine() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, model = "unknown";
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::replace(model.begin(), model.end(), ' ', '_');
  utsname u{};
  uname(&u);
  return "case=machine cpu=" + model +
         " cores=" + std::to_string(std::thread::hardware_concurrency()) + " kernel=" + u.release;
}

struct TempDir {
  explicit TempDir(const std::string& base) {
    std::string tmpl = (fs::path(base) / "jalon-bench-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string path;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

// --no-sync: both sides write without fsync, to compare CPU paths apart
// from the disk (whose sync time varies a lot on a shared virtual disk).
bool g_sync = true;

// Raw RocksDB: `batches` synced WriteBatches of `per_batch` puts of
// `value_size`-byte values with 8-byte big-endian keys. Returns per-write
// latencies in microseconds and the total time.
struct RawRun {
  double seconds = 0;
  std::vector<double> latencies_us;
};

// `batches` synced WriteBatches of `per_batch` puts, keys from first_key + 1.
RawRun RawAppend(const std::string& dir, uint64_t batches, uint64_t per_batch, size_t value_size,
                 uint64_t first_key) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(options, dir, &db).ok()) {
    std::fprintf(stderr, "raw: cannot open %s\n", dir.c_str());
    std::exit(1);
  }
  const std::string value = RandomBytes(value_size, 7);
  rocksdb::WriteOptions wo;
  wo.sync = g_sync;
  RawRun run;
  run.latencies_us.reserve(batches);
  uint64_t key = first_key;
  const auto start = Clock::now();
  for (uint64_t b = 0; b < batches; ++b) {
    rocksdb::WriteBatch wb;
    for (uint64_t i = 0; i < per_batch; ++i) {
      std::string k;
      jalon::coding::PutBigEndian64(&k, ++key);
      wb.Put(k, value);
    }
    const auto t0 = Clock::now();
    if (!db->Write(wo, &wb).ok()) std::exit(1);
    run.latencies_us.push_back(Seconds(Clock::now() - t0) * 1e6);
  }
  run.seconds = Seconds(Clock::now() - start);
  delete db;
  return run;
}

// Clients send random-looking ids (UUIDs in practice), not sequential ones:
// their index inserts land all over the key space, as in production.
bool g_command_ids = true;

std::string CommandId(int client, uint64_t i) {
  if (!g_command_ids) return {};
  return jalon::ToHex(jalon::Sha256(std::to_string(client) + "/" + std::to_string(i)))
      .substr(0, 32);
}

// Closed loop with `clients` appends in flight through AppendAsync, the way
// jalond's HTTP handlers call the log: each completion submits that client's
// next append. A client's appends are numbered from `first` (their command
// ids). Returns per-append latencies in microseconds.
std::vector<double> RunAsyncClients(jalon::EventLog& log, const jalon::Clock& clock, int clients,
                                    uint64_t first, uint64_t per_client, const std::string& body,
                                    std::atomic<int>& failures) {
  struct Client {
    int id = 0;
    uint64_t next = 0;
    Clock::time_point sent;
  };
  std::vector<Client> state(static_cast<size_t>(clients));
  std::vector<double> latencies;
  latencies.reserve(per_client * static_cast<uint64_t>(clients));
  std::mutex mu;
  std::condition_variable all_done;
  int finished = 0;
  std::function<void(Client&)> submit = [&](Client& c) {
    jalon::AppendRequest req;
    req.stream = "bench/" + std::to_string(c.id);
    req.command_id = CommandId(c.id, c.next);
    req.actor = "bench";
    req.events.push_back({"BenchEvent", 1, clock.Now(), body});
    c.sent = Clock::now();
    log.AppendAsync(std::move(req), [&, client = &c](jalon::Result<jalon::AppendResult> r) {
      const double us = Seconds(Clock::now() - client->sent) * 1e6;
      if (!r.ok()) failures.fetch_add(1);
      bool done;
      {
        std::lock_guard<std::mutex> lock(mu);
        latencies.push_back(us);
        done = ++client->next == first + per_client;
        if (done && ++finished == clients) all_done.notify_one();
      }
      if (!done) submit(*client);
    });
  };
  for (int c = 0; c < clients; ++c) {
    state[static_cast<size_t>(c)].id = c;
    state[static_cast<size_t>(c)].next = first;
    submit(state[static_cast<size_t>(c)]);
  }
  std::unique_lock<std::mutex> lock(mu);
  all_done.wait(lock, [&] { return finished == clients; });
  return latencies;
}

// One OS thread per client, each blocking in Append.
std::vector<double> RunThreadClients(jalon::EventLog& log, const jalon::Clock& clock, int clients,
                                     uint64_t first, uint64_t per_client, const std::string& body,
                                     std::atomic<int>& failures) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto& lat = latencies[static_cast<size_t>(c)];
      lat.reserve(per_client);
      for (uint64_t i = first; i < first + per_client; ++i) {
        jalon::AppendRequest req;
        req.stream = "bench/" + std::to_string(c);
        req.command_id = CommandId(c, i);
        req.actor = "bench";
        req.events.push_back({"BenchEvent", 1, clock.Now(), body});
        const auto t0 = Clock::now();
        if (!log.Append(std::move(req)).ok()) failures.fetch_add(1);
        lat.push_back(Seconds(Clock::now() - t0) * 1e6);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return all;
}

// Events per group commit, rounded, at least 1.
uint64_t AverageBatch(uint64_t events, uint64_t batches) {
  return std::max<uint64_t>(1, (events + batches / 2) / std::max<uint64_t>(1, batches));
}

// Events and time summed over rounds, for one side of a comparison.
struct Tally {
  uint64_t events = 0;
  double seconds = 0;
  // Adds a round's share and returns that round's events per second.
  double Add(uint64_t round_events, double round_seconds) {
    events += round_events;
    seconds += round_seconds;
    return static_cast<double>(round_events) / round_seconds;
  }
  double Eps() const { return static_cast<double>(events) / seconds; }
};

// The run is cut into `rounds`, each the engine's share of the appends and
// then the raw side's, so that both sides meet the same moods of the disk:
// on this VM its synced-write time changes by 2x from one minute to the
// next, and with the engine's whole run first and the raw run after it, a
// ratio of 0.41 and one of 0.86 came out of the same build on the same day
// (session 14). Each side's figure is its events over its summed time.
int Append(const std::string& base, int clients, uint64_t events, size_t payload,
           const std::string& mode, int rounds) {
  TempDir engine_dir(base), raw_dir(base), ceiling_dir(base);
  jalon::SystemClock clock;
  jalon::EventLogOptions options;
  options.clock = &clock;
  options.sync = g_sync;
  const uint64_t per_round = std::max<uint64_t>(
      1, events / static_cast<uint64_t>(clients) / static_cast<uint64_t>(rounds));
  std::atomic<int> failures{0};
  const std::string body = RandomBytes(payload, 3);
  // A raw record is the payload plus the envelope: the encoded event's size.
  jalon::Event sample;
  sample.stream = "bench/0";
  sample.type = "BenchEvent";
  sample.actor = "bench";
  sample.command_id = "c0-0";
  sample.payload = std::string(payload, 'x');
  const size_t record_size = jalon::SealAndEncode(&sample).size();

  std::vector<double> all, raw_latencies;
  Tally engine, raw_side, ceiling_side;
  uint64_t batches = 0;
  for (int round = 0; round < rounds; ++round) {
    // The engine's share, on a log opened for it, so that none of its
    // background work runs into the raw side's share.
    auto log = jalon::EventLog::Open(engine_dir.path, options);
    if (!log.ok()) {
      std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
      return 1;
    }
    const uint64_t first = per_round * static_cast<uint64_t>(round);
    const auto start = Clock::now();
    std::vector<double> lat =
        mode == "threads"
            ? RunThreadClients(**log, clock, clients, first, per_round, body, failures)
            : RunAsyncClients(**log, clock, clients, first, per_round, body, failures);
    const double round_engine_s = Seconds(Clock::now() - start);
    const jalon::LogStats stats = (*log)->Stats();  // since this open: this round
    log->reset();
    all.insert(all.end(), lat.begin(), lat.end());

    // The raw side's share: as many synced writes as the engine's group
    // commits, of the size they averaged.
    const uint64_t batch = AverageBatch(stats.events, stats.batches);
    RawRun raw = RawAppend(raw_dir.path, stats.batches, batch, record_size, raw_side.events);
    raw_latencies.insert(raw_latencies.end(), raw.latencies_us.begin(), raw.latencies_us.end());
    // The ceiling: the same events, raw, in synced writes of one event per
    // client, back to back. With each client's append acknowledged only
    // after its synced write, no group can hold more than `clients` of
    // them, and the WAL's synced writes follow one another; so no log, ours
    // or another, turns these clients into more durable events/s than this
    // on this disk at this minute.
    const uint64_t per_ceiling = static_cast<uint64_t>(clients);  // one event per append
    const uint64_t ceiling_writes = (stats.events + per_ceiling - 1) / per_ceiling;
    RawRun ceiling =
        RawAppend(ceiling_dir.path, ceiling_writes, per_ceiling, record_size, ceiling_side.events);
    const double engine_round_eps = engine.Add(stats.events, round_engine_s);
    const double raw_round_eps = raw_side.Add(stats.batches * batch, raw.seconds);
    const double ceiling_round_eps =
        ceiling_side.Add(ceiling_writes * per_ceiling, ceiling.seconds);
    batches += stats.batches;
    std::fprintf(stderr,
                 "round %d/%d: engine %.0f events/s (%llu group commits of %llu), raw %.0f, "
                 "ceiling %.0f (synced writes of %llu)\n",
                 round + 1, rounds, engine_round_eps,
                 static_cast<unsigned long long>(stats.batches),
                 static_cast<unsigned long long>(batch), raw_round_eps, ceiling_round_eps,
                 static_cast<unsigned long long>(per_ceiling));
  }
  const double p50 = Percentile(all, 0.50), p99 = Percentile(all, 0.99);
  const uint64_t total = per_round * static_cast<uint64_t>(clients) * static_cast<uint64_t>(rounds);
  const double engine_eps = engine.Eps(), raw_eps = raw_side.Eps();
  const uint64_t batch = AverageBatch(engine.events, batches);
  const double raw_p50 = Percentile(raw_latencies, 0.50);
  const double raw_p99 = Percentile(raw_latencies, 0.99);

  std::printf(
      "case=append mode=%s sync=%d command_ids=%d clients=%d payload=%zu rounds=%d events=%llu "
      "batches=%llu batch_events=%llu "
      "engine_eps=%.0f raw_eps=%.0f ratio=%.2f ceiling_eps=%.0f p50_us=%.0f p99_us=%.0f "
      "raw_p50_us=%.0f raw_p99_us=%.0f p50_vs_raw=%.2f failures=%d\n",
      mode.c_str(), g_sync ? 1 : 0, g_command_ids ? 1 : 0, clients, payload, rounds,
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(batches),
      static_cast<unsigned long long>(batch), engine_eps, raw_eps, engine_eps / raw_eps,
      ceiling_side.Eps(), p50, p99, raw_p50, raw_p99, p50 / raw_p50, failures.load());
  return failures.load() == 0 ? 0 : 1;
}

// Waits for RocksDB's background compactions to end (and gives a compaction
// that was just made due the time to be scheduled), so that a measurement after a bulk load does
// not share the two cores with the compaction of that load. Both sides of a comparison are measured
// after it.
void Settle(rocksdb::DB* db) {
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    uint64_t running = 0, pending = 0;
    db->GetAggregatedIntProperty("rocksdb.num-running-compactions", &running);
    db->GetAggregatedIntProperty("rocksdb.compaction-pending", &pending);
    if (running == 0 && pending == 0) {
      return;
    }
  }
}

int Replay(const std::string& base, uint64_t events, size_t payload) {
  TempDir dir(base);
  jalon::SystemClock clock;
  {
    jalon::EventLogOptions options;
    options.clock = &clock;
    auto log = jalon::EventLog::Open(dir.path, options);
    if (!log.ok()) return 1;
    const std::string body = RandomBytes(payload, 1);
    constexpr uint64_t kChunk = 1000;
    std::fprintf(stderr, "replay: loading %llu events\n", static_cast<unsigned long long>(events));
    for (uint64_t done = 0; done < events; done += kChunk) {
      jalon::AppendRequest req;
      req.stream = "bench/" + std::to_string(done / 50000);
      req.actor = "bench";
      for (uint64_t i = 0; i < std::min(kChunk, events - done); ++i) {
        req.events.push_back({"BenchEvent", 1, clock.Now(), body});
      }
      if (!(*log)->Append(std::move(req)).ok()) return 1;
    }
    Settle((*log)->db());
  }
  // Engine: read, decode every envelope and verify the whole hash chain.
  double engine_s = 0;
  uint64_t checked = 0;
  {
    jalon::EventLogOptions options;
    options.clock = &clock;
    auto log = jalon::EventLog::Open(dir.path, options);
    if (!log.ok()) return 1;
    const auto start = Clock::now();
    jalon::VerifyReport r = (*log)->Verify();
    engine_s = Seconds(Clock::now() - start);
    checked = r.events_checked;
    if (!r.ok) {
      std::fprintf(stderr, "verify failed at %llu: %s\n",
                   static_cast<unsigned long long>(r.first_bad_position), r.reason.c_str());
      return 1;
    }
  }
  // Raw: a plain RocksDB iterator over the same column family, touching
  // every key and value.
  double raw_s = 0;
  uint64_t raw_count = 0;
  {
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path, &names);
    for (auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(rocksdb::Options(), dir.path, cfs, &handles, &db).ok()) return 1;
    Settle(db);
    rocksdb::ColumnFamilyHandle* events_cf = nullptr;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "events") events_cf = handles[i];
    }
    rocksdb::ReadOptions ro;
    ro.readahead_size = 2 << 20;
    const auto start = Clock::now();
    uint64_t bytes = 0;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, events_cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->key().size() + it->value().size() + static_cast<uint8_t>(it->value()[0]);
      ++raw_count;
    }
    raw_s = Seconds(Clock::now() - start);
    if (bytes == 0) return 1;
    it.reset();
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  const double engine_eps = static_cast<double>(checked) / engine_s;
  const double raw_eps = static_cast<double>(raw_count) / raw_s;
  std::printf(
      "case=replay events=%llu payload=%zu engine_eps=%.0f raw_eps=%.0f ratio=%.2f "
      "engine_s=%.3f raw_s=%.3f\n",
      static_cast<unsigned long long>(checked), payload, engine_eps, raw_eps, engine_eps / raw_eps,
      engine_s, raw_s);
  return 0;
}

// What the whole process (every thread) has used so far.
struct Usage {
  double cpu_s = 0;  // user and system time
  double sys_s = 0;  // system time alone
  long faults = 0;   // page faults (minor and major): fresh memory, files mapped in
};

Usage UsageNow() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return {seconds(usage.ru_utime) + seconds(usage.ru_stime), seconds(usage.ru_stime),
          usage.ru_minflt + usage.ru_majflt};
}

Usage UsageSince(const Usage& before) {
  const Usage now = UsageNow();
  return {now.cpu_s - before.cpu_s, now.sys_s - before.sys_s, now.faults - before.faults};
}

double CpuSeconds() { return UsageNow().cpu_s; }

uint64_t ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

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
        char code[16];
        std::snprintf(code, sizeof code, "D%05d", i);
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
    auto start = Clock::now();
    Usage usage = UsageNow();
    jalon::VerifyReport report = (*log)->Verify();
    const double verify_s = Seconds(Clock::now() - start);
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
    start = Clock::now();
    usage = UsageNow();
    if (!projections->CatchUp().ok()) return 1;
    const double rebuild_s = Seconds(Clock::now() - start);
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
    char code[16];
    std::snprintf(code, sizeof code, "D%05d",
                  static_cast<int>(rng() % static_cast<uint64_t>(directions)));
    const uint64_t position = 1 + rng() % head;
    const auto t0 = Clock::now();
    auto state = projections->AtPosition(code, position);
    latencies.push_back(Seconds(Clock::now() - t0) * 1e6);
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
  uint64_t replayed = 0;
  for (int q = 0; q < as_of_queries; ++q) {
    const int index = static_cast<int>(rng() % static_cast<uint64_t>(directions));
    char code[16];
    std::snprintf(code, sizeof code, "D%05d", index);
    const auto [first, last] = ranges[static_cast<size_t>(index)];
    const uint64_t position = first + rng() % (last - first);  // before the last event
    const auto t0 = Clock::now();
    auto state = projections->AtPosition(code, position);
    latencies.push_back(Seconds(Clock::now() - t0) * 1e6);
    if (!state.ok() || state->last_position != position) return 1;
    replayed += state->version;
  }
  std::printf(
      "case=as-of-inside events=%llu queries=%d mean_version=%.0f p50_us=%.0f p99_us=%.0f "
      "max_us=%.0f\n",
      static_cast<unsigned long long>(head), as_of_queries,
      static_cast<double>(replayed) / as_of_queries, Percentile(latencies, 0.5),
      Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  return 0;
}

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
  // Loading, in parallel; each direction's history is one atomic append per
  // issue day, recorded on its day.
  std::atomic<uint64_t> loaded{0};
  for (int day = 0; day < 14; ++day) {
    clock.Set(t0 + std::chrono::days(day));
    std::vector<std::thread> workers;
    for (int w = 0; w < 8; ++w) {
      workers.emplace_back([&, w, day] {
        for (int i = w; i < directions; i += 8) {
          if (i % 14 != day) continue;
          char code[16];
          std::snprintf(code, sizeof code, "D%05d", i);
          jalon::PlanState state;
          std::vector<jalon::NewEvent> events;
          auto decide = [&](const jalon::Json& command) {
            auto parsed = jalon::ParseCommand(command);
            auto decided = jalon::Decide(state, *parsed, clock.Now());
            if (!decided.ok()) {
              std::fprintf(stderr, "%s\n", decided.status().ToString().c_str());
              std::exit(1);
            }
            for (auto& e : decided->events) {
              jalon::Event applied;
              applied.type = e.type;
              applied.recorded_at = clock.Now();
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
          for (int k = 0; k < per_plan; ++k) {
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
          // The reminders as the scheduler issues them (ids, texts), one
          // per indicator: none has a measurement.
          for (const auto& e : jalon::jobs::ExpectedReminders(state, jalon::DayOf(clock.Now()),
                                                              jalon::jobs::ReminderOptions())) {
            jalon::NewEvent issued;
            issued.type = "ReminderIssued";
            issued.effective_at = clock.Now();
            issued.payload = jalon::EncodePayload({{"reminder", e.id},
                                                   {"rule", e.rule},
                                                   {"subject", e.subject},
                                                   {"expected", e.expected},
                                                   {"due", jalon::DateOfDay(e.due)}});
            events.push_back(std::move(issued));
          }
          jalon::AppendRequest request;
          request.stream = jalon::PlanStream(code);
          request.expected_version = 0;
          request.actor = "bench";
          request.events = std::move(events);
          const size_t n = request.events.size();
          if (!(*log)->Append(std::move(request)).ok()) std::exit(1);
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
  auto start = Clock::now();
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
  const double planning_s = Seconds(Clock::now() - start);
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
  start = Clock::now();
  if (!scheduler.Tick().ok()) return 1;
  const double settle_ms = Seconds(Clock::now() - start) * 1000;

  // Idle passes: the cost of looking at every plan when nothing is due.
  std::vector<double> idle;
  for (int i = 0; i < 5; ++i) {
    clock.Advance(std::chrono::minutes(1));
    start = Clock::now();
    if (!scheduler.Tick().ok()) return 1;
    idle.push_back(Seconds(Clock::now() - start) * 1000);
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
  start = Clock::now();
  std::atomic<bool> done{false};
  std::thread watch([&] {
    uint64_t seen = before;
    while (!done.load()) {
      (*log)->WaitForPosition(seen + 1, std::chrono::milliseconds(5));
      const uint64_t head = (*log)->Head().position;
      if (head > seen) heads.emplace_back(seen = head, Seconds(Clock::now() - start) * 1000);
    }
  });
  std::thread pass([&] { scheduler.Tick().PermitUncheckedError(); });
  pass.join();
  const double fire_pass_ms = Seconds(Clock::now() - start) * 1000;
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
      static_cast<unsigned long long>(loaded.load()), planning_s, settle_ms, Percentile(idle, 0.5),
      Percentile(idle, 1.0), fire_pass_ms, fire_cpu_ms, lags.size(), Percentile(lags, 0.5),
      Percentile(lags, 0.99), static_cast<double>(rss_after) / 1024,
      static_cast<double>(rss_after - std::min(rss_after, rss_before)) / 1024);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"jalon-bench: the engine against raw RocksDB, same machine, same run"};
  app.require_subcommand(1);
  std::string base = fs::temp_directory_path().string();
  app.add_option("--dir", base, "Where to create the temporary databases")
      ->check(CLI::ExistingDirectory);

  auto* append =
      app.add_subcommand("append", "Durable appends: group commit vs raw synced WriteBatches");
  int clients = 64;
  uint64_t events = 200000;
  size_t payload = 200;
  append->add_option("--clients", clients, "Concurrent appending threads")
      ->check(CLI::Range(1, 4096));
  append->add_option("--events", events, "Total events to append")->check(CLI::PositiveNumber);
  append->add_option("--payload", payload, "Payload bytes per event")
      ->check(CLI::Range(1, 1 << 20));
  bool no_command_ids = false;
  append->add_flag("--no-command-ids", no_command_ids,
                   "Send appends without command ids (no idempotency index)");
  bool no_sync = false;
  append->add_flag("--no-sync", no_sync,
                   "Both sides write without fsync: compares the CPU paths apart from the disk "
                   "(not a durability figure)");
  int append_rounds = 4;
  append
      ->add_option("--rounds", append_rounds,
                   "Alternate the engine and the raw side this many times, each with its share "
                   "of the events, so that both meet the same moods of the disk")
      ->check(CLI::Range(1, 1000));
  std::string mode = "async";
  append
      ->add_option("--mode", mode,
                   "async: appends in flight through AppendAsync, as jalond does; "
                   "threads: one blocking thread per client")
      ->check(CLI::IsMember({"async", "threads"}));

  auto* replay =
      app.add_subcommand("replay", "Read, decode and verify the chain vs a raw RocksDB scan");
  uint64_t replay_events = 1000000;
  replay->add_option("--events", replay_events, "Events in the log")->check(CLI::PositiveNumber);
  replay->add_option("--payload", payload, "Payload bytes per event")
      ->check(CLI::Range(1, 1 << 20));

  auto* rebuild = app.add_subcommand(
      "rebuild",
      "Rebuild every projection from scratch vs a decode-and-verify replay; then as-of latency");
  int directions = 3000;
  int queries = 2000;
  rebuild
      ->add_option("--directions", directions,
                   "Directions of about 3,300 events each (3,000: 10M events)")
      ->check(CLI::Range(1, 100000));
  rebuild->add_option("--queries", queries, "as-of queries at random points")
      ->check(CLI::Range(1, 1000000));
  int rounds = 1;
  rebuild
      ->add_option("--rounds", rounds,
                   "Measure both sides this many times on the same log (one line each)")
      ->check(CLI::Range(1, 100));

  auto* jobs = app.add_subcommand(
      "jobs", "The scheduler over many plans: planning at startup, pass times, firing lag, memory");
  int jobs_directions = 30000;
  uint64_t jobs_reminders = 1000000;
  jobs->add_option("--directions", jobs_directions, "Directions (plans)")
      ->check(CLI::Range(1, 1000000));
  jobs->add_option("--reminders", jobs_reminders, "Open reminders across them")
      ->check(CLI::PositiveNumber);

  CLI11_PARSE(app, argc, argv);
  std::printf("%s\n", MachineLine().c_str());
  std::fflush(stdout);  // before the progress lines on stderr
  if (jobs->parsed()) return Jobs(base, jobs_directions, jobs_reminders);
  g_command_ids = !no_command_ids;
  g_sync = !no_sync;
  if (append->parsed()) return Append(base, clients, events, payload, mode, append_rounds);
  if (replay->parsed()) return Replay(base, replay_events, payload);
  if (rebuild->parsed()) return Rebuild(base, directions, queries, rounds);
  return 2;
}
