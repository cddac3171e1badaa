// The /v1 API over real HTTP on 127.0.0.1: every role against every route,
// bad input, idempotency, conflicts, and group commit across connections.
#include "engine/http/plan_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "engine/http/http_server.h"
#include "engine/http/metrics.h"
#include "engine/plan/generator.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/net_util.h"

namespace jalon::http {
namespace {

struct Reply {
  int status = 0;
  std::string body;
  Json json() const { return Json::parse(body, nullptr, false); }
};

using testing::ConnectLoopback;

// A minimal HTTP/1.1 client: one request per connection.
Reply Call(uint16_t port, const std::string& method, const std::string& target,
           const std::string& token, const std::string& body = {},
           const std::string& extra_headers = {}) {
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  request += extra_headers;
  request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\n\r\n" + body;
  const std::string response = testing::ExchangeOnce(port, request);
  Reply r;
  if (response.size() > 12) r.status = std::atoi(response.substr(9, 3).c_str());
  const size_t blank = response.find("\r\n\r\n");
  if (blank != std::string::npos) r.body = response.substr(blank + 4);
  return r;
}

class PlanApiTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();
    // Two years of history, all of it before the fixture's today.
    GeneratorOptions two_years;
    two_years.years = 2;
    ASSERT_TRUE(service_->Import(GeneratePlan("DRH", 4, two_years), "test").ok());
    std::vector<TokenEntry> tokens;
    for (const char* role : {"admin", "steering", "auditor", "direction:DEJ", "direction:DRH"}) {
      const std::string token = std::string("token-") + role;
      tokens.push_back({role, role, Sha256(token)});
    }
    auth_ = std::make_unique<Authenticator>(std::move(tokens));
    PlanApi(*service_, *log_, *auth_).Register(router_);
    RegisterMetrics(router_, *log_, *projections_, counter_);
    ServerOptions options;
    options.port = 0;
    options.body_limit = 64 * 1024;
    server_ = std::make_unique<HttpServer>(options, CountingHandler(router_, counter_));
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_.reset(); }

  Reply Get(const std::string& target, const std::string& role) {
    return Call(server_->port(), "GET", target, role.empty() ? "" : "token-" + role);
  }
  Reply Post(const Json& body, const std::string& role, const std::string& headers = {}) {
    return Call(server_->port(), "POST", "/v1/commands", role.empty() ? "" : "token-" + role,
                body.dump(), headers);
  }

  std::unique_ptr<Authenticator> auth_;
  Router router_;
  RequestCounter counter_;
  std::unique_ptr<HttpServer> server_;
};

