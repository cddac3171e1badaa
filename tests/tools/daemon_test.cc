// jalond and jalon as real processes: recovery is logged, SIGTERM and
// SIGINT end the daemon with code 0, and the CLI reports on the log.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"

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

}  // namespace
}  // namespace jalon
