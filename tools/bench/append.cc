// jalon-bench append: durable appends through the engine's group commit
// against raw RocksDB on the same machine, in the same run.
//
// The raw baseline uses the same durability (sync = true), the same payload
// size and the batch size that group commit achieved in the engine run. The
// run alternates the two sides in rounds, and prints the ceiling too: raw
// synced writes of one event per client.
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/event_log.h"
#include "engine/util/coding.h"
#include "engine/util/sha256.h"
#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

namespace jalon::bench {
namespace {

// Per-write latencies in microseconds and the total time of a raw run.
struct RawRun {
  double seconds = 0;
  std::vector<double> latencies_us;
};

// Raw RocksDB: `batches` WriteBatches (synced unless `sync` is false) of
// `per_batch` puts of `value_size`-byte values, with 8-byte big-endian keys
// from first_key + 1.
RawRun RawAppend(const std::string& dir, uint64_t batches, uint64_t per_batch, size_t value_size,
                 uint64_t first_key, bool sync) {
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
  wo.sync = sync;
  RawRun run;
  run.latencies_us.reserve(batches);
  uint64_t key = first_key;
  const auto start = SteadyClock::now();
  for (uint64_t b = 0; b < batches; ++b) {
    rocksdb::WriteBatch wb;
    for (uint64_t i = 0; i < per_batch; ++i) {
      std::string k;
      jalon::coding::PutBigEndian64(&k, ++key);
      wb.Put(k, value);
    }
    const auto t0 = SteadyClock::now();
    if (!db->Write(wo, &wb).ok()) std::exit(1);
    run.latencies_us.push_back(Seconds(SteadyClock::now() - t0) * 1e6);
  }
  run.seconds = Seconds(SteadyClock::now() - start);
  delete db;
  return run;
}

// Client `client`'s append number `i`: one event of `body`, with a
// random-looking command id unless the run goes without them.
jalon::AppendRequest BenchRequest(const jalon::Clock& clock, const AppendOptions& options,
                                  int client, uint64_t i, const std::string& body) {
  jalon::AppendRequest req;
  req.stream = "bench/" + std::to_string(client);
  if (options.command_ids) {
    req.command_id =
        jalon::ToHex(jalon::Sha256(std::to_string(client) + "/" + std::to_string(i))).substr(0, 32);
  }
  req.actor = "bench";
  req.events.push_back({"BenchEvent", 1, clock.Now(), body});
  return req;
}

// Closed loop with `options.clients` appends in flight through AppendAsync,
// the way jalond's HTTP handlers call the log: each completion submits that
// client's next append. A client's appends are numbered from `first` (their
// command ids). Returns per-append latencies in microseconds.
std::vector<double> RunAsyncClients(jalon::EventLog& log, const jalon::Clock& clock,
                                    const AppendOptions& options, uint64_t first,
                                    uint64_t per_client, const std::string& body,
                                    std::atomic<int>& failures) {
  struct Client {
    int id = 0;
    uint64_t next = 0;
    SteadyClock::time_point sent;
  };
  const int clients = options.clients;
  std::vector<Client> state(static_cast<size_t>(clients));
  std::vector<double> latencies;
  latencies.reserve(per_client * static_cast<uint64_t>(clients));
  std::mutex mu;
  std::condition_variable all_done;
  int finished = 0;
  std::function<void(Client&)> submit = [&](Client& c) {
    jalon::AppendRequest req = BenchRequest(clock, options, c.id, c.next, body);
    c.sent = SteadyClock::now();
    log.AppendAsync(std::move(req), [&, client = &c](jalon::Result<jalon::AppendResult> r) {
      const double us = Seconds(SteadyClock::now() - client->sent) * 1e6;
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
std::vector<double> RunThreadClients(jalon::EventLog& log, const jalon::Clock& clock,
                                     const AppendOptions& options, uint64_t first,
                                     uint64_t per_client, const std::string& body,
                                     std::atomic<int>& failures) {
  std::vector<std::vector<double>> latencies(static_cast<size_t>(options.clients));
  std::vector<std::thread> threads;
  for (int c = 0; c < options.clients; ++c) {
    threads.emplace_back([&, c] {
      auto& lat = latencies[static_cast<size_t>(c)];
      lat.reserve(per_client);
      for (uint64_t i = first; i < first + per_client; ++i) {
        jalon::AppendRequest req = BenchRequest(clock, options, c, i, body);
        const auto t0 = SteadyClock::now();
        if (!log.Append(std::move(req)).ok()) failures.fetch_add(1);
        lat.push_back(Seconds(SteadyClock::now() - t0) * 1e6);
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

}  // namespace

// The run is cut into rounds, each the engine's share of the appends and
// then the raw side's, so that both sides meet the same moods of the disk:
// on a virtual disk the synced-write time can change twofold from one minute
// to the next, and one side's whole run before the other's would compare two
// different disks. Each side's figure is its events over its summed time.
int Append(const std::string& base, const AppendOptions& o) {
  TempDir engine_dir(base), raw_dir(base), ceiling_dir(base);
  jalon::SystemClock clock;
  jalon::EventLogOptions options;
  options.clock = &clock;
  options.sync = o.sync;
  const uint64_t per_round = std::max<uint64_t>(
      1, o.events / static_cast<uint64_t>(o.clients) / static_cast<uint64_t>(o.rounds));
  std::atomic<int> failures{0};
  const std::string body = RandomBytes(o.payload, 3);
  // A raw record is the payload plus the envelope: the encoded event's size.
  jalon::Event sample;
  sample.stream = "bench/0";
  sample.type = "BenchEvent";
  sample.actor = "bench";
  sample.command_id = "c0-0";
  sample.payload = std::string(o.payload, 'x');
  const size_t record_size = jalon::SealAndEncode(&sample).size();

  std::vector<double> all, raw_latencies;
  Tally engine, raw_side, ceiling_side;
  uint64_t batches = 0;
  for (int round = 0; round < o.rounds; ++round) {
    // The engine's share, on a log opened for it, so that none of its
    // background work runs into the raw side's share.
    auto log = jalon::EventLog::Open(engine_dir.path, options);
    if (!log.ok()) {
      std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
      return 1;
    }
    const uint64_t first = per_round * static_cast<uint64_t>(round);
    const auto start = SteadyClock::now();
    std::vector<double> lat =
        o.mode == "threads" ? RunThreadClients(**log, clock, o, first, per_round, body, failures)
                            : RunAsyncClients(**log, clock, o, first, per_round, body, failures);
    const double round_engine_s = Seconds(SteadyClock::now() - start);
    const jalon::LogStats stats = (*log)->Stats();  // since this open: this round
    log->reset();
    all.insert(all.end(), lat.begin(), lat.end());

    // The raw side's share: as many synced writes as the engine's group
    // commits, of the size they averaged.
    const uint64_t batch = AverageBatch(stats.events, stats.batches);
    RawRun raw =
        RawAppend(raw_dir.path, stats.batches, batch, record_size, raw_side.events, o.sync);
    raw_latencies.insert(raw_latencies.end(), raw.latencies_us.begin(), raw.latencies_us.end());
    // The ceiling: the same events, raw, in synced writes of one event per
    // client, back to back. With each client's append acknowledged only
    // after its synced write, no group can hold more than `clients` of
    // them, and the WAL's synced writes follow one another; so no log, ours
    // or another, turns these clients into more durable events/s than this
    // on this disk at this minute.
    const uint64_t per_ceiling = static_cast<uint64_t>(o.clients);  // one event per append
    const uint64_t ceiling_writes = (stats.events + per_ceiling - 1) / per_ceiling;
    RawRun ceiling = RawAppend(ceiling_dir.path, ceiling_writes, per_ceiling, record_size,
                               ceiling_side.events, o.sync);
    const double engine_round_eps = engine.Add(stats.events, round_engine_s);
    const double raw_round_eps = raw_side.Add(stats.batches * batch, raw.seconds);
    const double ceiling_round_eps =
        ceiling_side.Add(ceiling_writes * per_ceiling, ceiling.seconds);
    batches += stats.batches;
    std::fprintf(stderr,
                 "round %d/%d: engine %.0f events/s (%llu group commits of %llu), raw %.0f, "
                 "ceiling %.0f (synced writes of %llu)\n",
                 round + 1, o.rounds, engine_round_eps,
                 static_cast<unsigned long long>(stats.batches),
                 static_cast<unsigned long long>(batch), raw_round_eps, ceiling_round_eps,
                 static_cast<unsigned long long>(per_ceiling));
  }
  const double p50 = Percentile(all, 0.50), p99 = Percentile(all, 0.99);
  const uint64_t total =
      per_round * static_cast<uint64_t>(o.clients) * static_cast<uint64_t>(o.rounds);
  const double engine_eps = engine.Eps(), raw_eps = raw_side.Eps();
  const uint64_t batch = AverageBatch(engine.events, batches);
  const double raw_p50 = Percentile(raw_latencies, 0.50);
  const double raw_p99 = Percentile(raw_latencies, 0.99);

  std::printf(
      "case=append mode=%s sync=%d command_ids=%d clients=%d payload=%zu rounds=%d events=%llu "
      "batches=%llu batch_events=%llu "
      "engine_eps=%.0f raw_eps=%.0f ratio=%.2f ceiling_eps=%.0f p50_us=%.0f p99_us=%.0f "
      "raw_p50_us=%.0f raw_p99_us=%.0f p50_vs_raw=%.2f failures=%d\n",
      o.mode.c_str(), o.sync ? 1 : 0, o.command_ids ? 1 : 0, o.clients, o.payload, o.rounds,
      static_cast<unsigned long long>(total), static_cast<unsigned long long>(batches),
      static_cast<unsigned long long>(batch), engine_eps, raw_eps, engine_eps / raw_eps,
      ceiling_side.Eps(), p50, p99, raw_p50, raw_p99, p50 / raw_p50, failures.load());
  return failures.load() == 0 ? 0 : 1;
}

}  // namespace jalon::bench
