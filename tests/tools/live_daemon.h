// A real jalond for the tests: started on 127.0.0.1 with a free port, its
// output in a file (so that a busy daemon never blocks on a full pipe), and
// a small JSON client over libcurl.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/util/sha256.h"
#include "engine/util/time.h"
#include "jobs/net/http_client.h"

namespace jalon::testing {

// Tokens of the test config, one per role: "t-<role>" (e.g. t-admin, t-dej).
// `server` adds keys to [server]; `tables` adds tables. The scheduler is off
// unless `tables` sets [scheduler], so that only the tests of the scheduler
// see it write.
inline std::string WriteTestConfig(const std::string& path, const std::string& data_dir,
                                   const std::string& server = {},
                                   const std::string& tables = "[scheduler]\nenabled = false\n") {
  std::ofstream out(path);
  out << "[server]\nlisten = \"127.0.0.1:0\"\n"
      << server << "\n[storage]\ndata_dir = \"" << data_dir << "\"\n"
      << tables << "\n";
  const std::pair<const char*, const char*> tokens[] = {{"t-admin", "admin"},
                                                        {"t-steering", "steering"},
                                                        {"t-auditor", "auditor"},
                                                        {"t-dej", "direction:DEJ"},
                                                        {"t-drh", "direction:DRH"}};
  for (const auto& [token, role] : tokens) {
    out << "[[tokens]]\nname = \"" << token << "\"\nrole = \"" << role << "\"\nsha256 = \""
        << ToHex(Sha256(token)) << "\"\n";
  }
  return path;
}

class LiveDaemon {
 public:
  // Starts `jalond --config config` with its output appended to `log_path`,
  // and waits until it serves.
  LiveDaemon(const std::string& jalond, const std::string& config, std::string log_path,
             std::vector<std::string> extra_args = {})
      : log_path_(std::move(log_path)) {
    offset_ = Log().size();
    // Built before the fork: the child of a threaded process may only make
    // async-signal-safe calls until exec (see ChildProcess).
    std::vector<std::string> args = {jalond, "--config", config};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string out = Log().substr(offset_);
      const size_t at = out.find("serving http://127.0.0.1:");
      if (at != std::string::npos) {
        port_ = std::atoi(out.c_str() + at + 25);
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~LiveDaemon() {
    if (!exited_) Kill(SIGKILL);
  }
  LiveDaemon(const LiveDaemon&) = delete;
  LiveDaemon& operator=(const LiveDaemon&) = delete;

  bool serving() const { return port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Sends `signal` and returns the wait status.
  int Kill(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    return status;
  }

 private:
  std::string log_path_;
  size_t offset_ = 0;
  pid_t pid_ = -1;
  int port_ = 0;
  bool exited_ = false;
};

struct JsonReply {
  long status = 0;  // NOLINT(runtime/int); 0 when no answer came
  nlohmann::json body;
};

inline JsonReply CallJson(const std::string& method, const std::string& url,
                          const std::string& token, const std::string& body = {},
                          const std::string& idempotency_key = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  net::HttpCall call;
  call.method = method;
  call.url = url;
  call.body = body;
  call.timeout = timeout;
  if (!token.empty()) call.headers.emplace_back("Authorization", "Bearer " + token);
  if (!idempotency_key.empty()) call.headers.emplace_back("Idempotency-Key", idempotency_key);
  auto reply = net::Perform(call);
  if (!reply.ok()) return {};
  return {reply->status, nlohmann::json::parse(reply->body, nullptr, false)};
}

// A command recording DEJ's indicator I1 (or `indicator`) on day k after
// 2006-01-01, so that commands k != j never collide on a date: the ten
// years before the sample plan's period (k < 3652), where it has no
// measurement and where a measurement may lie (docs/lifecycle.md, "Dates").
inline std::string MeasurementCommandOn(const std::string& indicator, int k) {
  const Instant day = *ParseDate("2006-01-01") + std::chrono::days(k);
  return nlohmann::json{{"type", "RecordMeasurement"},
                        {"data",
                         {{"direction", "DEJ"},
                          {"indicator", indicator},
                          {"date", FormatDate(day)},
                          {"value", k % 100}}}}
      .dump();
}
inline std::string MeasurementCommand(int k) { return MeasurementCommandOn("I1", k); }

// Every event of the daemon's log, in order, through GET /v1/events (an
// auditor token). False if a page could not be read.
inline bool ForEachEvent(const std::string& url, const std::string& token,
                         const std::function<void(const nlohmann::json&)>& fn) {
  for (uint64_t from = 1;;) {
    auto page = CallJson("GET", url + "/v1/events?limit=1000&from=" + std::to_string(from), token);
    if (page.status != 200) return false;
    if (page.body["events"].empty()) return true;
    for (const nlohmann::json& e : page.body["events"]) {
      fn(e);
      from = e["position"].get<uint64_t>() + 1;
    }
  }
}

// POST /v1/session as the web UI sends it: a person signs in.
inline JsonReply SignIn(const std::string& url, const std::string& login,
                        const std::string& password) {
  net::HttpCall call;
  call.method = "POST";
  call.url = url + "/v1/session";
  call.headers = {{"Content-Type", "application/json"}};
  call.body = nlohmann::json{{"login", login}, {"password", password}}.dump();
  auto reply = net::Perform(call);
  if (!reply.ok()) return {};
  return {reply->status, nlohmann::json::parse(reply->body, nullptr, false)};
}

}  // namespace jalon::testing
