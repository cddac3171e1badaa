// What the benchmarks of jalon-bench share: a scratch directory, timing,
// percentiles, the process's resource usage and the machine line.
//
// Every benchmark prints one `key=value` line per case on stdout, starting
// with `case=` (DESIGN.md, "Benchmark output"), and its progress on stderr.
// Its entry point returns the process's exit code: 0 when the run completed
// without a failed append or read, 1 otherwise. A benchmark is not a test:
// on a setup error (cannot open a database) it prints why and exits.
//
// Nothing here is thread-safe unless said so; the benchmarks own their
// threads.
#pragma once

#include <rocksdb/db.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace jalon::bench {

// Wall time of the measurements, apart from the engine's jalon::Clock.
using SteadyClock = std::chrono::steady_clock;

double Seconds(SteadyClock::duration d);

// "case=machine cpu=... cores=... kernel=...".
std::string MachineLine();

// A fresh directory under `base`, removed with all it holds on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& base);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path;
};

// The value at fraction `p` (0 to 1) of `v`, which it sorts; 0 when empty.
double Percentile(std::vector<double>& v, double p);

// `n` letters from a seeded generator: the same bytes for the same seed.
std::string RandomBytes(size_t n, uint64_t seed);

// "D00042": the code of the generated direction `index`.
std::string DirectionCode(int index);

// Waits for RocksDB's background compactions to end (and gives a compaction
// that was just made due the time to be scheduled), so that a measurement
// after a bulk load does not share the two cores with the compaction of that
// load. Both sides of a comparison are measured after it. `db` is borrowed
// for the call.
void Settle(rocksdb::DB* db);

// What the whole process (every thread) has used so far.
struct Usage {
  double cpu_s = 0;  // user and system time
  double sys_s = 0;  // system time alone
  long faults = 0;   // page faults (minor and major): fresh memory, files mapped in
};
Usage UsageNow();
Usage UsageSince(const Usage& before);
double CpuSeconds();
// The process's resident set (VmRSS), in KiB.
uint64_t ResidentKiB();

}  // namespace jalon::bench
