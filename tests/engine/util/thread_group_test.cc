#include "engine/util/thread_group.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace jalon {
namespace {

// Each round calls every index once, on as many threads at once; threads
// are kept from one round to the next, and a round with fewer threads than
// the last leaves the others out.
TEST(ThreadGroupTest, EachRoundCallsEveryIndexOnceOnKeptThreads) {
  ThreadGroup group("test-group");
  std::mutex mu;
  std::set<std::thread::id> first_threads;
  for (size_t n : {8u, 3u, 1u, 8u, 12u, 0u, 5u}) {
    std::vector<int> calls(n, 0);
    std::set<std::thread::id> threads;
    std::atomic<size_t> inside{0}, most_inside{0};
    group.Run(n, [&](size_t i) {
      const size_t now = ++inside;
      size_t seen = most_inside.load();
      while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
      }
      // Long enough for every thread of the round to be inside at once.
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::lock_guard<std::mutex> lock(mu);
      ++calls[i];
      threads.insert(std::this_thread::get_id());
      --inside;
    });
    EXPECT_EQ(calls, std::vector<int>(n, 1)) << "round of " << n;
    EXPECT_EQ(threads.size(), n) << "round of " << n;
    if (n > 0) {
      EXPECT_TRUE(threads.contains(std::this_thread::get_id())) << "index 0 runs on the caller";
      EXPECT_EQ(most_inside.load(), n) << "round of " << n << " ran at once";
    }
    if (first_threads.empty()) {
      first_threads = threads;
    } else if (n == 8) {
      EXPECT_EQ(threads, first_threads) << "the same threads serve the second round of 8";
    }
  }
}

TEST(ThreadGroupTest, DestroyedWithIdleThreadsJoinsThem) {
  std::atomic<int> calls{0};
  {
    ThreadGroup group("test-group");
    group.Run(4, [&](size_t) { ++calls; });
    group.Run(2, [&](size_t) { ++calls; });
  }
  EXPECT_EQ(calls.load(), 6);
}

}  // namespace
}  // namespace jalon
