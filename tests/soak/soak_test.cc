// The soak: jalond under a mixed workload for a configurable time, with
// random SIGKILLs and restarts, on a simulated clock running thirty days per
// second so that the scheduler fires reviews and issues reminders all along.
//
//   JALON_SOAK_SECONDS=1800 build/tests/soak/soak_tests   (tools/test: 20 s)
//
// JALON_SOAK_RATE caps the commands per second (default: as fast as three
// writers go), JALON_SOAK_KILL_SECONDS sets the gap between SIGKILLs
// (default: every 2 to 4 s).
//
// At the end: no acknowledged command is lost or doubled, no occurrence was
// recorded twice, the daemon's projection equals a fresh replay of the log up
// to the same position, and the chain verifies. RSS is sampled every second
// and printed (memory is reported, not asserted).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "engine/log/event_log.h"
#include "engine/log/payload.h"
#include "engine/util/time.h"
#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using nlohmann::json;
using testing::CallJson;
using testing::LiveDaemon;

using testing::ReadFile;

uint64_t RssKib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
  }
  return 0;
}

// Measurements need a date of their own (not one of the demo's), so writers
// alternate them with section edits, which any number of commands may make.
std::set<std::string> taken_dates;  // I2's measurement dates in the demo plan

// Measurement dates run through the ten years before the plan's period
// (where a measurement may lie and the demo has none); past them, writers
// only edit sections.
std::string Command(int k) {
  const Instant day = *ParseDate("2006-01-01") + std::chrono::days(k / 2);
  const std::string date = FormatDate(day);
  if (k % 2 == 0 || taken_dates.contains(date) || day >= *ParseDate("2016-01-01")) {
    return json{{"type", "EditSection"},
                {"data",
                 {{"direction", "DEJ"},
                  {"section", "history"},
                  {"text", "Historique, version " + std::to_string(k)}}}}
        .dump();
  }
  return json{
      {"type", "RecordMeasurement"},
      {"data", {{"direction", "DEJ"}, {"indicator", "I2"}, {"date", date}, {"value", k % 50}}}}
      .dump();
}

