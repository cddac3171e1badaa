#include "tools/bench/bench.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace jalon::bench {

namespace fs = std::filesystem;

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

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

TempDir::TempDir(const std::string& base) {
  std::string tmpl = (fs::path(base) / "jalon-bench-XXXXXX").string();
  path = mkdtemp(tmpl.data());
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

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

std::string DirectionCode(int index) {
  char code[16];
  std::snprintf(code, sizeof code, "D%05d", index);
  return code;
}

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

}  // namespace jalon::bench
