#include "tools/daemon/tenants.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "engine/auth/ldap_password_checker.h"
#include "engine/http/auth.h"
#include "engine/http/metrics.h"
#include "engine/http/people_api.h"
#include "engine/http/plan_api.h"
#include "engine/http/router.h"
#include "engine/log/event_log.h"
#include "engine/people/people_service.h"
#include "engine/plan/plan_service.h"
#include "jobs/jobs_api.h"
#include "jobs/scheduler.h"
#include "jobs/sheet/sheet_api.h"
#include "tools/web/web_ui.h"

namespace jalon::daemon {

// Declared in the order they are built; destroyed in reverse.
struct Tenant::Parts {
  std::string id;
  std::string tag;  // "tenant lyon: " in the operator's log, "" for one city
  std::string data_dir;
  std::unique_ptr<EventLog> log;
  std::unique_ptr<Projections> projections;
  std::unique_ptr<PlanService> service;
  std::unique_ptr<PeopleService> people;
  // [auth.ldap]: what people's sign-ins ask instead of their local hash.
  std::unique_ptr<auth::LdapPasswordChecker> ldap;
  std::unique_ptr<http::PeopleApi> people_api;
  std::unique_ptr<http::Authenticator> auth;
  http::Router router;
  std::unique_ptr<http::PlanApi> plan_api;
  std::unique_ptr<jobs::Scheduler> scheduler;
  jobs::SchedulerOptions scheduler_options;
  std::string channel;
  http::RequestCounter requests;
  http::AsyncHandler counted;
};

namespace {

// The whole chain is verified before anything is served (about a second
// per million events, in parallel slices): a damaged event anywhere stops
// the writes, not only one at the head.
void VerifyOrRefuseWrites(EventLog& log, const std::string& tag, const std::string& data_dir) {
  const LogHead head = log.Head();
  if (log.WriteHealth().ok() && head.position > 0) {
    const auto started = std::chrono::steady_clock::now();
    const VerifyReport report = log.Verify(1, Hash{}, [&tag](uint64_t done, uint64_t total) {
      if (total >= 1000000 && done % 1000000 == 0)
        spdlog::info("{}verifying the hash chain: {} / {} events", tag, done, total);
    });
    Status files;
    if (!report.ok) {
      log.RefuseWrites(Status::Corruption("the event log is damaged at position " +
                                          std::to_string(report.first_bad_position) + ": " +
                                          report.reason));
    } else if (files = log.VerifyFiles(); !files.ok()) {
      // Damage outside the events (the stream index, the command ids) that
      // the chain walk does not read.
      log.RefuseWrites(Status::Corruption("the event log's files are damaged: " + files.message()));
    } else {
      spdlog::info("{}hash chain verified: {} events in {} ms", tag, report.events_checked,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
    }
  }
  if (Status damage = log.damage(); !damage.ok()) {
    // Recovery found the log shorter than what it acknowledged, or could not
    // replay its write-ahead log: opened read-only, as far as it reads.
    spdlog::critical(
        "{}the event log in {} is DAMAGED and was opened read-only: {}. Reads are served up to "
        "position {}; writes are refused (503) and the scheduler does not run. Stop jalond, run "
        "`jalon verify --data {}`, then restore the latest good backup, or go on from the last "
        "intact event and record the loss with `jalon repair --data {} --accept-loss`",
        tag, data_dir, damage.message(), log.Head().position, data_dir, data_dir);
    return;
  }
  if (Status health = log.WriteHealth(); !health.ok()) {
    spdlog::error(
        "{}writes refused: {}. Reads are served. To investigate, stop jalond and run `jalon verify "
        "--data {}`; to recover, restore the latest good backup into a new directory with "
        "`jalon restore --from BACKUP_DIR --data NEW_DIR` and point storage.data_dir at it",
        tag, health.ToString(), data_dir);
  }
}

}  // namespace

Tenant::Tenant(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Tenant::~Tenant() = default;

Result<std::unique_ptr<Tenant>> Tenant::Open(const Config& config, const Clock& clock) {
  auto p = std::make_unique<Parts>();
  p->id = config.tenant;
  p->tag = config.tenant.empty() ? "" : "tenant " + config.tenant + ": ";
  p->data_dir = config.data_dir;
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;  // serve reads of a damaged log; writes are refused
  options.min_free_bytes = config.min_free_mb << 20;
  spdlog::info("{}opening data directory {}", p->tag, config.data_dir);
  auto log = EventLog::Open(config.data_dir, options);
  if (!log.ok()) return log.status().WithContext(p->tag + "cannot open the event log");
  p->log = std::move(log).value();
  const LogHead head = p->log->Head();
  spdlog::info("{}recovered event log: head_position={} head_hash={} events={}", p->tag,
               head.position, ToHex(head.hash), head.position);
  VerifyOrRefuseWrites(*p->log, p->tag, config.data_dir);

  p->projections = std::make_unique<Projections>(*p->log);
  const std::string tag = p->tag;
  if (Status s = p->projections->Start([&tag](uint64_t done, uint64_t total) {
        spdlog::info("{}rebuilding projections: {} / {} events", tag, done, total);
      });
      !s.ok()) {
    return s.WithContext(p->tag + "cannot build the projections");
  }
  const ProjectionStats stats = p->projections->Stats();
  spdlog::info(
      "{}projections ready: {} direction(s), from checkpoint at {}, {} snapshot(s) ignored", p->tag,
      p->projections->Codes().size(), stats.checkpoint_position, stats.snapshots_ignored);

  p->service = std::make_unique<PlanService>(*p->log, *p->projections, clock);
  p->people = std::make_unique<PeopleService>(*p->log, clock);
  // Every write of an axis's validation (command, import, system append)
  // names one of the city's live orientations, when it keeps a list.
  p->service->SetOrientationCheck([people = p->people.get()](const std::string& orientation) {
    return OrientationRefusal(people->LiveOrientationTitles(), orientation);
  });
  if (Status s = p->people->Load(); !s.ok())
    return s.WithContext(p->tag + "cannot read the people stream");
  spdlog::info("{}{} person(s) known", p->tag, p->people->List().size());
  if (config.ldap.enabled()) {
    auto ldap = auth::LdapChecker::FromConfig(config.ldap);
    if (!ldap.ok()) return ldap.status().WithContext(p->tag + "[auth.ldap]");
    p->ldap = std::make_unique<auth::LdapPasswordChecker>(std::move(ldap).value(),
                                                          p->people->password_checker());
    p->people->SetPasswordChecker(p->ldap.get());
    spdlog::info("{}passwords are checked against the directory {}", p->tag, config.ldap.url);
  }
  http::PeopleApiOptions people_options;
  people_options.sessions.idle = std::chrono::minutes(config.auth.session_idle_minutes);
  people_options.sessions.max_lifetime = std::chrono::hours(config.auth.session_max_hours);
  people_options.secure_cookie = config.auth.secure_cookie;
  p->people_api = std::make_unique<http::PeopleApi>(*p->people, people_options);
  std::vector<http::TokenEntry> tokens;
  for (const auto& t : config.tokens) tokens.push_back({t.name, t.role, t.sha256});
  p->auth = std::make_unique<http::Authenticator>(std::move(tokens), config.anonymous_read,
                                                  p->people_api.get());
  if (config.anonymous_read)
    spdlog::warn("{}anonymous read-only access is on (server.anonymous_read)", p->tag);
  http::PlanApiOptions api_options;
  api_options.max_projection_lag = config.health.max_projection_lag;
  http::PeopleApi* people_api = p->people_api.get();
  api_options.people_commands = [people_api](const http::Request& req, const Json& body,
                                             const http::Principal& who, http::Reply reply) {
    people_api->ExecuteCommand(req, body, who, std::move(reply));
  };
  PeopleService* people = p->people.get();
  api_options.actor_name = [people](std::string_view actor) { return people->DisplayName(actor); };
  p->plan_api = std::make_unique<http::PlanApi>(*p->service, *p->log, *p->auth, api_options);
  p->plan_api->Register(p->router);
  p->people_api->Register(p->router, *p->auth);
  jobs::JobsOptions jobs = config.jobs;
  jobs.log_prefix = p->tag;
  p->scheduler = std::make_unique<jobs::Scheduler>(*p->service, clock, std::move(jobs),
                                                   jobs::MakeChannel(config.jobs.delivery));
  p->scheduler_options = config.jobs.scheduler;
  p->channel = config.jobs.delivery.channel;
  jobs::RegisterJobsRoutes(p->router, *p->scheduler, *p->service, *p->auth,
                           [people](std::string_view actor) { return people->DisplayName(actor); });
  jobs::RegisterSheetRoutes(p->router, *p->service, *p->auth);
  web::RegisterWebRoutes(p->router);
  http::RegisterMetrics(p->router, *p->log, *p->projections, p->requests);
  p->counted = http::CountingHandler(p->router, p->requests);
  return std::unique_ptr<Tenant>(new Tenant(std::move(p)));
}

const std::string& Tenant::id() const { return parts_->id; }

Instant Tenant::HeadRecordedAt() const { return parts_->log->Head().recorded_at; }

void Tenant::Handle(const http::Request& req, http::Reply reply) const {
  parts_->counted(req, std::move(reply));
}

bool Tenant::IsQuick(const http::Request& req) const { return parts_->router.IsQuick(req); }

void Tenant::StartScheduler() {
  if (Status health = parts_->log->WriteHealth(); health.IsCorruption()) {
    // A damaged log takes no writes: the scheduler's appends would all be
    // refused, and nothing it sends could be recorded.
    spdlog::error("{}scheduler not started: the event log is damaged ({})", parts_->tag,
                  health.message());
    return;
  }
  if (parts_->scheduler_options.enabled) {
    parts_->scheduler->Start(std::chrono::milliseconds(parts_->scheduler_options.period_ms));
    spdlog::info("{}scheduler running every {} ms: delivery by {}", parts_->tag,
                 parts_->scheduler_options.period_ms, parts_->channel);
  } else {
    spdlog::warn("{}scheduler disabled (scheduler.enabled = false): nothing fires, nothing is sent",
                 parts_->tag);
  }
}

void Tenant::Quiesce() {
  parts_->scheduler->Stop();     // finishes the pass in progress
  parts_->plan_api->Shutdown();  // release the followers of /v1/events
}

void Tenant::Close() {
  if (!parts_->log) return;
  if (Status s = parts_->projections->WriteCheckpoint(); !s.ok())
    spdlog::warn("{}{}", parts_->tag, s.message());
  // The scheduler and the service borrow the log: they go first.
  parts_->scheduler.reset();
  parts_->plan_api.reset();
  parts_->people_api.reset();  // waits for the people commands running
  parts_->people.reset();
  parts_->service.reset();
  parts_->projections.reset();
  parts_->log.reset();  // drains pending appends and closes RocksDB
  spdlog::info("{}event log closed", parts_->tag);
}

namespace {

// The city a /t/{id}/... path names, and the path inside that city; null
// when the path names none. `*inner` is empty for /t/{id} itself.
const Tenant* Resolve(const std::map<std::string, const Tenant*, std::less<>>& by_id,
                      std::string_view path, std::string_view* inner) {
  constexpr std::string_view kPrefix = "/t/";
  if (!path.starts_with(kPrefix)) return nullptr;
  const size_t slash = path.find('/', kPrefix.size());
  const std::string_view id =
      path.substr(kPrefix.size(), slash == std::string_view::npos ? slash : slash - kPrefix.size());
  const auto it = by_id.find(id);
  if (it == by_id.end()) return nullptr;
  *inner = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  return it->second;
}

}  // namespace

TenantRoutes RouteTenants(const std::vector<std::unique_ptr<Tenant>>& tenants) {
  if (tenants.size() == 1 && tenants.front()->id().empty()) {
    const Tenant* only = tenants.front().get();
    return {[only](const http::Request& req, http::Reply reply) {
              only->Handle(req, std::move(reply));
            },
            [only](const http::Request& req) { return only->IsQuick(req); }};
  }
  std::map<std::string, const Tenant*, std::less<>> by_id;
  for (const auto& t : tenants) by_id.emplace(t->id(), t.get());
  TenantRoutes routes;
  routes.handle = [by_id](const http::Request& req, http::Reply reply) {
    std::string_view inner;
    const Tenant* tenant = Resolve(by_id, req.path, &inner);
    if (tenant == nullptr) {
      return reply(req.path.starts_with("/t/")
                       ? http::ErrorResponse(404, "no city here is called that")
                       : http::ErrorResponse(404,
                                             "this server hosts several cities: their routes are "
                                             "under /t/{city}/"));
    }
    if (inner.empty()) {
      // The dashboard's assets are relative to /t/{id}/.
      http::Response res;
      res.status = 308;
      res.content_type = "text/plain; charset=utf-8";
      res.headers["Location"] = req.path + "/";
      res.body = "voir " + res.headers["Location"] + "\n";
      return reply(std::move(res));
    }
    http::Request routed = req;
    routed.path = std::string(inner);
    tenant->Handle(routed, std::move(reply));
  };
  routes.quick = [by_id](const http::Request& req) {
    std::string_view inner;
    const Tenant* tenant = Resolve(by_id, req.path, &inner);
    if (tenant == nullptr || inner.empty()) return false;
    // A QuickIf reads the method, path and query only: no copy of the body.
    http::Request probe;
    probe.method = req.method;
    probe.path = std::string(inner);
    probe.query = req.query;
    return tenant->IsQuick(probe);
  };
  return routes;
}

}  // namespace jalon::daemon
