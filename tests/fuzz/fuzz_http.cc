// The HTTP request handler in process, without a socket: any bytes as a
// request ("METHOD TARGET" line, "name: value" header lines, an empty line,
// the body) dispatched to the /v1 routes and the web UI over a real log in a
// temporary directory. Every answer is a status between 200 and 599 with a
// body that is JSON when it says so.
#include <unistd.h>

#include <filesystem>

#include "engine/http/auth.h"
#include "engine/http/plan_api.h"
#include "engine/http/router.h"
#include "engine/log/event_log.h"
#include "engine/plan/plan_service.h"
#include "engine/plan/projections.h"
#include "engine/util/sha256.h"
#include "jobs/jobs_api.h"
#include "jobs/scheduler.h"
#include "tests/fuzz/fuzz_util.h"
#include "tools/web/web_ui.h"

namespace {

using namespace jalon;

struct Server {
  Server() : clock(ParseInstant("2018-07-02T08:00:00Z").value()) {
    char tmpl[] = "/tmp/jalon-fuzz-http-XXXXXX";
    dir = mkdtemp(tmpl);
    EventLogOptions options;
    options.clock = &clock;
    options.sync = false;
    log = EventLog::Open(dir, options).value();
    projections = std::make_unique<Projections>(*log);
    if (!projections->Start().ok()) std::abort();
    service = std::make_unique<PlanService>(*log, *projections, clock);
    auth = std::make_unique<http::Authenticator>(std::vector<http::TokenEntry>{
        {"admin", "admin", Sha256("t-admin")}, {"dej", "direction:DEJ", Sha256("t-dej")}});
    api = std::make_unique<http::PlanApi>(*service, *log, *auth);
    api->Register(router);
    jobs::JobsOptions jobs_options;
    jobs_options.delivery.channel = "maildir";
    jobs_options.delivery.maildir = dir + "/mail";
    scheduler = std::make_unique<jobs::Scheduler>(*service, clock, jobs_options,
                                                  jobs::MakeChannel(jobs_options.delivery));
    jobs::RegisterJobsRoutes(router, *scheduler, *service, *auth);
    web::RegisterWebRoutes(router);
    // A plan to read and write.
    std::ifstream in(JALON_EXAMPLE_PLAN);
    std::stringstream text;
    text << in.rdbuf();
    if (!service->Import(Json::parse(text.str()), "fuzz").ok()) std::abort();
  }
  ~Server() {
    api->Shutdown();
    scheduler.reset();
    api.reset();
    service.reset();
    projections.reset();
    log.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string dir;
  SimulatedClock clock;
  std::unique_ptr<EventLog> log;
  std::unique_ptr<Projections> projections;
  std::unique_ptr<PlanService> service;
  std::unique_ptr<http::Authenticator> auth;
  std::unique_ptr<http::PlanApi> api;
  std::unique_ptr<jobs::Scheduler> scheduler;
  http::Router router;
};

// The server lives across inputs (libFuzzer never returns), but its log
// grows with every accepted write and every read gets slower with it: past
// 5,000 events it starts again on a fresh log. The last one is never
// destroyed: at exit RocksDB's own statics may already be gone.
Server& TheServer() {
  static Server* server = nullptr;
  if (server == nullptr || server->log->Head().position > 5000) {
    delete server;
    server = new Server();
  }
  return *server;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = fuzz::AsText(data, size);
  auto line = [&in]() {
    const size_t end = in.find('\n');
    std::string_view l = in.substr(0, end);
    in = end == std::string_view::npos ? std::string_view() : in.substr(end + 1);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    return l;
  };
  const std::string_view first = line();
  const size_t space = first.find(' ');
  if (space == std::string_view::npos) return 0;
  http::Request req;
  req.method = std::string(first.substr(0, space));
  if (!http::ParseTarget(std::string(first.substr(space + 1)), &req.path, &req.query)) return 0;
  for (std::string_view h = line(); !h.empty(); h = line()) {
    const size_t colon = h.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(h.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    req.headers[name] = std::string(value);
  }
  req.body = std::string(in);
  req.request_id = "fuzz";
  // Long polls would only make the fuzzer wait, and a backup writes where
  // the request says: neither belongs in a campaign.
  req.query.erase("wait");
  if (req.path.find("backup") != std::string::npos) return 0;
  const http::Response res = TheServer().router.Dispatch(req);
  if (res.status < 200 || res.status > 599) std::abort();
  if (res.content_type == "application/json" && !res.body.empty() &&
      Json::parse(res.body, nullptr, false).is_discarded())
    std::abort();
  return 0;
}
