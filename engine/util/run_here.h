// RunHere: calls an asynchronous operation and waits for its answer on the
// calling thread, running there the work the operation queues meanwhile.
//
// The asynchronous operations of Jalon (PlanService::ExecuteAsync, the HTTP
// routes that answer later) take a `run` that queues work on the caller's
// threads and a `done` that takes the answer. A caller without threads of
// its own (the CLI, a test, a synchronous wrapper) lends the one it has:
//
//   Result<Json> r = RunHere<Result<Json>>([&](auto run, auto done) {
//     service.ExecuteAsync(command, actor, std::move(run), std::move(done));
//   });
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

namespace jalon {

using RunFn = std::function<void(std::function<void()>)>;

template <typename T, typename Start>
T RunHere(Start&& start) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> work;
    std::optional<T> answer;
  };
  // Shared: a `run` kept by the operation after its answer must not queue
  // into a stack frame that is gone.
  auto shared = std::make_shared<Shared>();
  RunFn run = [shared](std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->work.push_back(std::move(fn));
    shared->cv.notify_one();
  };
  std::function<void(T)> done = [shared](T answer) {
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->answer.emplace(std::move(answer));
    shared->cv.notify_one();
  };
  start(std::move(run), std::move(done));
  std::unique_lock<std::mutex> lock(shared->mu);
  for (;;) {
    shared->cv.wait(lock, [&] { return shared->answer.has_value() || !shared->work.empty(); });
    if (!shared->work.empty()) {
      std::function<void()> fn = std::move(shared->work.front());
      shared->work.pop_front();
      lock.unlock();
      fn();
      lock.lock();
      continue;
    }
    return std::move(*shared->answer);
  }
}

}  // namespace jalon
