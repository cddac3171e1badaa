// Damages a closed log's files on disk, the way a failing disk or a careless
// copy would: bits flipped in the write-ahead log and in a table file, the
// write-ahead log cut short or deleted. Each must be found and named, a
// read-only open must change no byte, a damaged log must refuse writes, and
// a torn last write (a crash mid-append, never acknowledged) must still open.
#include <gtest/gtest.h>
#include <rocksdb/db.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "engine/log/event_log.h"
#include "engine/log/head_witness.h"
#include "tests/test_util.h"

namespace jalon {
namespace {

namespace fs = std::filesystem;
using testing::Fingerprint;
using testing::FlipBit;
using testing::LargestFile;
using testing::MakeRequest;
using testing::OpenLogOrDie;
using testing::ReadFile;
using testing::TempDir;

class WalDamageTest : public ::testing::Test {
 protected:
  static constexpr uint64_t kEvents = 120;

  void SetUp() override {
    auto log = OpenLogOrDie(pristine_.path(), clock_);
    for (uint64_t i = 0; i < kEvents / 4; ++i) {
      ASSERT_TRUE(
          log->Append(MakeRequest("plan/W" + std::to_string(i % 3), std::to_string(i), 4)).ok());
      clock_.Advance(std::chrono::minutes(1));
      if (i + 2 == kEvents / 4) before_last_ = log->Head();
    }
    ASSERT_EQ(log->Head().position, kEvents);
  }

  // A fresh copy of the written log, to damage.
  std::string Copy() {
    const std::string dir = work_.Sub("copy" + std::to_string(++copies_));
    fs::copy(pristine_.path(), dir, fs::copy_options::recursive);
    return dir;
  }

  Result<std::unique_ptr<EventLog>> Open(const std::string& dir, bool read_only, bool allow_damaged,
                                         bool accept_loss = false) {
    EventLogOptions options;
    options.clock = &clock_;
    options.read_only = read_only;
    options.allow_damaged = allow_damaged;
    options.accept_loss = accept_loss;
    return EventLog::Open(dir, options);
  }

  // The checks every damaged copy must pass: a read-only open names the
  // damage and changes no byte; an ordinary open refuses; jalond's open
  // (allow_damaged) serves reads and refuses writes. Returns the damage.
  std::string ExpectRefusedAndUntouched(const std::string& dir, const std::string& what) {
    const auto before = Fingerprint(dir);
    std::string named;
    {
      auto looked = Open(dir, /*read_only=*/true, /*allow_damaged=*/true);
      if (looked.ok()) {
        EventLog& log = **looked;
        const VerifyReport chain = log.Verify();
        const Status files = log.VerifyFiles();
        named = !log.damage().ok() ? log.damage().message()
                : !chain.ok        ? chain.reason
                                   : files.message();
        EXPECT_TRUE(!log.damage().ok() || !chain.ok || !files.ok())
            << what << ": read-only open finds nothing wrong, head " << log.Head().position;
        EXPECT_FALSE(log.WriteHealth().ok()) << what;
      } else {
        EXPECT_TRUE(looked.status().IsCorruption()) << what << ": " << looked.status().ToString();
        named = looked.status().message();
      }
    }
    EXPECT_EQ(Fingerprint(dir), before) << what << ": a read-only open changed the directory";
    EXPECT_FALSE(named.empty()) << what;
    {
      auto served = Open(dir, /*read_only=*/false, /*allow_damaged=*/true);
      if (served.ok()) {
        EventLog& log = **served;
        const bool chain_ok = log.damage().ok() && log.Verify().ok && log.VerifyFiles().ok();
        if (log.damage().ok() && !chain_ok) log.RefuseWrites(Status::Corruption("found by verify"));
        auto write = log.Append(MakeRequest("plan/W0", "after-damage"));
        EXPECT_TRUE(write.status().IsUnavailable()) << what << ": " << write.status().ToString();
      }
    }
    return named;
  }

