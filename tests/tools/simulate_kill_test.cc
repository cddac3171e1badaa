// `jalon demo simulate` SIGKILLed at random points of a simulated cycle, then
// run again until it completes: every expected occurrence is recorded exactly
// once, every reminder is issued once, every notice is delivered under one
// message id, and the chain verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "engine/log/payload.h"
#include "jobs/cycle/cycle.h"
#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"

namespace jalon {
namespace {

TEST(SimulateKillTest, KillsDuringACycleLoseNothingAndRepeatNothing) {
  testing::TempDir dir;
  const std::string config = dir.Sub("jalon.toml");
  std::ofstream(config) << "[delivery]\nmaildir = \"" << dir.Sub("mail") << "\"\n";
  const std::vector<std::string> args = {testing::kJalon, "demo",     "simulate",   "--data",
                                         dir.Sub("data"), "--config", config,       "--plans",
                                         JALON_DEMO_DIR,  "--from",   "2016-01-01", "--to",
                                         "2016-12-31"};
  std::mt19937 random(std::random_device{}());
  int kills = 0;
  for (; kills < 6; ++kills) {
    testing::ChildProcess run(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + random() % 550));
    kill(run.pid(), SIGKILL);
    const int status = run.Wait();
    if (WIFEXITED(status)) break;  // it finished before the kill
  }
  auto last = testing::RunToEnd(args);
  ASSERT_EQ(last.code, 0) << last.output;
  EXPECT_NE(last.output.find("Échéances :"), std::string::npos) << last.output;
  EXPECT_GE(kills, 1);

  SystemClock clock;
  auto log = testing::OpenLogOrDie(dir.Sub("data"), clock);
  ASSERT_TRUE(log->Verify().ok);

  std::map<std::string, int> occurrences, issued;                // "<stream> <id>" -> count
  std::map<std::string, Json> plans;                             // stream -> plan
  std::map<std::string, std::set<std::string>> notice_messages;  // "id#notice" -> message ids
  std::set<std::string> delivered_messages;
  ASSERT_TRUE(log->Scan(1,
                        [&](const Event& e) {
                          const Json p = DecodePayload(e.payload).value();
                          if (e.type == "PlanOpened") plans[e.stream] = p;
                          if (e.type == "OccurrenceFired" || e.type == "OccurrenceSkipped")
                            ++occurrences[e.stream + " " + p["occurrence"].get<std::string>()];
                          if (e.type == "ReminderIssued")
                            ++issued[e.stream + " " + p["reminder"].get<std::string>()];
                          if (e.type == "ReminderDelivered") {
                            delivered_messages.insert(p["message"].get<std::string>());
                            for (const Json& r : p["reminders"]) {
                              notice_messages[r["id"].get<std::string>() + "#" +
                                              std::to_string(r["notice"].get<int>())]
                                  .insert(p["message"].get<std::string>());
                            }
                          }
                          return true;
                        })
                  .ok());
  ASSERT_EQ(plans.size(), 5u);

  // Every occurrence due by the last simulated noon, exactly once.
  const Instant end = ParseInstant("2016-12-31T12:00:00Z").value();
  size_t expected = 0;
  for (const auto& [stream, plan] : plans) {
    for (const jobs::Occurrence& o : jobs::CycleOccurrences(plan, jobs::CycleOptions())) {
      if (o.fire_at > end) continue;
      ++expected;
      EXPECT_EQ(occurrences[stream + " " + o.id()], 1) << stream << " " << o.id();
    }
  }
  EXPECT_EQ(occurrences.size(), expected);
  EXPECT_EQ(expected, 5u * 2);  // two reviews in each plan by the end of 2016

  ASSERT_FALSE(issued.empty());
  for (const auto& [id, count] : issued) EXPECT_EQ(count, 1) << id;
  ASSERT_FALSE(notice_messages.empty());
  for (const auto& [notice, messages] : notice_messages)
    EXPECT_EQ(messages.size(), 1u) << notice << " went out under several message ids";
  // Every delivered message is in the maildir, once (one file per id).
  std::set<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(dir.Sub("mail/new")))
    files.insert(f.path().stem().string());
  for (const std::string& m : delivered_messages) EXPECT_TRUE(files.contains(m)) << m;
}

}  // namespace
}  // namespace jalon
