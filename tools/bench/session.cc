// jalon-bench session: GET of a plan's dashboard over real HTTP on
// 127.0.0.1, authenticated by a person's session cookie against a bearer
// token, in one run on the same server: the cookie's session lookup must
// cost no more than the token's hash. Also the cost of one sign-in (one
// argon2id hash with the default parameters).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "engine/http/auth.h"
#include "engine/http/http_server.h"
#include "engine/http/people_api.h"
#include "engine/http/plan_api.h"
#include "engine/log/event_log.h"
#include "engine/plan/generator.h"
#include "engine/plan/plan_service.h"
#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

namespace jalon::bench {
namespace {

// One keep-alive connection; Get returns the status, 0 on a broken socket.
class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  int Get(const std::string& request) {
    if (fd_ < 0) return 0;
    if (send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size()))
      return 0;
    // Headers, then Content-Length bytes of body.
    for (;;) {
      const size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const size_t at = buffer_.find("Content-Length: ");
        const size_t length = at == std::string::npos ? 0 : std::stoul(buffer_.substr(at + 16));
        while (buffer_.size() < end + 4 + length) {
          if (!Fill()) return 0;
        }
        const int status = std::atoi(buffer_.c_str() + 9);
        buffer_.erase(0, end + 4 + length);
        return status;
      }
      if (!Fill()) return 0;
    }
  }

 private:
  bool Fill() {
    char chunk[65536];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_ = -1;
  std::string buffer_;
};

struct Side {
  double rps = 0;
  uint64_t failed = 0;
};

Side Measure(uint16_t port, const std::string& request, int clients, uint64_t requests) {
  std::atomic<uint64_t> failed{0};
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, share = requests / static_cast<uint64_t>(clients)] {
      Connection conn(port);
      for (uint64_t i = 0; i < share; ++i) {
        if (conn.Get(request) != 200) failed.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  const double s = Seconds(SteadyClock::now() - start);
  return {static_cast<double>(requests / static_cast<uint64_t>(clients) * clients) / s,
          failed.load()};
}

}  // namespace

int Session(const std::string& base, int clients, uint64_t requests, int rounds) {
  TempDir dir(base);
  SystemClock clock;
  EventLogOptions log_options;
  log_options.clock = &clock;
  auto log = EventLog::Open(dir.path, log_options);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    return 1;
  }
  Projections projections(**log);
  if (Status s = projections.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  PlanService service(**log, projections, clock);
  if (auto imported = service.Import(GeneratePlan("D00001", 1), "bench"); !imported.ok()) {
    std::fprintf(stderr, "import: %s\n", imported.status().ToString().c_str());
    return 1;
  }
  PeopleService people(**log, clock);
  if (Status s = people.Load(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  auto out = people.Execute("RegisterPerson",
                            {{"login", "bench"},
                             {"name", "Bench"},
                             {"email", "bench@ville.fr"},
                             {"roles", Json::array({"auditor"})}},
                            "", "bench");
  if (!out.ok()) {
    std::fprintf(stderr, "RegisterPerson: %s\n", out.status.ToString().c_str());
    return 1;
  }
  const auto set_start = SteadyClock::now();
  out = people.Execute("SetPassword", {{"login", "bench"}, {"password", "Mesure-rapide-42"}}, "",
                       "bench");
  const double hash_ms = Seconds(SteadyClock::now() - set_start) * 1000;
  if (!out.ok()) {
    std::fprintf(stderr, "SetPassword: %s\n", out.status.ToString().c_str());
    return 1;
  }
  http::PeopleApi people_api(people);
  const http::Authenticator auth({{"bench-token", "auditor", Sha256("bench-token")}}, false,
                                 &people_api);
  http::Router router;
  http::PlanApi api(service, **log, auth);
  api.Register(router);
  people_api.Register(router, auth);
  http::Request sign_in;
  sign_in.method = "POST";
  sign_in.path = "/v1/session";
  sign_in.headers["content-type"] = "application/json";
  sign_in.body = R"({"login": "bench", "password": "Mesure-rapide-42"})";
  const auto sign_in_start = SteadyClock::now();
  const http::Response signed_in = router.Dispatch(sign_in);
  const double sign_in_ms = Seconds(SteadyClock::now() - sign_in_start) * 1000;
  const std::string set_cookie =
      signed_in.headers.count("Set-Cookie") ? signed_in.headers.at("Set-Cookie") : std::string();
  if (signed_in.status != 201 || set_cookie.empty()) {
    std::fprintf(stderr, "sign-in failed: %s\n", signed_in.body.c_str());
    return 1;
  }
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  http::ServerOptions options;
  options.port = 0;
  options.quick = [&router](const http::Request& r) { return router.IsQuick(r); };
  http::HttpServer server(options, [&router](const http::Request& r, http::Reply reply) {
    router.Dispatch(r, std::move(reply));
  });
  if (Status s = server.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  const std::string get = "GET /v1/plans/D00001/dashboard HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  const std::string with_cookie = get + "Cookie: " + cookie + "\r\n\r\n";
  const std::string with_token = get + "Authorization: Bearer bench-token\r\n\r\n";
  Measure(server.port(), with_token, clients, requests / 10);  // warm-up
  int code = 0;
  for (int r = 0; r < rounds; ++r) {
    const Side token = Measure(server.port(), with_token, clients, requests);
    const Side session = Measure(server.port(), with_cookie, clients, requests);
    std::printf(
        "case=session_dashboard clients=%d requests=%llu cookie_rps=%.0f token_rps=%.0f "
        "ratio=%.2f failed=%llu sign_in_ms=%.1f password_hash_ms=%.1f\n",
        clients, static_cast<unsigned long long>(requests), session.rps, token.rps,
        session.rps / token.rps, static_cast<unsigned long long>(token.failed + session.failed),
        sign_in_ms, hash_ms);
    std::fflush(stdout);
    if (token.failed + session.failed > 0) code = 1;
  }
  server.Stop();
  return code;
}

}  // namespace jalon::bench