TEST(SoakTest, MixedLoadWithKillsLosesNothingAndMatchesAReplay) {
  auto knob = [](const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
  };
  const int seconds = std::max(5, knob("JALON_SOAK_SECONDS", 20));
  // Commands per second over all writers (0: as fast as they go), and the
  // shortest gap between two SIGKILLs (the longest is about 1.5 times it).
  const int rate = std::max(0, knob("JALON_SOAK_RATE", 0));
  const int kill_gap = std::max(1, knob("JALON_SOAK_KILL_SECONDS", 2));
  testing::TempDir dir;
  const std::string config = testing::WriteTestConfig(
      dir.Sub("jalon.toml"), dir.Sub("data"), {},
      "[scheduler]\nenabled = true\nperiod_ms = 100\n[delivery]\nchannel = \"maildir\"\n"
      "maildir = \"" +
          dir.Sub("mail") + "\"\n");
  auto start = [&] {
    // Thirty days per second from the day after the demo plan's last
    // measurement (an import comes after the history it holds); a restart
    // resumes at the log's head.
    return std::make_unique<LiveDaemon>(
        testing::kJalond, config, dir.Sub("jalond.log"),
        std::vector<std::string>{"--clock-start", "2018-07-01T07:00:00Z", "--clock-speed",
                                 "2592000"});
  };
  auto daemon = start();
  ASSERT_TRUE(daemon->serving()) << daemon->Log();
  ASSERT_EQ(CallJson("POST", daemon->url() + "/v1/import", "t-admin",
                     ReadFile(std::string(JALON_DEMO_DIR) + "/DEJ.json"))
                .status,
            201);

  const json demo = json::parse(ReadFile(std::string(JALON_DEMO_DIR) + "/DEJ.json"));
  for (const json& i : demo["indicators"]) {
    if (i["id"] != "I2") continue;
    for (const json& m : i["measurements"]) taken_dates.insert(m["date"].get<std::string>());
  }
  ASSERT_FALSE(taken_dates.empty());

  std::mutex mu;
  std::string url = daemon->url();  // GUARDED_BY(mu)
  std::map<int, uint64_t> acked;    // GUARDED_BY(mu): command -> position
  std::set<int> unanswered;         // GUARDED_BY(mu)
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, read_errors{0}, refused{0};
  std::string first_refusal;  // GUARDED_BY(mu)
  std::vector<std::thread> threads;
  auto current_url = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return url;
  };
  std::atomic<int> next{0};  // command numbers, each used once
  for (int c = 0; c < 3; ++c) {
    threads.emplace_back([&] {
      const auto pace = std::chrono::microseconds(rate > 0 ? 3000000 / rate : 0);
      auto due = std::chrono::steady_clock::now();
      while (!stop) {
        if (rate > 0) {
          due += pace;
          std::this_thread::sleep_until(due);
        }
        const int k = next++;
        auto r = CallJson("POST", current_url() + "/v1/commands", "t-dej", Command(k),
                          "soak-" + std::to_string(k), std::chrono::seconds(10));
        std::lock_guard<std::mutex> lock(mu);
        if (r.status == 201 || r.status == 200) {
          acked[k] = r.body["position"];
        } else if (r.status == 0 || r.status == 503) {
          unanswered.insert(k);  // killed mid-request, or not up yet
          mu.unlock();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          mu.lock();
        } else {
          if (refused++ == 0) first_refusal = std::to_string(r.status) + " " + r.body.dump();
        }
      }
    });
  }
  for (int c = 0; c < 2; ++c) {
    threads.emplace_back([&, c] {
      const char* paths[] = {"/v1/plans/DEJ/dashboard", "/v1/plans/DEJ/history?entity=indicator/I1",
                             "/v1/reminders", "/v1/schedule?direction=DEJ", "/v1/plans/DEJ"};
      for (int i = 0; !stop; ++i) {
        auto r = CallJson("GET", current_url() + paths[(i + c) % 5], "t-admin");
        ++reads;
        if (r.status != 200 && r.status != 0) ++read_errors;
      }
    });
  }

  std::mt19937 rng(20161216);
  std::vector<std::pair<int, uint64_t>> rss;  // (second, KiB)
  int kills = 0;
  const auto begin = std::chrono::steady_clock::now();
  auto next_kill = begin + std::chrono::seconds(kill_gap + rng() % (kill_gap / 2 + 2));
  for (int second = 0;; ++second) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    rss.emplace_back(second, RssKib(daemon->pid()));
    const auto now = std::chrono::steady_clock::now();
    if (now - begin >= std::chrono::seconds(seconds)) break;
    if (now >= next_kill) {
      daemon->Kill(SIGKILL);
      ++kills;
      daemon = start();
      ASSERT_TRUE(daemon->serving()) << daemon->Log();
      {
        std::lock_guard<std::mutex> lock(mu);
        url = daemon->url();
      }
      next_kill = now + std::chrono::seconds(kill_gap + rng() % (kill_gap / 2 + 2));
    }
  }
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused.load(), 0) << "commands refused for another reason than a kill, first: "
                               << first_refusal;
  EXPECT_EQ(read_errors.load(), 0);

  // Unanswered commands, retried with their key, land once.
  for (int k : unanswered) {
    auto r =
        CallJson("POST", url + "/v1/commands", "t-dej", Command(k), "soak-" + std::to_string(k));
    ASSERT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body.dump();
  }
  // The live projection and the chain, over HTTP, then a clean stop.
  const json live = CallJson("GET", url + "/v1/plans/DEJ", "t-admin").body;
  const json verify = CallJson("GET", url + "/v1/verify", "t-admin").body;
  EXPECT_EQ(verify["ok"], true) << verify.dump();
  ASSERT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0) << daemon->Log();

  // The log, read directly (a long soak holds too many events to page
  // through HTTP): each command key once, each occurrence once.
  std::map<std::string, int> commands, occurrences;
  uint64_t events = 0;
  {
    SystemClock clock;
    auto log = testing::OpenLogOrDie(dir.Sub("data"), clock);
    Status scanned = log->Scan(1, [&](const Event& e) {
      ++events;
      if (e.command_id.starts_with("soak-")) ++commands[e.command_id];
      if (e.type == "OccurrenceFired" || e.type == "OccurrenceSkipped") {
        auto data = DecodePayload(e.payload);
        EXPECT_TRUE(data.ok()) << "position " << e.position;
        if (data.ok()) ++occurrences[e.stream + " " + (*data)["occurrence"].get<std::string>()];
      }
      return true;
    });
    ASSERT_TRUE(scanned.ok()) << scanned.ToString();
  }
  for (const auto& [k, position] : acked)
    EXPECT_EQ(commands["soak-" + std::to_string(k)], 1) << "acknowledged command " << k;
  for (const auto& [id, n] : commands) EXPECT_EQ(n, 1) << id;
  for (const auto& [id, n] : occurrences) EXPECT_EQ(n, 1) << id << " recorded " << n << " times";
  EXPECT_FALSE(occurrences.empty()) << "the scheduler should have fired in simulated years";

  // The live projection equals a fresh replay to the same position.
  auto replayed =
      testing::Jalon({"show", "DEJ", "--json", "--position",
                      std::to_string(live["position"].get<uint64_t>()), "--data", dir.Sub("data")});
  ASSERT_EQ(replayed.code, 0) << replayed.output;
  EXPECT_EQ(json::parse(replayed.output), live) << "the daemon's projection differs from a replay";

  // RSS: every second in a short run, every minute in a long one.
  std::string series;
  const size_t step = rss.size() > 120 ? 60 : 1;
  uint64_t low = UINT64_MAX, high = 0;
  for (size_t i = 0; i < rss.size(); ++i) {
    const auto& [s, kib] = rss[i];
    if (kib > 0) low = std::min(low, kib), high = std::max(high, kib);
    if (i % step == 0 || i + 1 == rss.size())
      series += " " + std::to_string(s) + "s:" + std::to_string(kib / 1024);
  }
  uintmax_t bytes = 0;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir.Sub("data")))
    if (f.is_regular_file()) bytes += f.file_size();
  std::cout << "soak: " << seconds << " s, " << kills << " SIGKILLs, " << acked.size()
            << " commands acknowledged, " << unanswered.size() << " retried, " << reads.load()
            << " reads, " << occurrences.size() << " occurrences recorded, " << events
            << " events in the log (" << (bytes >> 20) << " MiB on disk)\n"
            << "soak: RSS MiB from " << (low == UINT64_MAX ? 0 : low / 1024) << " to "
            << high / 1024 << "; over time:" << series << "\n";
}

}  // namespace
}  // namespace jalon
