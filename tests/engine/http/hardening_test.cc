// Hostile input over real HTTP on 127.0.0.1 (issue classes: nesting,
// out-of-range numbers, duplicate keys and headers, query overflow, idle
// sockets, anonymous reads, security headers, HEAD), and the role x command
// matrix of auth.h for every command type of DESIGN.md.
#include <sys/socket.h>
#include <unistd.h>

#include "engine/http/auth.h"
#include "engine/http/http_server.h"
#include "engine/http/plan_api.h"
#include "engine/plan/command.h"
#include "jobs/delivery/channel.h"
#include "jobs/jobs_api.h"
#include "jobs/scheduler.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/net_util.h"
#include "tools/web/web_ui.h"

namespace jalon::http {
namespace {

using testing::ConnectLoopback;

using Raw = testing::HttpReply;

// One request on its own connection, headers given whole.
Raw Send(uint16_t port, const std::string& method, const std::string& target,
         const std::string& headers, const std::string& body = {}) {
  return testing::SendRequest(port, method, target, headers, body);
}

std::string Bearer(const std::string& role) {
  return "Authorization: Bearer token-" + role + "\r\n";
}

class HardeningTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();
  }
  void TearDown() override {
    if (api_) api_->Shutdown();
    server_.reset();
    scheduler_.reset();
  }

  void Serve(bool anonymous_read, ServerOptions options = {}) {
    std::vector<TokenEntry> tokens;
    for (const char* role : {"admin", "steering", "auditor", "direction:DEJ", "direction:DRH"})
      tokens.push_back({role, role, Sha256(std::string("token-") + role)});
    auth_ = std::make_unique<Authenticator>(std::move(tokens), anonymous_read);
    api_ = std::make_unique<PlanApi>(*service_, *log_, *auth_);
    api_->Register(router_);
    jobs::JobsOptions jobs_options;
    jobs_options.delivery.channel = "maildir";
    jobs_options.delivery.maildir = dir_.path() + "/mail";
    scheduler_ = std::make_unique<jobs::Scheduler>(*service_, clock_, jobs_options,
                                                   jobs::MakeChannel(jobs_options.delivery));
    jobs::RegisterJobsRoutes(router_, *scheduler_, *service_, *auth_);
    web::RegisterWebRoutes(router_);
    options.port = 0;
    server_ = std::make_unique<HttpServer>(
        options, [this](const Request& req, Reply reply) { router_.Dispatch(req, reply); });
    ASSERT_TRUE(server_->Start().ok());
  }
  uint16_t port() const { return server_->port(); }
  Raw Post(const std::string& body, const std::string& role = "admin",
           const std::string& target = "/v1/commands") {
    return Send(port(), "POST", target, Bearer(role) + "Content-Type: application/json\r\n", body);
  }

  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<PlanApi> api_;
  std::unique_ptr<jobs::Scheduler> scheduler_;
  Router router_;
  std::unique_ptr<HttpServer> server_;
};

std::string Progress(const std::string& note_json) {
  return R"({"type": "ReportProgress", "data": {"direction": "DEJ", "action": "A1.2", )"
         R"("date": "2018-07-01", "percent": 45, "note": )" +
         note_json + "}}";
}

TEST_F(HardeningTest, DeepNestingIsRefusedNamingTheLimitAndTheDaemonLives) {
  Serve(false);
  const uint64_t head = Head();
  for (const std::string target : {"/v1/commands", "/v1/import", "/v1/backup"}) {
    for (const std::string& deep :
         {std::string(100000, '['), std::string(65, '[') + "1" + std::string(65, ']')}) {
      // The auditor may write nothing: the depth is refused before the role.
      for (const char* role : {"admin", "auditor"}) {
        const Raw r = Post(Progress(deep), role, target);
        if (target == "/v1/backup" && std::string(role) == "auditor") {
          EXPECT_EQ(r.status, 403) << r.body;  // the role is checked first there
          continue;
        }
        EXPECT_EQ(r.status, 400) << target << " " << deep.size() << " " << r.body;
        EXPECT_NE(r.body.find("body: data.note"), std::string::npos) << r.body;
        EXPECT_NE(r.body.find("nested deeper than 64 levels"), std::string::npos) << r.body;
        EXPECT_LT(r.body.size(), 300u) << r.body;
      }
    }
  }
  EXPECT_EQ(Send(port(), "GET", "/healthz", "").status, 200);
  EXPECT_EQ(Head(), head);
}

