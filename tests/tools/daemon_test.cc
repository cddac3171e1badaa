// jalond and jalon as real processes: recovery is logged, SIGTERM and
// SIGINT end the daemon with code 0, and the CLI reports on the log.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/process_util.h"
#include "tests/raw_events.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using testing::ChildProcess;
using testing::MakeRequest;
using testing::TempDir;

using testing::kJalon;
using testing::kJalond;

class DaemonTest : public ::testing::TestWithParam<int> {
 protected:
  TempDir dir_;
};

TEST_P(DaemonTest, RecoversTheHeadAndExitsZeroOnSignal) {
  LogHead head;
  {
    SystemClock clock;
    auto log = testing::OpenLogOrDie(dir_.path(), clock);
    ASSERT_TRUE(log->Append(MakeRequest("test/DEJ", "a", 3)).ok());
    ASSERT_TRUE(log->Append(MakeRequest("test/DRH", "b", 2)).ok());
    head = log->Head();
  }
  ChildProcess daemon({kJalond, "--data", dir_.path(), "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(daemon.WaitForOutput("jalond running", std::chrono::seconds(30))) << daemon.output();
  EXPECT_NE(daemon.output().find("head_position=5 head_hash=" + ToHex(head.hash) + " events=5"),
            std::string::npos)
      << daemon.output();

  // While it runs, the local CLI is refused and told who holds the directory.
  ChildProcess locked({kJalon, "verify", "--data", dir_.path()});
  const int locked_status = locked.Wait();
  EXPECT_EQ(WEXITSTATUS(locked_status), 2);
  EXPECT_NE(locked.output().find("pid " + std::to_string(daemon.pid())), std::string::npos)
      << locked.output();

  kill(daemon.pid(), GetParam());
  const int status = daemon.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << daemon.output();
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(daemon.output().find("event log closed"), std::string::npos);

  ChildProcess verify({kJalon, "verify", "--data", dir_.path(), "--json"});
  EXPECT_EQ(WEXITSTATUS(verify.Wait()), 0) << verify.output();
  EXPECT_NE(verify.output().find("\"head_position\": 5"), std::string::npos) << verify.output();
  EXPECT_NE(verify.output().find(ToHex(head.hash)), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Signals, DaemonTest, ::testing::Values(SIGTERM, SIGINT),
                         [](const auto& info) {
                           return info.param == SIGTERM ? "Sigterm" : "Sigint";
                         });

TEST(DaemonConfigTest, BadConfigStopsTheStartNamingTheKey) {
  TempDir dir;
  const std::string path = dir.Sub("jalon.toml");
  std::ofstream(path) << "[storage]\ndata_dir = \"" << dir.Sub("data") << "\"\nretention = 3\n";
  ChildProcess daemon({kJalond, "--config", path, "--listen", "127.0.0.1:0"});
  const int status = daemon.Wait();
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(daemon.output().find(path + ":3: storage.retention: unknown key"), std::string::npos)
      << daemon.output();
}

// A flipped byte in an event far from the head: jalond still starts and
// serves reads, refuses writes with 503, and its log names the first bad
// position and the way out (verify, restore).
TEST(DaemonDamageTest, DamagedLogServesReadsRefusesWritesAndNamesThePosition) {
  TempDir dir;
  const std::string data = dir.Sub("data");
  const auto imported = testing::Jalon({"import", testing::kExample, "--data", data});
  ASSERT_EQ(imported.code, 0) << imported.output;
  {
    testing::RawEvents raw(data);
    std::string record = raw.Get(7);
    record.back() ^= 0x20;  // inside the record's stored hash
    raw.Put(7, record);
  }
  const std::string config = testing::WriteTestConfig(dir.Sub("jalon.toml"), data);
  testing::LiveDaemon daemon(kJalond, config, dir.Sub("jalond.log"));
  ASSERT_TRUE(daemon.serving()) << daemon.Log();
  const std::string log = daemon.Log();
  EXPECT_NE(log.find("damaged at position 7"), std::string::npos) << log;
  EXPECT_NE(log.find("jalon verify"), std::string::npos) << log;
  EXPECT_NE(log.find("jalon restore"), std::string::npos) << log;
  const std::string url = daemon.url();
  EXPECT_EQ(testing::CallJson("GET", url + "/v1/plans/DEJ", "t-admin").status, 200);
  const auto health = testing::CallJson("GET", url + "/healthz", "");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body["status"], "degraded");
  const auto write = testing::CallJson(
      "POST", url + "/v1/commands", "t-dej",
      R"({"type":"RecordMeasurement","data":{"direction":"DEJ","indicator":"I1","date":"2018-09-30","value":45}})");
  EXPECT_EQ(write.status, 503) << write.body.dump();
  const auto verify = testing::CallJson("GET", url + "/v1/verify", "t-admin");
  EXPECT_EQ(verify.body["ok"], false);
  EXPECT_EQ(verify.body["first_bad_position"], 7);
}

}  // namespace
}  // namespace jalon
