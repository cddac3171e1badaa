// Many threads race with expected versions: exactly the right ones win and
// versions stay dense.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "tests/test_util.h"

namespace jalon {
namespace {

using testing::MakeRequest;
using testing::OpenLogOrDie;
using testing::TempDir;

TEST(ConcurrencyTest, RacingWritersOnOneStreamWinExactlyOncePerVersion) {
  TempDir dir;
  SystemClock clock;
  auto log = OpenLogOrDie(dir.path(), clock);
  constexpr int kThreads = 16, kAttempts = 40;
  std::atomic<int> wins{0}, conflicts{0};
  std::mutex mu;
  std::set<uint64_t> won_versions;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttempts; ++i) {
        const uint64_t seen = log->StreamVersion("plan/SHARED").value();
        auto r = log->Append(MakeRequest("plan/SHARED", std::to_string(t) + "-" + std::to_string(i),
                                         1 + i % 2, seen));
        if (r.ok()) {
          ASSERT_EQ(r->first_version, seen + 1);
          wins.fetch_add(1);
          std::lock_guard<std::mutex> lock(mu);
          for (uint64_t v = r->first_version; v <= r->last_version(); ++v) {
            ASSERT_TRUE(won_versions.insert(v).second) << "version " << v << " won twice";
          }
        } else {
          ASSERT_TRUE(r.status().IsConflict()) << r.status().ToString();
          conflicts.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins + conflicts, kThreads * kAttempts);
  EXPECT_GT(conflicts.load(), 0);  // the race really happened
  const uint64_t version = log->StreamVersion("plan/SHARED").value();
  EXPECT_EQ(won_versions.size(), version);
  EXPECT_EQ(*won_versions.rbegin(), version);
  auto events = log->ReadStream("plan/SHARED", 1, 100000).value();
  ASSERT_EQ(events.size(), version);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].version, i + 1);
  EXPECT_EQ(log->Stats().conflicts, static_cast<uint64_t>(conflicts.load()));
  EXPECT_TRUE(log->Verify().ok);
}

TEST(ConcurrencyTest, WritersOnTheirOwnStreamsAllSucceed) {
  TempDir dir;
  SystemClock clock;
  auto log = OpenLogOrDie(dir.path(), clock);
  constexpr int kThreads = 12, kAppends = 30;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string stream = "plan/D" + std::to_string(t);
      uint64_t version = 0;
      for (int i = 0; i < kAppends; ++i) {
        auto r = log->Append(MakeRequest(stream, stream + "/" + std::to_string(i), 2, version));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        ASSERT_EQ(r->first_version, version + 1);
        version = r->last_version();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(log->Head().position, static_cast<uint64_t>(kThreads * kAppends * 2));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(log->StreamVersion("plan/D" + std::to_string(t)).value(),
              static_cast<uint64_t>(kAppends * 2));
  }
  // Positions are gapless across all streams.
  auto all = log->ReadRange(1, 1000000).value();
  for (size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].position, i + 1);
  EXPECT_TRUE(log->Verify().ok);
}

// Threads send the same command ids at the same moment, so that a replay
// arrives while its first append is sealed but not yet written (in flight
// in the group-commit pipeline), as well as after. Each id must be appended
// once, and every answer must name the same positions.
TEST(ConcurrencyTest, CommandIdsRacingAcrossBatchesAppendOnce) {
  TempDir dir;
  SystemClock clock;
  auto log = OpenLogOrDie(dir.path(), clock);
  constexpr int kThreads = 16, kIds = 60;
  std::vector<std::vector<AppendResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIds; ++i) {
        auto r = log->Append(
            MakeRequest("plan/R" + std::to_string(i % 4), "cmd-" + std::to_string(i), 2));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        results[static_cast<size_t>(t)].push_back(*r);
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(log->Head().position, static_cast<uint64_t>(kIds * 2));
  for (int i = 0; i < kIds; ++i) {
    int fresh = 0;
    for (int t = 0; t < kThreads; ++t) {
      const AppendResult& r = results[static_cast<size_t>(t)][static_cast<size_t>(i)];
      EXPECT_EQ(r.first_position, results[0][static_cast<size_t>(i)].first_position) << "cmd-" << i;
      EXPECT_EQ(r.count, 2u);
      fresh += r.replayed ? 0 : 1;
    }
    EXPECT_EQ(fresh, 1) << "cmd-" << i;
  }
  EXPECT_EQ(log->Stats().replays, static_cast<uint64_t>((kThreads - 1) * kIds));
  // Every stored event belongs to the command its position was answered for.
  auto all = log->ReadRange(1, 1000).value();
  for (int i = 0; i < kIds; ++i) {
    const uint64_t first = results[0][static_cast<size_t>(i)].first_position;
    EXPECT_EQ(all[first - 1].command_id, "cmd-" + std::to_string(i));
    EXPECT_EQ(all[first].command_id, "cmd-" + std::to_string(i));
  }
  EXPECT_TRUE(log->Verify().ok);
}

}  // namespace
}  // namespace jalon