  TempDir pristine_, work_;
  int copies_ = 0;
  LogHead before_last_;
  SimulatedClock clock_{ParseInstant("2016-01-04T09:00:00Z").value()};
};

TEST_F(WalDamageTest, IntactLogMatchesItsWitnessAndAReadOnlyOpenChangesNothing) {
  auto witness = HeadWitness::Read(pristine_.path());
  ASSERT_TRUE(witness.ok()) << witness.status().ToString();
  ASSERT_TRUE(witness->has_value());
  EXPECT_EQ((*witness)->position, kEvents);
  const std::string dir = Copy();
  const auto before = Fingerprint(dir);
  {
    auto log = Open(dir, /*read_only=*/true, /*allow_damaged=*/true);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_TRUE((*log)->damage().ok()) << (*log)->damage().ToString();
    EXPECT_TRUE((*log)->Verify().ok);
    EXPECT_TRUE((*log)->VerifyFiles().ok());
    EXPECT_EQ((*log)->Head().position, kEvents);
  }
  EXPECT_EQ(Fingerprint(dir), before);
}

TEST_F(WalDamageTest, FlippedBitsAcrossTheWalAreNamedNeverAShorterHealthyLog) {
  const uint64_t size = fs::file_size(LargestFile(pristine_.path(), ".log"));
  ASSERT_GT(size, 4096u);
  for (uint64_t offset : {uint64_t{40}, size / 5, size / 3, size / 2, size * 3 / 4, size - 100}) {
    const std::string dir = Copy();
    ASSERT_TRUE(FlipBit(LargestFile(dir, ".log"), offset));
    const std::string what = "WAL bit at " + std::to_string(offset) + " of " + std::to_string(size);
    const std::string named = ExpectRefusedAndUntouched(dir, what);
    EXPECT_NE(named.find(".log"), std::string::npos) << what << ": " << named;
    EXPECT_NE(named.find("position " + std::to_string(kEvents)), std::string::npos)
        << what << ": the witness's position is not named: " << named;
    auto strict = Open(dir, /*read_only=*/false, /*allow_damaged=*/false);
    ASSERT_FALSE(strict.ok()) << what;
    EXPECT_TRUE(strict.status().IsCorruption()) << what;
    EXPECT_NE(strict.status().message().find("jalon repair"), std::string::npos)
        << strict.status().message();
  }
}

TEST_F(WalDamageTest, WalCutMidFileIsNamedAgainstTheWitness) {
  const std::string dir = Copy();
  const std::string wal = LargestFile(dir, ".log");
  fs::resize_file(wal, fs::file_size(wal) / 2);
  const std::string named = ExpectRefusedAndUntouched(dir, "WAL cut in half");
  EXPECT_NE(named.find("head witness"), std::string::npos) << named;
  EXPECT_NE(named.find("records position " + std::to_string(kEvents)), std::string::npos) << named;
  EXPECT_FALSE(Open(dir, /*read_only=*/false, /*allow_damaged=*/false).ok());
}

TEST_F(WalDamageTest, DeletedWalIsNamedAgainstTheWitness) {
  const std::string dir = Copy();
  fs::remove(LargestFile(dir, ".log"));
  const std::string named = ExpectRefusedAndUntouched(dir, "WAL deleted");
  EXPECT_NE(named.find("head witness"), std::string::npos) << named;
  EXPECT_FALSE(Open(dir, /*read_only=*/false, /*allow_damaged=*/false).ok());
}

// A crash in the middle of writing the last batch: its record is cut, it was
// never acknowledged, and the witness holds the batch before it.
TEST_F(WalDamageTest, TornFinalWriteOpensAtThePreviousBatch) {
  const std::string dir = Copy();
  const std::string wal = LargestFile(dir, ".log");
  fs::resize_file(wal, fs::file_size(wal) - 5);
  {
    auto w = HeadWitness::Open(dir);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->RecordAndSync(before_last_.position, before_last_.hash).ok());
  }
  auto log = Open(dir, /*read_only=*/false, /*allow_damaged=*/false);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->Head().position, before_last_.position);
  EXPECT_TRUE((*log)->Verify().ok);
  auto write = (*log)->Append(MakeRequest("plan/W0", "after-crash"));
  ASSERT_TRUE(write.ok()) << write.status().ToString();
  EXPECT_EQ(write->first_position, before_last_.position + 1);
}

TEST_F(WalDamageTest, FlippedBitsInATableFileAreNamed) {
  {
    // Flush every family into table files, as a long-running log has them.
    std::vector<std::string> names;
    ASSERT_TRUE(
        rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), pristine_.path(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (auto& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), pristine_.path(), cfs, &handles, &db).ok());
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), handles).ok());
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    delete db;
  }
  const uint64_t size = fs::file_size(LargestFile(pristine_.path(), ".sst"));
  for (uint64_t offset :
       {uint64_t{20}, size / 4, size / 2, size - 3}) {  // the last: the footer's magic
    const std::string dir = Copy();
    ASSERT_TRUE(FlipBit(LargestFile(dir, ".sst"), offset));
    const std::string what =
        "table bit at " + std::to_string(offset) + " of " + std::to_string(size);
    const std::string named = ExpectRefusedAndUntouched(dir, what);
    EXPECT_TRUE(named.find(".sst") != std::string::npos ||
                named.find("position") != std::string::npos)
        << what << ": " << named;
  }
}

TEST_F(WalDamageTest, AcceptLossCutsAtTheDamageAndReportsTheWitness) {
  const std::string dir = Copy();
  ASSERT_TRUE(FlipBit(LargestFile(dir, ".log"), fs::file_size(LargestFile(dir, ".log")) / 2));
  uint64_t recovered = 0;
  {
    auto log = Open(dir, /*read_only=*/false, /*allow_damaged=*/true, /*accept_loss=*/true);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    recovered = (*log)->Head().position;
    EXPECT_LT(recovered, kEvents);
    ASSERT_TRUE((*log)->witness_at_open().has_value());
    EXPECT_EQ((*log)->witness_at_open()->position, kEvents);
    EXPECT_FALSE((*log)->damage().ok());
    EXPECT_FALSE((*log)->wal_cut().empty());
    EXPECT_TRUE((*log)->Verify().ok);
    auto write = (*log)->Append(MakeRequest("system", "truncated"));
    ASSERT_TRUE(write.ok()) << write.status().ToString();
    EXPECT_EQ(write->first_position, recovered + 1);
  }
  // The witness moved on with the append: the log opens clean.
  auto log = Open(dir, /*read_only=*/false, /*allow_damaged=*/false);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->Head().position, recovered + 1);
}

TEST(HeadWitnessTest, ADamagedWitnessIsNamedAndATornSlotFallsBackToTheOther) {
  TempDir dir;
  Hash h{};
  h[0] = 7;
  {
    auto w = HeadWitness::Open(dir.path());
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->RecordAndSync(5, h).ok());
    ASSERT_TRUE((*w)->RecordAndSync(9, h).ok());
  }
  const std::string path = HeadWitness::PathIn(dir.path());
  auto read = HeadWitness::Read(dir.path());
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->position, 9u);
  // Sequence 2 went to slot 0: tear it, and slot 1 (position 5) is read.
  ASSERT_TRUE(FlipBit(path, 20));
  read = HeadWitness::Read(dir.path());
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ((*read)->position, 5u);
  ASSERT_TRUE(FlipBit(path, 64 + 20));
  read = HeadWitness::Read(dir.path());
  EXPECT_TRUE(read.status().IsCorruption());
}

}  // namespace
}  // namespace jalon