TEST_F(HardeningTest, NumbersBeyondADoubleAndDuplicateKeysGet400NamingTheField) {
  Serve(false);
  const uint64_t head = Head();
  for (const char* number : {"1e400", "-1e400", "1e99999"}) {
    const std::string body = R"({"type": "ReportProgress", "data": {"direction": "DEJ", )"
                             R"("action": "A1.2", "date": "2018-07-01", "percent": )" +
                             std::string(number) + "}}";
    const Raw r = Post(body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("data.percent: number " + std::string(number) + " is out of range"),
              std::string::npos)
        << r.body;
    EXPECT_EQ(r.body.find("json.exception"), std::string::npos) << r.body;
  }
  const Raw twice =
      Post(R"({"type": "ReportProgress", "data": {"direction": "DEJ", "action": "A1.2", )"
           R"("date": "2018-07-01", "percent": 45, "percent": 5}})");
  EXPECT_EQ(twice.status, 400);
  EXPECT_NE(twice.body.find("data.percent: duplicate key"), std::string::npos) << twice.body;
  const Raw direction_twice =
      Post(R"({"type": "ReportProgress", "data": {"direction": "DRH", "direction": "DEJ", )"
           R"("action": "A1.2", "date": "2018-07-01", "percent": 45}})",
           "direction:DEJ");
  EXPECT_EQ(direction_twice.status, 400) << direction_twice.body;
  EXPECT_EQ(Head(), head);
}

TEST_F(HardeningTest, QueryNumbersThatOverflowGet400) {
  Serve(false);
  const std::vector<std::string> targets = {
      "/v1/plans/DEJ?position=18446744073709551619",
      "/v1/plans/DEJ/dashboard?position=18446744073709551616",
      "/v1/plans/DEJ/export?position=99999999999999999999",
      "/v1/events?from=18446744073709551617",
      "/v1/events?limit=18446744073709551700",
      "/v1/events?wait=18446744073709551621",
  };
  for (const std::string& target : targets) {
    const Raw r = Send(port(), "GET", target, Bearer("admin"));
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_NE(r.body.find("is too large"), std::string::npos) << target << ": " << r.body;
  }
  // The largest value is a number, not an overflow.
  const Raw max = Send(port(), "GET", "/v1/events?from=18446744073709551615", Bearer("admin"));
  EXPECT_EQ(max.body.find("too large"), std::string::npos) << max.body;
}

TEST_F(HardeningTest, SeveralAuthorizationHeadersGet400AndTheSchemeIsCaseInsensitive) {
  Serve(false);
  const Raw twice =
      Send(port(), "GET", "/v1/plans/DEJ", Bearer("direction:DRH") + Bearer("direction:DEJ"));
  EXPECT_EQ(twice.status, 400);
  EXPECT_NE(twice.body.find("given more than once"), std::string::npos) << twice.body;
  const Raw keys =
      Send(port(), "POST", "/v1/commands",
           Bearer("admin") + "Idempotency-Key: a\r\nIdempotency-Key: b\r\n", Progress("\"x\""));
  EXPECT_EQ(keys.status, 400) << keys.body;
  for (const char* scheme : {"bearer", "BEARER", "Bearer", "bEaReR"}) {
    EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ",
                   std::string("Authorization: ") + scheme + " token-admin\r\n")
                  .status,
              200)
        << scheme;
  }
  EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ", "Authorization: Basic token-admin\r\n").status,
            401);
  EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ", "Authorization: Bearer\r\n").status, 401);
}

