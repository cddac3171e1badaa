// `jalon-bench` as docs/benchmarks.md runs it, on tiny workloads: its result lines
// keep DESIGN.md's "Benchmark output" form (one `key=value` line per case,
// starting with `case=`, with `ratio=`), the append case measures the three
// sides it reports, and it leaves no database behind. The figures themselves
// are not asserted: performance is measured, not tested.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"

namespace jalon {
namespace {

using testing::RunResult;
using testing::RunToEnd;
using testing::TempDir;

const std::string kBench = std::string(JALON_BIN_DIR) + "/jalon-bench";

// The fields of the first output line that starts with `case=<name> `.
std::map<std::string, std::string> CaseLine(const std::string& output, const std::string& name) {
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("case=" + name + " ", 0) != 0) continue;
    std::map<std::string, std::string> fields;
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      const size_t eq = word.find('=');
      EXPECT_NE(eq, std::string::npos) << "not a key=value pair: " << word;
      if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    return fields;
  }
  ADD_FAILURE() << "no case=" << name << " line in:\n" << output;
  return {};
}

double Number(const std::map<std::string, std::string>& fields, const std::string& key) {
  auto it = fields.find(key);
  if (it == fields.end()) {
    ADD_FAILURE() << "no " << key << "=";
    return -1;
  }
  return std::stod(it->second);
}

TEST(BenchTest, AppendReportsEngineRawAndCeilingPerRoundAndCleansUp) {
  TempDir dir;
  RunResult run = RunToEnd({kBench, "--dir", dir.path(), "append", "--clients", "4", "--events",
                            "400", "--rounds", "2", "--payload", "50"});
  ASSERT_EQ(run.code, 0) << run.output;
  auto f = CaseLine(run.output, "append");
  EXPECT_EQ(f["clients"], "4");
  EXPECT_EQ(f["payload"], "50");
  EXPECT_EQ(f["rounds"], "2");
  EXPECT_EQ(f["events"], "400");
  EXPECT_EQ(f["failures"], "0");
  EXPECT_EQ(f["sync"], "1");
  // At most one group commit per append, and at least one per round.
  EXPECT_GE(Number(f, "batches"), 2);
  EXPECT_LE(Number(f, "batches"), 400);
  EXPECT_GE(Number(f, "batch_events"), 1);
  EXPECT_LE(Number(f, "batch_events"), 4);
  for (const char* key : {"engine_eps", "raw_eps", "ceiling_eps", "ratio", "p50_us", "p99_us"}) {
    EXPECT_GT(Number(f, key), 0) << key;
  }
  EXPECT_LE(Number(f, "p50_us"), Number(f, "p99_us"));
  EXPECT_NE(run.output.find("round 1/2: engine "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("round 2/2: engine "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("(synced writes of 4)"), std::string::npos) << run.output;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "databases left in " << dir.path();
}

TEST(BenchTest, ReplayReportsTheRatioAgainstARawScan) {
  TempDir dir;
  RunResult run = RunToEnd({kBench, "--dir", dir.path(), "replay", "--events", "3000"});
  ASSERT_EQ(run.code, 0) << run.output;
  auto f = CaseLine(run.output, "replay");
  EXPECT_EQ(f["events"], "3000");
  EXPECT_GT(Number(f, "engine_eps"), 0);
  EXPECT_GT(Number(f, "raw_eps"), 0);
  EXPECT_GT(Number(f, "ratio"), 0);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "databases left in " << dir.path();
}

TEST(BenchTest, SheetPreviewsAndAppliesEveryRowAndReportsTheRatio) {
  TempDir dir;
  RunResult run = RunToEnd({kBench, "--dir", dir.path(), "sheet", "--rows", "40", "--rounds", "1"});
  ASSERT_EQ(run.code, 0) << run.output;
  auto f = CaseLine(run.output, "sheet");
  EXPECT_EQ(f["rows"], "40");
  EXPECT_EQ(f["failures"], "0");
  for (const char* key : {"preview_ms", "apply_ms", "raw_batch_ms", "ratio", "bytes_xlsx"}) {
    EXPECT_GT(Number(f, key), 0) << key;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << "databases left in " << dir.path();
}

TEST(BenchTest, BadParametersAreRefusedNamingTheOption) {
  TempDir dir;
  RunResult zero = RunToEnd({kBench, "--dir", dir.path(), "append", "--clients", "0"});
  EXPECT_NE(zero.code, 0);
  EXPECT_NE(zero.output.find("--clients"), std::string::npos) << zero.output;
  RunResult word = RunToEnd({kBench, "--dir", dir.path(), "append", "--rounds", "many"});
  EXPECT_NE(word.code, 0);
  EXPECT_NE(word.output.find("--rounds"), std::string::npos) << word.output;
  EXPECT_EQ((zero.output + word.output).find("case=append"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace jalon
