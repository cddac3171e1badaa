// Child process of crash_test: appends forever from several threads and
// prints one line per acknowledged event, after the ack:
//   ack <position> <hash hex> <command_id>
// The parent kills it with SIGKILL at random moments.
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/log/event_log.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_appender DIR RUN\n");
    return 2;
  }
  const std::string dir = argv[1], run = argv[2];
  jalon::SystemClock clock;
  jalon::EventLogOptions options;
  options.clock = &clock;
  auto log = jalon::EventLog::Open(dir, options);
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n", log.status().ToString().c_str());
    return 1;
  }
  std::printf("ready %llu\n", static_cast<unsigned long long>((*log)->Head().position));
  std::fflush(stdout);
  std::mutex out_mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0;; ++i) {
        jalon::AppendRequest req;
        req.stream = "crash/" + std::to_string(t);
        req.command_id = run + "-" + std::to_string(t) + "-" + std::to_string(i);
        req.actor = "crash";
        const int n = 1 + static_cast<int>(i % 3);
        for (int k = 0; k < n; ++k) {
          req.events.push_back(
              {"Crashed", 1, clock.Now(), req.command_id + "/" + std::to_string(k)});
        }
        auto r = (*log)->Append(std::move(req));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
          std::_Exit(1);
        }
        auto events = (*log)->ReadRange(r->first_position, r->count);
        if (!events.ok()) std::_Exit(1);
        std::lock_guard<std::mutex> lock(out_mu);
        for (const auto& e : *events) {
          std::printf("ack %llu %s %s\n", static_cast<unsigned long long>(e.position),
                      jalon::ToHex(e.hash).c_str(), e.command_id.c_str());
        }
        std::fflush(stdout);
      }
    });
  }
  for (auto& t : threads) t.join();
}
