// jalon-bench replay: reading, decoding and verifying the whole hash chain
// against a plain RocksDB scan of the same column family.
#include <rocksdb/db.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/log/event_log.h"
#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

namespace jalon::bench {

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
    const auto start = SteadyClock::now();
    jalon::VerifyReport r = (*log)->Verify();
    engine_s = Seconds(SteadyClock::now() - start);
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
    const auto start = SteadyClock::now();
    uint64_t bytes = 0;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, events_cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->key().size() + it->value().size() + static_cast<uint8_t>(it->value()[0]);
      ++raw_count;
    }
    raw_s = Seconds(SteadyClock::now() - start);
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

}  // namespace jalon::bench
