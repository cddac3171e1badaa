// SIGKILLs an appending child at random moments. After each kill the log
// reopens, every acknowledged event is present with the same hash (so the
// same bytes), positions have no gaps, and the chain verifies.
//
// JALON_CRASH_KILLS=N runs N kills instead of the default 20 (the long mode).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "tests/test_util.h"

#ifndef JALON_CRASH_APPENDER
#error "JALON_CRASH_APPENDER must name the crash_appender binary"
#endif

namespace jalon {
namespace {

struct Acked {
  std::string hash_hex;
  std::string command_id;
};

// Starts the child, lets it append for `run_for` after it reported ready,
// SIGKILLs it, and returns its acknowledged lines. The delay counts from
// "ready": opening the log can take longer than the whole window in the
// sanitizer build on a loaded machine, and a kill before any append tests
// nothing.
std::vector<std::string> RunAndKill(const std::string& dir, int run,
                                    std::chrono::milliseconds run_for) {
  const std::string run_arg = std::to_string(run);  // no allocation after the fork
  int pipe_fd[2];
  EXPECT_EQ(pipe(pipe_fd), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fd[1], STDOUT_FILENO);
    close(pipe_fd[0]);
    close(pipe_fd[1]);
    execl(JALON_CRASH_APPENDER, "crash_appender", dir.c_str(), run_arg.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fd[1]);
  std::string output;
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = read(pipe_fd[0], buf, sizeof buf)) > 0) {
      std::lock_guard<std::mutex> lock(mu);
      output.append(buf, static_cast<size_t>(n));
      ready = output.find('\n') != std::string::npos;
      cv.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    ready = true;  // the child ended: nothing to wait for
    cv.notify_all();
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return ready; }))
        << "the child did not report ready";
  }
  std::this_thread::sleep_for(run_for);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  reader.join();
  close(pipe_fd[0]);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own; output: " << output.substr(0, 500);
  std::vector<std::string> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (!in.eof()) lines.push_back(line);  // the last line may be torn by the kill
  }
  return lines;
}

TEST(CrashTest, AckedEventsSurviveSigkill) {
  testing::TempDir dir;
  const char* env = std::getenv("JALON_CRASH_KILLS");
  const int kills = env != nullptr ? std::max(1, std::atoi(env)) : 20;
  std::mt19937 rng(20160101);
  std::uniform_int_distribution<int> delay_ms(30, 250);
  std::map<uint64_t, Acked> acked;
  uint64_t total_acked = 0;
  for (int run = 0; run < kills; ++run) {
    auto lines = RunAndKill(dir.path(), run, std::chrono::milliseconds(delay_ms(rng)));
    for (const auto& line : lines) {
      std::istringstream in(line);
      std::string word, hash, command;
      uint64_t position = 0;
      in >> word;
      if (word != "ack") continue;
      in >> position >> hash >> command;
      acked[position] = Acked{hash, command};
      ++total_acked;
    }
    SystemClock clock;
    auto log = testing::OpenLogOrDie(dir.path(), clock);
    ASSERT_NE(log, nullptr) << "reopen after kill " << run;
    const uint64_t head = log->Head().position;
    ASSERT_TRUE(acked.empty() || acked.rbegin()->first <= head)
        << "acknowledged position " << acked.rbegin()->first << " beyond head " << head;
    auto events = log->ReadRange(1, head);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    ASSERT_EQ(events->size(), head);
    for (const auto& [position, want] : acked) {
      const Event& e = (*events)[position - 1];
      ASSERT_EQ(e.position, position);
      ASSERT_EQ(ToHex(e.hash), want.hash_hex) << "position " << position << " changed";
      ASSERT_EQ(e.command_id, want.command_id);
    }
    VerifyReport r = log->Verify();
    ASSERT_TRUE(r.ok) << "after kill " << run << ": position " << r.first_bad_position << ": "
                      << r.reason;
  }
  EXPECT_GT(total_acked, 0u);
  RecordProperty("kills", kills);
  RecordProperty("acked_events", static_cast<int>(total_acked));
}

}  // namespace
}  // namespace jalon