const Json kProgress = {
    {"type", "ReportProgress"},
    {"data", {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-07-01"}, {"percent", 45}}}};
const Json kReview = {{"type", "HoldReview"},
                      {"data",
                       {{"direction", "DEJ"},
                        {"date", "2018-06-29"},
                        {"participants", {"Directrice"}},
                        {"decisions", "RAS"}}}};

TEST_F(PlanApiTest, EveryRoleAgainstEveryReadRoute) {
  struct Row {
    std::string target;
    std::map<std::string, int> status;  // role -> expected status; "" = no token
  };
  const std::vector<Row> rows = {
      {"/v1/directions",
       {{"", 401}, {"admin", 200}, {"steering", 200}, {"auditor", 200}, {"direction:DEJ", 200}}},
      {"/v1/plans/DEJ",
       {{"", 401},
        {"admin", 200},
        {"steering", 200},
        {"auditor", 200},
        {"direction:DEJ", 200},
        {"direction:DRH", 403}}},
      {"/v1/plans/DEJ/dashboard?at=2018-07-01",
       {{"", 401},
        {"admin", 200},
        {"steering", 200},
        {"auditor", 200},
        {"direction:DEJ", 200},
        {"direction:DRH", 403}}},
      {"/v1/plans/DEJ/history?entity=axis/A1",
       {{"", 401},
        {"admin", 200},
        {"auditor", 200},
        {"direction:DEJ", 200},
        {"direction:DRH", 403}}},
      {"/v1/plans/DEJ/diff?from=2016-01-01&to=2030-01-01",
       {{"", 401}, {"auditor", 200}, {"direction:DRH", 403}}},
      {"/v1/events?from=1&limit=5",
       {{"", 401}, {"admin", 200}, {"auditor", 200}, {"steering", 403}, {"direction:DEJ", 403}}},
      {"/v1/verify",
       {{"", 401}, {"admin", 200}, {"auditor", 200}, {"steering", 200}, {"direction:DEJ", 403}}},
      {"/healthz", {{"", 200}}},
  };
  for (const Row& row : rows) {
    for (const auto& [role, want] : row.status) {
      EXPECT_EQ(Get(row.target, role).status, want) << row.target << " as '" << role << "'";
    }
  }
  EXPECT_EQ(Call(server_->port(), "GET", "/v1/plans/DEJ", "wrong-token").status, 401);
  // A direction token sees only its own direction in the list.
  Json listed = Get("/v1/directions", "direction:DEJ").json();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["code"], "DEJ");
  EXPECT_EQ(Get("/v1/directions", "admin").json().size(), 2u);
}

TEST_F(PlanApiTest, WritesFollowTheRolesAndRefusalsAppendNothing) {
  const uint64_t head = Head();
  EXPECT_EQ(Post(kProgress, "").status, 401);
  EXPECT_EQ(Post(kProgress, "direction:DRH").status, 403);  // a foreign plan
  EXPECT_EQ(Post(kProgress, "auditor").status, 403);
  EXPECT_EQ(Post(kProgress, "steering").status, 403);  // steering records reviews only
  EXPECT_EQ(Post({{"type", "RegisterDirection"}, {"data", {{"code", "DXX"}, {"name", "x"}}}},
                 "direction:DEJ")
                .status,
            403);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Post(kReview, "steering").status, 201);
  Reply own = Post(kProgress, "direction:DEJ");
  ASSERT_EQ(own.status, 201) << own.body;
  EXPECT_EQ(own.json()["events"][0]["actor"], "token:direction:DEJ");
  EXPECT_EQ(Head(), head + 2);
}

TEST_F(PlanApiTest, BadInputGetsAClear4xxAndAppendsNothing) {
  const uint64_t head = Head();
  auto post_raw = [this](const std::string& body) {
    return Call(server_->port(), "POST", "/v1/commands", "token-admin", body);
  };
  Reply malformed = post_raw("{\"type\": ");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(post_raw("{\"type\":\"Fly\",\"data\":{}}").status, 400);
  Reply unknown = Post({{"type", "ReportProgress"},
                        {"data",
                         {{"direction", "DEJ"},
                          {"action", "A1.2"},
                          {"date", "2018-07-01"},
                          {"percent", 4},
                          {"mood", "bon"}}}},
                       "admin");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("data.mood: unknown field"), std::string::npos) << unknown.body;
  Reply wrong_type =
      Post({{"type", "ReportProgress"},
            {"data",
             {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-07-01"}, {"percent", "4"}}}},
           "admin");
  EXPECT_NE(wrong_type.body.find("data.percent"), std::string::npos);
  // For the web UI: the field as the form names it, and the rule in French.
  EXPECT_EQ(wrong_type.json()["error"]["field"], "percent") << wrong_type.body;
  EXPECT_EQ(wrong_type.json()["error"]["message_fr"], "doit être un pourcentage entre 0 et 100");
  Reply bad_date =
      Post({{"type", "ReportProgress"},
            {"data",
             {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-02-30"}, {"percent", 4}}}},
           "admin");
  EXPECT_NE(bad_date.body.find("data.date: not a date"), std::string::npos);
  Reply traversal = Post(
      {{"type", "ReportProgress"},
       {"data",
        {{"direction", "../../etc"}, {"action", "A1.2"}, {"date", "2018-07-01"}, {"percent", 4}}}},
      "admin");
  EXPECT_EQ(traversal.status, 400);
  EXPECT_EQ(Get("/v1/plans/..%2F..%2Fetc", "admin").status, 400);
  EXPECT_EQ(post_raw(std::string("{\"type\":\"EditSection\",\"data\":{\"direction\":\"DEJ\","
                                 "\"section\":\"legal\",\"text\":\"") +
                     std::string(100 * 1024, 'x') + "\"}}")
                .status,
            413);
  EXPECT_EQ(post_raw("{\"type\":\"EditSection\",\"data\":{\"direction\":\"DEJ\",\"section\":"
                     "\"legal\",\"text\":\"\xff\xfe\"}}")
                .status,
            400);
  EXPECT_EQ(Get("/v1/plans/NOPE", "admin").status, 404);
  EXPECT_EQ(Get("/v1/plans/DEJ?as_of=2018-13-01", "admin").status, 400);
  EXPECT_EQ(Head(), head);
}

TEST_F(PlanApiTest, IdempotencyKeyReplaysAndVersionConflictIs409) {
  Reply first = Post(kProgress, "admin", "Idempotency-Key: key-42\r\n");
  ASSERT_EQ(first.status, 201) << first.body;
  const uint64_t head = Head();
  Reply again = Post(kProgress, "admin", "Idempotency-Key: key-42\r\n");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.json()["position"], first.json()["position"]);
  EXPECT_EQ(Head(), head);
  Json stale = kReview;
  stale["expected_version"] = 1;
  Reply conflict = Post(stale, "admin");
  EXPECT_EQ(conflict.status, 409);
  // Who changed the plan since that version, and the version it is at.
  const std::string by = conflict.json()["error"]["changed_by"];
  EXPECT_NE(by.find("token:admin"), std::string::npos) << conflict.body;
  EXPECT_EQ(conflict.json()["error"]["system_only"], false);
  EXPECT_EQ(conflict.json()["error"]["version"], first.json()["version"]);
  EXPECT_EQ(Head(), head);
}

// An idempotency key names one request of one principal: replayed by
// anyone else, or with another payload, it is 422 naming the key, appends
// nothing, and tells nothing of the request that holds it.
TEST_F(PlanApiTest, IdempotencyKeyOfAnotherRequestIs422AndLeaksNothing) {
  Json dej = kProgress;
  dej["command_id"] = "sim/DEJ/2018-07-01/progress/A1.2";
  dej["data"]["note"] = "note confidentielle DEJ";
  Reply first = Post(dej, "direction:DEJ");
  ASSERT_EQ(first.status, 201) << first.body;
  const uint64_t head = Head();
  const Json drh_edit = {
      {"type", "EditSection"},
      {"data", {{"direction", "DRH"}, {"section", "legal"}, {"text", "Texte DRH"}}}};
  // Nothing of DEJ's command: its note, its fields, its events.
  auto leaks = [](const Reply& r) {
    for (const char* told : {"confidentielle", "percent", "ProgressReported", "\"events\"",
                             "\"position\"", "\"actor\""}) {
      if (r.body.find(told) != std::string::npos) return true;
    }
    return false;
  };
  // Another direction replays the key, in the body or as the header.
  Json stolen = drh_edit;
  stolen["command_id"] = dej["command_id"];
  Reply by_body = Post(stolen, "direction:DRH");
  EXPECT_EQ(by_body.status, 422) << by_body.body;
  EXPECT_NE(by_body.body.find("Idempotency-Key 'sim/DEJ/2018-07-01/progress/A1.2'"),
            std::string::npos)
      << by_body.body;
  EXPECT_FALSE(leaks(by_body)) << by_body.body;
  Reply by_header =
      Post(drh_edit, "direction:DRH", "Idempotency-Key: sim/DEJ/2018-07-01/progress/A1.2\r\n");
  EXPECT_EQ(by_header.status, 422) << by_header.body;
  EXPECT_FALSE(leaks(by_header)) << by_header.body;
  // Another principal sending the very same command: still not its key.
  Reply by_admin = Post(dej, "admin");
  EXPECT_EQ(by_admin.status, 422) << by_admin.body;
  EXPECT_FALSE(leaks(by_admin)) << by_admin.body;
  // The same principal, another payload.
  Json changed = dej;
  changed["data"]["percent"] = 46;
  Reply other_payload = Post(changed, "direction:DEJ");
  EXPECT_EQ(other_payload.status, 422) << other_payload.body;
  EXPECT_FALSE(leaks(other_payload)) << other_payload.body;
  Json pinned = dej;
  pinned["expected_version"] = 1;
  EXPECT_EQ(Post(pinned, "direction:DEJ").status, 422);
  EXPECT_EQ(Head(), head);
  // The same principal, the same request: the first result.
  Reply again = Post(dej, "direction:DEJ");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["position"], first.json()["position"]);
  EXPECT_EQ(again.json()["events"], first.json()["events"]);
  EXPECT_TRUE(again.json()["replayed"].get<bool>());
  EXPECT_EQ(Head(), head);
}

TEST_F(PlanApiTest, IdempotencyKeyIsBoundedLikeCommandId) {
  const uint64_t head = Head();
  Reply too_long =
      Post(kProgress, "direction:DEJ", "Idempotency-Key: " + std::string(129, 'k') + "\r\n");
  EXPECT_EQ(too_long.status, 400) << too_long.body;
  EXPECT_NE(too_long.body.find("Idempotency-Key: at most 128 bytes"), std::string::npos)
      << too_long.body;
  EXPECT_EQ(Head(), head);
  Reply longest =
      Post(kProgress, "direction:DEJ", "Idempotency-Key: " + std::string(128, 'k') + "\r\n");
  EXPECT_EQ(longest.status, 201) << longest.body;
  Reply import_too_long =
      Call(server_->port(), "POST", "/v1/import", "token-admin", GeneratePlan("DFX", 2).dump(),
           "Idempotency-Key: " + std::string(129, 'k') + "\r\n");
  EXPECT_EQ(import_too_long.status, 400) << import_too_long.body;
  EXPECT_EQ(Head(), head + 1);
}

// A command appended before request hashes were stored (or by a system
// writer) is compared by actor and direction.
TEST_F(PlanApiTest, IdempotencyKeyWithoutRequestHashFallsBackToActorAndDirection) {
  auto state = projections_->Current("DEJ");
  ASSERT_TRUE(state);
  auto command = ParseCommand(kProgress);
  ASSERT_TRUE(command.ok());
  auto decision = Decide(*state, *command, clock_.Now());
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  AppendRequest old;
  old.stream = decision->stream;
  old.command_id = "old-key";
  old.actor = "token:direction:DEJ";
  old.events = decision->events;
  auto appended = log_->Append(std::move(old));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  ASSERT_TRUE(projections_->CatchUp().ok());
  const uint64_t head = Head();
  Reply stolen = Post(kProgress, "direction:DRH", "Idempotency-Key: old-key\r\n");
  EXPECT_EQ(stolen.status, 403);  // DRH may not write DEJ's plan at all
  Json drh_edit = {{"type", "EditSection"},
                   {"command_id", "old-key"},
                   {"data", {{"direction", "DRH"}, {"section", "legal"}, {"text", "x"}}}};
  Reply other = Post(drh_edit, "direction:DRH");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(Post(kProgress, "admin", "Idempotency-Key: old-key\r\n").status, 422);
  Reply own = Post(kProgress, "direction:DEJ", "Idempotency-Key: old-key\r\n");
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json()["position"], appended->last_position());
  EXPECT_EQ(Head(), head);
}

TEST_F(PlanApiTest, ImportKeyOfAnotherRequestIs422) {
  auto import = [this](const Json& doc, const std::string& role, const std::string& key) {
    return Call(server_->port(), "POST", "/v1/import", "token-" + role, doc.dump(),
                "Idempotency-Key: " + key + "\r\n");
  };
  AfterGeneratedHistory();  // an import comes after the history it holds
  const Json dfx = GeneratePlan("DFX", 2);
  Reply first = import(dfx, "admin", "import-dfx");
  ASSERT_EQ(first.status, 201) << first.body;
  const uint64_t head = Head();
  // DRH sends its own (existing) plan under the admin's key.
  Reply stolen = import(GeneratePlan("DRH", 4), "direction:DRH", "import-dfx");
  EXPECT_EQ(stolen.status, 422) << stolen.body;
  EXPECT_EQ(stolen.body.find("DFX"), std::string::npos) << stolen.body;
  EXPECT_EQ(stolen.body.find("position"), std::string::npos) << stolen.body;
  Reply again = import(dfx, "admin", "import-dfx");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["position"], first.json()["position"]);
  EXPECT_EQ(Head(), head);
}

TEST_F(PlanApiTest, DashboardOverHttpGivesTheDesignFigures) {
  Json d = Get("/v1/plans/DEJ/dashboard?at=2018-07-01", "auditor").json();
  EXPECT_EQ(d["execution"], 73.0);
  EXPECT_EQ(d["performance"], 54.17);
  EXPECT_EQ(d["axes"][0]["execution"], 86.0);
  // Time travel: at position 1, the import's first event, the direction is
  // already registered.
  EXPECT_EQ(Get("/v1/plans/DEJ?position=1", "admin").json()["direction"]["code"], "DEJ");
}

TEST_F(PlanApiTest, ConcurrentCommandsShareGroupCommits) {
  for (int d = 0; d < 8; ++d) {
    const std::string code = "D" + std::to_string(d);
    ASSERT_EQ(Post({{"type", "RegisterDirection"},
                    {"data", {{"code", code}, {"name", "Direction " + code}}}},
                   "admin")
                  .status,
              201);
    ASSERT_EQ(Post({{"type", "OpenPlan"},
                    {"data",
                     {{"direction", code},
                      {"title", "Projet"},
                      {"period_start", "2016-01-01"},
                      {"period_end", "2020-12-31"},
                      {"dated", "2016-03-15"}}}},
                   "admin")
                  .status,
              201);
  }
  const LogStats before = log_->Stats();
  constexpr int kClients = 16, kEach = 8;
  std::vector<std::thread> clients;
  std::atomic<int> created{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kEach; ++i) {
        Json cmd = {{"type", "EditSection"},
                    {"data",
                     {{"direction", "D" + std::to_string(c % 8)},
                      {"section", "legal"},
                      {"text", std::to_string(c * 100 + i)}}}};
        if (Post(cmd, "admin").status == 201) created.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(created.load(), kClients * kEach);
  const LogStats after = log_->Stats();
  EXPECT_EQ(after.events - before.events, static_cast<uint64_t>(kClients * kEach));
  EXPECT_LT(after.batches - before.batches, after.events - before.events);
}

// One plan's commands are pipelined: decided one after the other on a
// working copy, they share group commits. Duplicates are refused against the
// commands in flight, and the live state equals a replay of the log.
TEST_F(PlanApiTest, OnePlansConcurrentCommandsShareGroupCommitsAndStayExact) {
  const LogStats before = log_->Stats();
  constexpr int kClients = 16, kEach = 10;
  std::vector<std::thread> clients;
  std::atomic<int> created{0}, refused{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; i < kEach; ++i) {
        // Two clients share each date: exactly one of the two may land.
        const Instant day = *ParseDate("2006-01-01") + std::chrono::days((c / 2) * kEach + i);
        Json cmd = {
            {"type", "RecordMeasurement"},
            {"data",
             {{"direction", "DEJ"}, {"indicator", "I2"}, {"date", FormatDate(day)}, {"value", c}}}};
        const int status = Post(cmd, "direction:DEJ").status;
        if (status == 201) created.fetch_add(1);
        if (status == 400) refused.fetch_add(1);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(created.load(), kClients * kEach / 2);
  EXPECT_EQ(refused.load(), kClients * kEach / 2);
  const LogStats after = log_->Stats();
  EXPECT_EQ(after.events - before.events, static_cast<uint64_t>(kClients * kEach / 2));
  EXPECT_LT(after.batches - before.batches, after.events - before.events);
  Projections fresh(*log_);
  ASSERT_TRUE(fresh.CatchUp().ok());
  EXPECT_EQ(fresh.Current("DEJ")->ToJson(), projections_->Current("DEJ")->ToJson());
}

TEST_F(PlanApiTest, MetricsCountAppendsBatchesAndRequests) {
  ASSERT_EQ(Post(kProgress, "admin").status, 201);
  EXPECT_EQ(Get("/v1/plans/DEJ", "").status, 401);
  Reply m = Get("/metrics", "");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("jalon_log_head_position " + std::to_string(Head())), std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("jalon_events_appended_total " + std::to_string(log_->Stats().events)),
            std::string::npos);
  EXPECT_NE(m.body.find("jalon_projection_lag_events 0"), std::string::npos);
  EXPECT_NE(m.body.find("jalon_append_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(m.body.find("jalon_http_requests_total{route=\"/v1/commands\",status=\"201\"} 1"),
            std::string::npos)
      << m.body;
  EXPECT_NE(
      m.body.find("jalon_http_requests_total{route=\"/v1/plans/{direction}\",status=\"401\"} 1"),
      std::string::npos);
}

TEST_F(PlanApiTest, OversizedHeadersGet431AndAppendNothing) {
  const uint64_t head = Head();
  const std::string pad = "X-Pad: " + std::string(20 * 1024, 'a') + "\r\n";
  Reply r = Call(server_->port(), "POST", "/v1/commands", "token-admin", kProgress.dump(), pad);
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Post(kProgress, "admin").status, 201);  // the server still serves
}

// A client that sends half a request and stalls is cut off at the read
// deadline, and holds no handler thread meanwhile: with every handler
// thread's worth of stalled clients, others are still served, before the
// stalled ones are cut off.
TEST_F(PlanApiTest, SlowClientsAreCutOffAndHoldNoThread) {
  ServerOptions options;
  options.port = 0;
  options.handler_threads = 2;
  options.read_timeout = std::chrono::milliseconds(2000);
  HttpServer server(options, [this](const Request& req) { return router_.Dispatch(req); });
  ASSERT_TRUE(server.Start().ok());
  std::vector<int> stalled;
  for (int i = 0; i < 8; ++i) {
    const int fd = ConnectLoopback(server.port());
    ASSERT_GE(fd, 0);
    const std::string half =
        "POST /v1/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{";
    ASSERT_EQ(send(fd, half.data(), half.size(), MSG_NOSIGNAL), static_cast<ssize_t>(half.size()));
    stalled.push_back(fd);
  }
  EXPECT_EQ(Call(server.port(), "GET", "/v1/plans/DEJ", "token-admin").status, 200);
  // Served while every stalled connection is still open: not after they were cut off.
  for (int fd : stalled) {
    char byte;
    const ssize_t n = recv(fd, &byte, 1, MSG_DONTWAIT);
    EXPECT_TRUE(n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        << "closed or answered before the deadline (recv " << n << ")";
  }
  // Each stalled connection is closed by the server after the deadline.
  for (int fd : stalled) {
    timeval tv{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    EXPECT_EQ(recv(fd, buf, sizeof buf, 0), 0) << "the connection should be closed, not answered";
    close(fd);
  }
}

// The routes that say they never wait (Router QuickIf) are answered on the
// I/O threads: a cached dashboard and /healthz still answer while every
// handler thread is held (here by the one long-poll of the events feed),
// and a read that may wait, such as a dashboard in the past, queues behind.
TEST_F(PlanApiTest, QuickReadsAnswerWhileEveryHandlerThreadIsBusy) {
  const Request current{"GET", "/v1/plans/DEJ/dashboard", {{"at", "2018-07-01"}}, {}, {}, {}, {}};
  Request past = current;
  past.query["as_of"] = "2018-07-01T00:00:00Z";
  EXPECT_TRUE(router_.IsQuick(current));
  EXPECT_FALSE(router_.IsQuick(past));
  EXPECT_TRUE(router_.IsQuick({"GET", "/healthz", {}, {}, {}, {}, {}}));
  // Started on the I/O thread: a command waits for its group commit
  // without holding a thread (see the test below).
  EXPECT_TRUE(router_.IsQuick({"POST", "/v1/commands", {}, {}, {}, {}, {}}));
  EXPECT_FALSE(router_.IsQuick({"GET", "/v1/events", {{"wait", "5"}}, {}, {}, {}, {}}));
  EXPECT_FALSE(router_.IsQuick({"GET", "/nowhere", {}, {}, {}, {}, {}}));

  ServerOptions options;
  options.port = 0;
  options.handler_threads = 1;
  options.quick = [this](const Request& req) { return router_.IsQuick(req); };
  std::atomic<bool> polling{false}, polled{false};  // the long poll's handler began, returned
  HttpServer server(options, [&](const Request& req) {
    const bool poll = req.path == "/v1/events";
    if (poll) polling = true;
    Response r = router_.Dispatch(req);
    if (poll) polled = true;
    return r;
  });
  ASSERT_TRUE(server.Start().ok());
  const uint64_t head = log_->Head().position;
  std::thread follower([&] {
    Reply r = Call(server.port(), "GET", "/v1/events?from=" + std::to_string(head + 1) + "&wait=3",
                   "token-auditor");
    EXPECT_EQ(r.status, 200);
  });
  while (!polling) std::this_thread::yield();  // the follower holds the pool
  Reply quick = Call(server.port(), "GET", "/v1/plans/DEJ/dashboard?at=2018-07-01", "token-admin");
  EXPECT_EQ(quick.status, 200);
  EXPECT_TRUE(quick.json().contains("execution")) << quick.body;
  EXPECT_EQ(Call(server.port(), "GET", "/healthz", "").status, 200);
  EXPECT_FALSE(polled) << "the quick reads were answered only once the pool was free";
  Reply slow =
      Call(server.port(), "GET", "/v1/plans/DEJ/dashboard?at=2018-07-01&as_of=2030-01-01T00:00:00Z",
           "token-admin");
  EXPECT_EQ(slow.status, 200);
  EXPECT_EQ(slow.json()["execution"], quick.json()["execution"]);
  EXPECT_TRUE(polled) << "a read that may wait must go to the (busy) pool";
  follower.join();
}

// A command waits for its group commit without holding a thread: with the
// one handler thread held by a long poll, 32 commands from 32 connections
// are all answered (durable, and in the projections), sharing group commits.
// Under the earlier design, one pool thread blocked per command, these would
// have queued behind the long poll, then gone one group commit each.
TEST_F(PlanApiTest, CommandsWaitForTheirGroupCommitWithoutHoldingAThread) {
  ServerOptions options;
  options.port = 0;
  options.handler_threads = 1;
  options.quick = [this](const Request& req) { return router_.IsQuick(req); };
  std::atomic<bool> polling{false}, polled{false};  // the long poll's handler began, answered
  HttpServer server(options, [&, counting = CountingHandler(router_, counter_)](const Request& req,
                                                                                http::Reply reply) {
    if (req.path != "/v1/events") return counting(req, std::move(reply));
    polling = true;
    counting(req, Observed(std::move(reply), [&](const Response&) { polled = true; }));
  });
  ASSERT_TRUE(server.Start().ok());
  const uint64_t head = log_->Head().position;
  std::thread follower([&] {  // far beyond what the commands append: holds the pool 3 s
    Reply r =
        Call(server.port(), "GET", "/v1/events?from=" + std::to_string(head + 1000000) + "&wait=3",
             "token-auditor");
    EXPECT_EQ(r.status, 200);
  });
  while (!polling) std::this_thread::yield();
  const LogStats before = log_->Stats();
  constexpr int kClients = 32;
  std::vector<int> status(kClients, 0);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      const Instant day = *ParseDate("2006-01-01") + std::chrono::days(400 + c);
      const Json cmd = {
          {"type", "RecordMeasurement"},
          {"data",
           {{"direction", "DEJ"}, {"indicator", "I2"}, {"date", FormatDate(day)}, {"value", c}}}};
      status[c] =
          Call(server.port(), "POST", "/v1/commands", "token-direction:DEJ", cmd.dump()).status;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_FALSE(polled) << "the commands waited for the pool";
  for (int c = 0; c < kClients; ++c) EXPECT_EQ(status[c], 201) << "client " << c;
  const LogStats after = log_->Stats();
  EXPECT_EQ(after.events - before.events, static_cast<uint64_t>(kClients));
  EXPECT_LT(after.batches - before.batches, static_cast<uint64_t>(kClients));
  EXPECT_EQ(projections_->Current("DEJ")->version, *log_->StreamVersion(PlanStream("DEJ")));
  follower.join();
}

}  // namespace
}  // namespace jalon::http
