// A damaged write-ahead log seen through the tools, as an operator meets
// it: `jalon verify` names the damage and changes no byte of what it
// checks; jalond starts read-only (reads served, writes 503, /healthz
// degraded, no scheduler); `jalon repair --accept-loss` is the only way to
// cut the log, and the cut is recorded in the log itself.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/log/payload.h"
#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Fingerprint;
using testing::FlipBit;
using testing::Jalon;
using testing::kExample;
using testing::kJalond;
using testing::LargestFile;
using testing::ReadFile;
using testing::TempDir;

std::string Measurement(int k) {
  return json{{"type", "RecordMeasurement"},
              {"command_id", "m-" + std::to_string(k)},
              {"data",
               {{"direction", "DEJ"},
                {"indicator", "I1"},
                {"date", "2018-0" + std::to_string(1 + k % 9) + "-1" + std::to_string(k % 10)},
                {"value", k}}}}
      .dump();
}

class WalDamageToolsTest : public ::testing::Test {
 protected:
  // The example plan, put into table files by a second open, then a few
  // commands in one process, which stay in the write-ahead log.
  void SetUp() override {
    auto imported = Jalon({"import", kExample, "--data", Data()});
    ASSERT_EQ(imported.code, 0) << imported.output;
    auto replayed = Jalon({"replay", "--data", Data()});
    ASSERT_EQ(replayed.code, 0) << replayed.output;
    SimulatedClock clock(ParseInstant("2018-10-01T09:00:00Z").value());
    EventLogOptions options;
    options.clock = &clock;
    auto log = EventLog::Open(Data(), options);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    base_ = (*log)->Head().position;
    for (int i = 0; i < 20; ++i) {
      AppendRequest r =
          testing::MakeRequest("notes/" + std::to_string(i % 3), "n" + std::to_string(i), 3);
      ASSERT_TRUE((*log)->Append(std::move(r)).ok());
    }
    head_ = (*log)->Head().position;
  }
  std::string Data() const { return dir_.Sub("data"); }

  TempDir dir_;
  uint64_t base_ = 0, head_ = 0;
};

TEST_F(WalDamageToolsTest, VerifyOfAnIntactLogChangesNoByte) {
  const auto before = Fingerprint(Data());
  auto verify = Jalon({"verify", "--data", Data(), "--json"});
  ASSERT_EQ(verify.code, 0) << verify.output;
  const json out = json::parse(verify.output);
  EXPECT_EQ(out["head_position"], head_);
  EXPECT_EQ(out["witness_position"], head_);
  EXPECT_EQ(Fingerprint(Data()), before);
}

TEST_F(WalDamageToolsTest, VerifyNamesAFlippedWalBitAndChangesNoByte) {
  ASSERT_TRUE(
      FlipBit(LargestFile(Data(), ".log"), fs::file_size(LargestFile(Data(), ".log")) / 2, 0x04));
  const auto before = Fingerprint(Data());
  for (int pass = 0; pass < 2; ++pass) {  // the second look finds the same
    auto verify = Jalon({"verify", "--data", Data(), "--json"});
    EXPECT_EQ(verify.code, 1) << verify.output;
    const json out = json::parse(verify.output);
    EXPECT_EQ(out["ok"], false);
    EXPECT_EQ(out["witness_position"], head_);
    EXPECT_LT(out["head_position"].get<uint64_t>(), head_);
    EXPECT_EQ(out["first_bad_position"], out["head_position"].get<uint64_t>() + 1);
    EXPECT_NE(out["reason"].get<std::string>().find("records position " + std::to_string(head_)),
              std::string::npos)
        << out.dump();
    EXPECT_TRUE(out.contains("wal_damage")) << out.dump();
    EXPECT_EQ(Fingerprint(Data()), before) << "pass " << pass;
  }
  auto text = Jalon({"verify", "--data", Data()});
  EXPECT_NE(text.output.find("DAMAGED"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("jalon repair --data"), std::string::npos) << text.output;
}

TEST_F(WalDamageToolsTest, JalondOnADamagedWalStartsReadOnly) {
  ASSERT_TRUE(
      FlipBit(LargestFile(Data(), ".log"), fs::file_size(LargestFile(Data(), ".log")) / 2, 0x04));
  const std::string config = testing::WriteTestConfig(
      dir_.Sub("jalon.toml"), Data(), {}, "[scheduler]\nenabled = true\nperiod_ms = 50\n");
  testing::LiveDaemon daemon(kJalond, config, dir_.Sub("jalond.log"));
  ASSERT_TRUE(daemon.serving()) << daemon.Log();
  const std::string log = daemon.Log();
  EXPECT_NE(log.find("DAMAGED"), std::string::npos) << log;
  EXPECT_NE(log.find("records position " + std::to_string(head_)), std::string::npos) << log;
  EXPECT_NE(log.find("jalon repair"), std::string::npos) << log;
  EXPECT_NE(log.find("scheduler not started"), std::string::npos) << log;
  const std::string url = daemon.url();
  EXPECT_EQ(testing::CallJson("GET", url + "/v1/plans/DEJ", "t-admin").status, 200);
  const auto health = testing::CallJson("GET", url + "/healthz", "");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body["status"], "degraded");
  const auto write = testing::CallJson("POST", url + "/v1/commands", "t-dej", Measurement(1));
  EXPECT_EQ(write.status, 503) << write.body.dump();
}

TEST_F(WalDamageToolsTest, RepairIsExplicitAndRecordsTheLoss) {
  ASSERT_TRUE(
      FlipBit(LargestFile(Data(), ".log"), fs::file_size(LargestFile(Data(), ".log")) / 2, 0x04));
  const auto before = Fingerprint(Data());
  auto refused = Jalon({"repair", "--data", Data()});
  EXPECT_EQ(refused.code, 2) << refused.output;
  EXPECT_NE(refused.output.find("--accept-loss: required"), std::string::npos) << refused.output;
  EXPECT_EQ(Fingerprint(Data()), before);

  auto repaired = Jalon({"repair", "--data", Data(), "--accept-loss", "--json"});
  ASSERT_EQ(repaired.code, 0) << repaired.output;
  const json out = json::parse(repaired.output);
  const uint64_t recovered = out["recovered_position"];
  EXPECT_LT(recovered, head_);
  EXPECT_GE(recovered, base_);
  EXPECT_EQ(out["witness_position"], head_);
  EXPECT_EQ(out["lost_events"], head_ - recovered);
  EXPECT_EQ(out["recorded_at_position"], recovered + 1);

  auto verify = Jalon({"verify", "--data", Data(), "--json"});
  EXPECT_EQ(verify.code, 0) << verify.output;
  EXPECT_EQ(json::parse(verify.output)["head_position"], recovered + 1);
  {
    SystemClock clock;
    EventLogOptions options;
    options.clock = &clock;
    auto log = EventLog::Open(Data(), options);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto events = (*log)->ReadRange(recovered + 1, 1);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 1u);
    const Event& e = events->front();
    EXPECT_EQ(e.stream, "system");
    EXPECT_EQ(e.type, "LogTruncated");
    auto payload = DecodePayload(e.payload);
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ((*payload)["witness_position"], head_);
    EXPECT_EQ((*payload)["recovered_position"], recovered);
    EXPECT_EQ((*payload)["lost_events"], head_ - recovered);
  }
  auto again = Jalon({"repair", "--data", Data(), "--accept-loss"});
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("Nothing to repair"), std::string::npos) << again.output;
}

}  // namespace
}  // namespace jalon
