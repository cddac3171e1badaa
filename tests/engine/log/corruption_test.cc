// Damages a closed log through raw RocksDB, the way a disk fault or an
// operator would, and checks that verify names the first bad position every
// time, and that a damaged log refuses writes.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include "engine/log/event_log.h"
#include "engine/log/format.h"
#include "tests/raw_events.h"
#include "tests/test_util.h"

namespace jalon {
namespace {

using testing::MakeRequest;
using testing::OpenLogOrDie;
using testing::RawEvents;
using testing::TempDir;

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = OpenLogOrDie(dir_.path(), clock_);
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(
          log->Append(MakeRequest("plan/S" + std::to_string(i % 2), std::to_string(i), 2)).ok());
      clock_.Advance(std::chrono::minutes(5));
    }
    ASSERT_EQ(log->Head().position, 10u);
  }

  VerifyReport VerifyDamaged() {
    auto log = OpenLogOrDie(dir_.path(), clock_, /*allow_damaged=*/true);
    return log->Verify();
  }

  TempDir dir_;
  SimulatedClock clock_{ParseInstant("2016-01-04T09:00:00Z").value()};
};

TEST_F(CorruptionTest, IntactLogVerifies) {
  VerifyReport r = VerifyDamaged();
  EXPECT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.head_position, 10u);
  EXPECT_EQ(r.events_checked, 10u);
}

TEST_F(CorruptionTest, FlippedByteAnywhereInARecordIsNamed) {
  std::string original;
  {
    RawEvents raw(dir_.path());
    original = raw.Get(7);
  }
  // Every 7th byte plus the first and the last: header, strings, payload,
  // prev_hash and hash all get hit.
  std::vector<size_t> offsets;
  for (size_t i = 0; i < original.size(); i += 7) offsets.push_back(i);
  offsets.push_back(original.size() - 1);
  for (size_t offset : offsets) {
    {
      RawEvents raw(dir_.path());
      std::string damaged = original;
      damaged[offset] = static_cast<char>(damaged[offset] ^ 0x20);
      raw.Put(7, damaged);
    }
    VerifyReport r = VerifyDamaged();
    EXPECT_FALSE(r.ok) << "offset " << offset;
    EXPECT_EQ(r.first_bad_position, 7u) << "offset " << offset << ": " << r.reason;
    EXPECT_EQ(r.head_position, 6u) << "offset " << offset;
  }
  {
    RawEvents raw(dir_.path());
    raw.Put(7, original);
  }
  EXPECT_TRUE(VerifyDamaged().ok);
}

TEST_F(CorruptionTest, DeletedEventIsAGapAtItsPosition) {
  {
    RawEvents raw(dir_.path());
    raw.Delete(4);
  }
  VerifyReport r = VerifyDamaged();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 4u);
  EXPECT_NE(r.reason.find("missing"), std::string::npos) << r.reason;
}

TEST_F(CorruptionTest, ReorderedEventsAreNamedAtTheFirstSwap) {
  {
    RawEvents raw(dir_.path());
    std::string three = raw.Get(3), six = raw.Get(6);
    raw.Put(3, six);
    raw.Put(6, three);
  }
  VerifyReport r = VerifyDamaged();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 3u);
  EXPECT_NE(r.reason.find("reordered"), std::string::npos) << r.reason;
}

TEST_F(CorruptionTest, TruncatedTailIsDetectedAgainstTheHead) {
  {
    RawEvents raw(dir_.path());
    raw.Delete(10);
  }
  VerifyReport r = VerifyDamaged();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 10u);
}

// A record past the head, written without its head (a restore mixed from
// two backups, say): the chain is fine up to the head, and the stray record
// after it is named.
TEST_F(CorruptionTest, RecordPastTheHeadIsNamed) {
  {
    RawEvents raw(dir_.path());
    raw.Put(11, raw.Get(10));
  }
  VerifyReport r = VerifyDamaged();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_position, 11u);
  EXPECT_NE(r.reason.find("goes on past"), std::string::npos) << r.reason;
}

TEST_F(CorruptionTest, DamagedLogRefusesToOpenForWritesAndPointsToVerify) {
  {
    RawEvents raw(dir_.path());
    std::string last = raw.Get(10);
    last[last.size() - 1] ^= 1;
    raw.Put(10, last);
  }
  EventLogOptions options;
  options.clock = &clock_;
  auto strict = EventLog::Open(dir_.path(), options);
  ASSERT_FALSE(strict.ok());
  EXPECT_TRUE(strict.status().IsCorruption());
  EXPECT_NE(strict.status().message().find("jalon verify"), std::string::npos);

  auto lenient = OpenLogOrDie(dir_.path(), clock_, /*allow_damaged=*/true);
  EXPECT_FALSE(lenient->WriteHealth().ok());
  auto write = lenient->Append(MakeRequest("plan/S0", "late"));
  EXPECT_TRUE(write.status().IsUnavailable()) << write.status().ToString();
  EXPECT_EQ(lenient->ReadRange(1, 3).value().size(), 3u);  // reads still work
}

// Large enough for Verify to split the chain into slices checked in
// parallel: damage at a slice boundary and deep in a later slice must still
// be named at the right position.
TEST(LargeLogCorruptionTest, ParallelVerifyNamesTheFirstBadPosition) {
  TempDir dir;
  SimulatedClock clock(ParseInstant("2016-01-04T09:00:00Z").value());
  constexpr uint64_t kEvents = 140000;
  {
    auto log = OpenLogOrDie(dir.path(), clock);
    for (uint64_t done = 0; done < kEvents; done += 2000) {
      ASSERT_TRUE(log->Append(MakeRequest("plan/BIG", std::to_string(done), 2000)).ok());
    }
    ASSERT_TRUE(log->Verify().ok);
  }
  auto verify = [&] {
    auto log = OpenLogOrDie(dir.path(), clock, /*allow_damaged=*/true);
    return log->Verify();
  };
  for (uint64_t position : {uint64_t{70001}, uint64_t{70000}, uint64_t{123456}, kEvents}) {
    std::string original;
    {
      RawEvents raw(dir.path());
      original = raw.Get(position);
      std::string damaged = original;
      damaged[damaged.size() / 2] ^= 0x01;
      raw.Put(position, damaged);
    }
    VerifyReport r = verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_bad_position, position) << r.reason;
    EXPECT_EQ(r.head_position, position - 1);
    {
      RawEvents raw(dir.path());
      raw.Put(position, original);
    }
  }
  {
    RawEvents raw(dir.path());
    raw.Delete(100000);
    raw.Delete(130000);
  }
  VerifyReport gap = verify();
  EXPECT_EQ(gap.first_bad_position, 100000u) << gap.reason;
}

}  // namespace
}  // namespace jalon
