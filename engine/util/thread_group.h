// ThreadGroup: threads kept for work done in rounds, each round calling one
// function on several threads at once, each with its own index.
//
// The scheduler's passes are such rounds: 64 visits at a time, most of them
// waiting for a group commit. Creating and joining 64 threads per pass was
// about 5 % of a firing pass's CPU on a 2-core VM (jalon-bench jobs, perf),
// all of it before the first visit started.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jalon {

class ThreadGroup {
 public:
  // `name` names the threads (at most 15 characters, for top and perf).
  explicit ThreadGroup(std::string name) : name_(std::move(name)) {}
  // Joins the threads. REQUIRES: no Run in progress.
  ~ThreadGroup();
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;

  // Calls fn(0) on the calling thread and fn(1) ... fn(n - 1) on the
  // group's threads (started on first need, then kept), and returns once
  // every call has returned. fn must not throw. REQUIRES: one Run at a time.
  void Run(size_t n, const std::function<void(size_t)>& fn);

 private:
  // `seen`: the round before the first one this thread may take part in.
  void Loop(size_t index, uint64_t seen);

  const std::string name_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(size_t)>* job_ = nullptr;  // GUARDED_BY(mu_)
  size_t job_threads_ = 0;            // GUARDED_BY(mu_): threads 0 .. job_threads_ - 1 take part
  uint64_t round_ = 0;                // GUARDED_BY(mu_)
  size_t running_ = 0;                // GUARDED_BY(mu_)
  bool stopping_ = false;             // GUARDED_BY(mu_)
  std::vector<std::thread> threads_;  // thread i runs fn(i + 1); touched by Run only
};

inline ThreadGroup::~ThreadGroup() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

inline void ThreadGroup::Run(size_t n, const std::function<void(size_t)>& fn) {
  if (n == 0) return;
  uint64_t round;
  {
    std::lock_guard<std::mutex> lock(mu_);
    round = round_;  // the threads started below wait for the next round
  }
  while (threads_.size() < n - 1) {
    threads_.emplace_back([this, index = threads_.size(), round] {
      pthread_setname_np(pthread_self(), name_.c_str());
      Loop(index, round);
    });
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    job_ = &fn;
    job_threads_ = n - 1;
    running_ = n - 1;
    ++round_;
  }
  start_cv_.notify_all();
  fn(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return running_ == 0; });
  job_ = nullptr;
}

inline void ThreadGroup::Loop(size_t index, uint64_t seen) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    start_cv_.wait(lock, [&] { return stopping_ || round_ != seen; });
    if (stopping_) return;
    seen = round_;
    // A thread not needed this round waits for the next: Run returns only
    // once those taking part are done, so no round is missed by them.
    if (index >= job_threads_) continue;
    const std::function<void(size_t)>& fn = *job_;
    lock.unlock();
    fn(index + 1);
    lock.lock();
    if (--running_ == 0) done_cv_.notify_one();
  }
}

}  // namespace jalon