// Every answer carries nosniff, a CSP and, for the API, no-store; the HTML
// documents carry the web UI's policy; HEAD is GET without the body.
TEST_F(HardeningTest, SecurityHeadersOnEveryAnswerAndHeadIsGetWithoutBody) {
  Serve(false);
  for (const std::string& target :
       {std::string("/v1/plans/DEJ"), std::string("/v1/plans/DEJ/dashboard"),
        std::string("/v1/directions"), std::string("/v1/plans/NOPE"), std::string("/healthz"),
        std::string("/v1/plans/DEJ/brief?format=html")}) {
    const Raw r = Send(port(), "GET", target, Bearer("admin"));
    EXPECT_EQ(r.Header("X-Content-Type-Options"), "nosniff") << target;
    EXPECT_NE(r.Header("Content-Security-Policy"), "") << target;
    EXPECT_EQ(r.Header("Cache-Control"), "no-store") << target;
  }
  for (const std::string& target : {std::string("/v1/plans/DEJ/brief?format=html"),
                                    std::string("/v1/plans/DEJ/review-doc?review=1&format=html")}) {
    const Raw doc = Send(port(), "GET", target, Bearer("admin"));
    ASSERT_EQ(doc.status, 200) << target << doc.body;
    EXPECT_NE(doc.Header("Content-Type").find("text/html"), std::string::npos);
    const std::string csp = doc.Header("Content-Security-Policy");
    EXPECT_TRUE(csp.starts_with("default-src 'self'")) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("style-src 'self' 'sha256-"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(doc.Header("X-Content-Type-Options"), "nosniff");
  }
  // The web UI keeps its own caching.
  EXPECT_EQ(Send(port(), "GET", "/", "").Header("Cache-Control"), "no-cache");

  for (const std::string target : {"/v1/plans/DEJ", "/healthz", "/"}) {
    const Raw get = Send(port(), "GET", target, Bearer("admin"));
    const Raw head = Send(port(), "HEAD", target, Bearer("admin"));
    EXPECT_EQ(head.status, 200) << target;
    EXPECT_TRUE(head.body.empty()) << target;
    EXPECT_EQ(head.Header("Content-Length"), std::to_string(get.body.size())) << target;
    EXPECT_EQ(head.Header("Content-Type"), get.Header("Content-Type")) << target;
  }
  EXPECT_EQ(Send(port(), "HEAD", "/v1/plans/DEJ", "").status, 401);
}

// server.anonymous_read opens the directions list, a plan and its dashboard;
// every other route asks for a token.
TEST_F(HardeningTest, AnonymousReadOpensOnlyThePlanTheDashboardAndTheDirections) {
  Serve(true);
  for (const std::string open :
       {"/v1/directions", "/v1/plans/DEJ", "/v1/plans/DEJ/dashboard", "/v1/whoami", "/healthz"}) {
    EXPECT_EQ(Send(port(), "GET", open, "").status, 200) << open;
  }
  for (const std::string closed : {
           "/v1/plans/DEJ/review-doc?review=1&format=html",
           "/v1/plans/DEJ/brief?format=html",
           "/v1/plans/DEJ/evaluation",
           "/v1/plans/DEJ/evaluation?format=csv&table=actions",
           "/v1/plans/DEJ/audit",
           "/v1/reminders",
           "/v1/reminders?direction=DEJ",
           "/v1/schedule",
           "/v1/plans/DEJ/explain?figure=execution",
           "/v1/plans/DEJ/export",
           "/v1/plans/DEJ/history",
           "/v1/plans/DEJ/diff?from=2016-01-01&to=2030-01-01",
           "/v1/events",
           "/v1/verify",
       }) {
    const Raw r = Send(port(), "GET", closed, "");
    EXPECT_EQ(r.status, 401) << closed << ": " << r.body;
  }
  EXPECT_EQ(Send(port(), "POST", "/v1/commands", "", Progress("\"x\"")).status, 401);
  // With a token, the same routes answer.
  EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ/audit", Bearer("auditor")).status, 200);
}

// Idle sockets that never send a request cannot lock others out: the
// issue's 530 from one address, then health and authenticated work answer.
TEST_F(HardeningTest, IdleUnauthenticatedSocketsDoNotLockOutHealthOrAuthenticatedWork) {
  Serve(false);
  std::vector<int> idle;
  for (int i = 0; i < 530; ++i) {
    const int fd = ConnectLoopback(port());
    ASSERT_GE(fd, 0);
    idle.push_back(fd);
  }
  EXPECT_EQ(Send(port(), "GET", "/healthz", "").status, 200);
  EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ", Bearer("direction:DEJ")).status, 200);
  const Raw write = Post(Progress("\"sous charge\""), "direction:DEJ");
  EXPECT_EQ(write.status, 201) << write.body;
  // Each idle socket is closed by the server (most at once, the newest at
  // the header deadline), never answered.
  for (int fd : idle) {
    timeval tv{30, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[64];
    EXPECT_LE(recv(fd, buf, sizeof buf, 0), 0);
    close(fd);
  }
}

// Many client addresses: past max_connections - connection_reserve only
// health and authenticated requests are served; at max_connections the
// oldest silent socket makes room.
TEST_F(HardeningTest, TheReserveKeepsHealthAndAuthenticatedWorkGoing) {
  ServerOptions options;
  options.max_connections = 40;
  options.connection_reserve = 8;
  options.max_pending_per_address = 1000;  // as if each socket came from its own address
  Serve(false, options);
  std::vector<int> idle;
  for (int i = 0; i < 100; ++i) idle.push_back(ConnectLoopback(port()));
  EXPECT_EQ(Send(port(), "GET", "/healthz", "").status, 200);
  EXPECT_EQ(Send(port(), "GET", "/v1/plans/DEJ", Bearer("admin")).status, 200);
  // A request without a token inside the reserve: refused, the connection freed.
  EXPECT_EQ(Send(port(), "GET", "/", "").status, 503);
  for (int fd : idle) close(fd);
}

// auth.h's matrix, for every command type of DESIGN.md and every role.
TEST(RoleMatrixTest, EveryCommandTypeForEveryRole) {
  const std::vector<std::string> design = {"RegisterDirection",
                                           "OpenPlan",
                                           "EditSection",
                                           "AddSwotItem",
                                           "RemoveSwotItem",
                                           "DefineMission",
                                           "EditMission",
                                           "RetireMission",
                                           "AssessMission",
                                           "ProposeAxis",
                                           "ValidateAxis",
                                           "EditAxis",
                                           "DropAxis",
                                           "ProposeScenario",
                                           "RetainScenario",
                                           "PlanAction",
                                           "EditAction",
                                           "ReportProgress",
                                           "RescheduleAction",
                                           "CompleteAction",
                                           "CancelAction",
                                           "DefineIndicator",
                                           "ChangeTarget",
                                           "RetireIndicator",
                                           "RecordMeasurement",
                                           "CorrectMeasurement",
                                           "HoldReview",
                                           "CloseRevision",
                                           "AcknowledgeReminder",
                                           "RecordSpending",
                                           "SetRevisionModalities",
                                           "OpenCycle"};
  std::vector<std::string> known = CommandTypes();
  std::vector<std::string> listed = design;
  std::sort(known.begin(), known.end());
  std::sort(listed.begin(), listed.end());
  ASSERT_EQ(known, listed) << "DESIGN.md's command table and CommandTypes() differ";

  const std::set<std::string> governance = {"ValidateAxis", "RetainScenario", "HoldReview",
                                            "SetRevisionModalities", "CloseRevision"};
  std::vector<TokenEntry> tokens;
  for (const char* role : {"admin", "steering", "auditor", "direction:DEJ"})
    tokens.push_back({role, role, Sha256(std::string("token-") + role)});
  const Authenticator auth(tokens, /*anonymous_read=*/true);
  auto who = [&auth](const std::string& role) {
    Request req;
    if (!role.empty()) req.headers["authorization"] = "Bearer token-" + role;
    return auth.Authenticate(req, kAnonymousAllowed).value();
  };
  struct Column {
    std::string name;
    Principal principal;
    std::string plan;
    std::function<bool(const std::string&)> may;
  };
  const std::vector<Column> columns = {
      {"admin", who("admin"), "DEJ", [](const std::string&) { return true; }},
      {"steering", who("steering"), "DEJ",
       [&](const std::string& t) { return governance.contains(t); }},
      {"auditor", who("auditor"), "DEJ", [](const std::string&) { return false; }},
      {"direction own plan", who("direction:DEJ"), "DEJ",
       [&](const std::string& t) {
         return t != "RegisterDirection" && t != "OpenCycle" && !governance.contains(t);
       }},
      {"direction other plan", who("direction:DEJ"), "DRH",
       [](const std::string&) { return false; }},
      {"anonymous", who(""), "DEJ", [](const std::string&) { return false; }},
  };
  for (const std::string& type : design) {
    for (const Column& c : columns) {
      EXPECT_EQ(c.principal.CanWrite(type, c.plan), c.may(type)) << type << " as " << c.name;
    }
  }
  EXPECT_TRUE(columns[5].principal.anonymous());
}

// Over HTTP: a direction's token may not take the governance decisions on
// its own plan; steering may.
TEST_F(HardeningTest, DirectionsMayNotTakeGovernanceDecisions) {
  Serve(false);
  const uint64_t head = Head();
  const std::vector<std::string> bodies = {
      R"({"type": "ValidateAxis", "data": {"direction": "DEJ", "axis": "A1",)"
      R"( "orientation": "O1", "by": "Comité", "date": "2018-07-01"}})",
      R"({"type": "RetainScenario", "data": {"direction": "DEJ", "scenario": "SC2"}})",
      R"({"type": "HoldReview", "data": {"direction": "DEJ", "date": "2018-06-29",)"
      R"( "participants": ["Directrice"], "decisions": "RAS"}})",
      R"({"type": "CloseRevision", "data": {"direction": "DEJ", "decision": "maintenu",)"
      R"( "date": "2018-07-01"}})",
  };
  for (const std::string& body : bodies) {
    const Raw r = Post(body, "direction:DEJ");
    EXPECT_EQ(r.status, 403) << body << ": " << r.body;
  }
  EXPECT_EQ(Head(), head);
  EXPECT_EQ(Post(bodies[0], "steering").status, 201);
  EXPECT_EQ(Post(bodies[1], "steering").status, 201);
}

}  // namespace
}  // namespace jalon::http
