// jalond: the Jalon daemon. Opens the data directory, recovers the log and
// the projections, serves the HTTP API, and runs until SIGTERM or SIGINT:
// then it stops accepting, lets in-flight requests finish, writes a
// projection checkpoint, closes the log and exits 0.
//
// The logic lives in the libraries; this file only wires them, the
// scheduler and its routes (/v1/schedule, /v1/reminders) included.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>

#include "config/config.h"
#include "engine/http/http_server.h"
#include "engine/http/metrics.h"
#include "engine/http/plan_api.h"
#include "engine/log/event_log.h"
#include "engine/plan/plan_service.h"
#include "jobs/jobs_api.h"
#include "jobs/scheduler.h"
#include "tools/web/web_ui.h"

namespace {

// Blocks SIGTERM and SIGINT in every thread (call before starting any), then
// waits for one of them.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A file-size limit reached is a failed write (EFBIG) like a full disk:
  // refuse writes and carry on, do not die of SIGXFSZ.
  signal(SIGXFSZ, SIG_IGN);
  return set;
}

struct ClockFlags {
  std::string start;  // --clock-start: simulated time from this instant
  double speed = 1;   // --clock-speed
};

int Run(const std::string& config_path, const std::string& data_override,
        const std::string& listen_override, const ClockFlags& clock_flags) {
  const sigset_t stop_signals = BlockStopSignals();
  jalon::Config config;
  if (!config_path.empty()) {
    auto loaded = jalon::LoadConfig(config_path);
    if (!loaded.ok()) {
      spdlog::critical("configuration refused: {}", loaded.status().message());
      return 2;
    }
    config = std::move(loaded).value();
  } else {
    if (const char* data = std::getenv("JALON_DATA"); data != nullptr && *data != '\0')
      config.data_dir = data;
    if (const char* listen = std::getenv("JALON_LISTEN"); listen != nullptr && *listen != '\0')
      config.listen = listen;
  }
  if (!data_override.empty()) config.data_dir = data_override;
  if (!listen_override.empty()) config.listen = listen_override;

  jalon::SystemClock system_clock;
  std::unique_ptr<jalon::ScaledClock> simulated;
  if (!clock_flags.start.empty()) {
    auto start = jalon::ParseInstant(clock_flags.start);
    if (!start.ok() || clock_flags.speed <= 0) {
      spdlog::critical("--clock-start: {}",
                       start.ok() ? "--clock-speed must be positive" : start.status().message());
      return 2;
    }
    simulated = std::make_unique<jalon::ScaledClock>(*start, clock_flags.speed);
    spdlog::warn("simulated clock: from {} at {}x real time", clock_flags.start, clock_flags.speed);
  }
  const jalon::Clock& clock =
      simulated ? static_cast<const jalon::Clock&>(*simulated) : system_clock;
  jalon::EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;  // serve reads of a damaged log; writes are refused
  options.min_free_bytes = config.min_free_mb << 20;
  spdlog::info("opening data directory {}", config.data_dir);
  auto log = jalon::EventLog::Open(config.data_dir, options);
  if (!log.ok()) {
    spdlog::critical("cannot open the event log: {}", log.status().ToString());
    return 1;
  }
  const jalon::LogHead head = (*log)->Head();
  // A simulated clock never starts before what the log already holds: a
  // restarted demo resumes where it stopped instead of stalling recorded_at.
  if (simulated && head.recorded_at > simulated->Now()) {
    simulated->StartAt(head.recorded_at);
    spdlog::warn("simulated clock resumes at the log's head: {}",
                 jalon::FormatInstant(head.recorded_at));
  }
  spdlog::info("recovered event log: head_position={} head_hash={} events={}", head.position,
               jalon::ToHex(head.hash), head.position);
  // The whole chain is verified before anything is served (about a second
  // per million events, in parallel slices): a damaged event anywhere stops
  // the writes, not only one at the head.
  if ((*log)->WriteHealth().ok() && head.position > 0) {
    const auto started = std::chrono::steady_clock::now();
    const jalon::VerifyReport report =
        (*log)->Verify(1, jalon::Hash{}, [](uint64_t done, uint64_t total) {
          if (total >= 1000000 && done % 1000000 == 0)
            spdlog::info("verifying the hash chain: {} / {} events", done, total);
        });
    if (!report.ok) {
      (*log)->RefuseWrites(jalon::Status::Corruption("the event log is damaged at position " +
                                                     std::to_string(report.first_bad_position) +
                                                     ": " + report.reason));
    } else {
      spdlog::info("hash chain verified: {} events in {} ms", report.events_checked,
                   std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - started)
                       .count());
    }
  }
  if (jalon::Status health = (*log)->WriteHealth(); !health.ok()) {
    spdlog::error(
        "writes refused: {}. Reads are served. To investigate, stop jalond and run `jalon verify "
        "--data {}`; to recover, restore the latest good backup into a new directory with "
        "`jalon restore --from BACKUP_DIR --data NEW_DIR` and start jalond on it",
        health.ToString(), config.data_dir);
  }
  jalon::Projections projections(**log);
  if (jalon::Status s = projections.Start([](uint64_t done, uint64_t total) {
        spdlog::info("rebuilding projections: {} / {} events", done, total);
      });
      !s.ok()) {
    spdlog::critical("cannot build the projections: {}", s.ToString());
    return 1;
  }
  const jalon::ProjectionStats stats = projections.Stats();
  spdlog::info("projections ready: {} direction(s), from checkpoint at {}, {} snapshot(s) ignored",
               projections.Codes().size(), stats.checkpoint_position, stats.snapshots_ignored);

  jalon::PlanService service(**log, projections, clock);
  std::vector<jalon::http::TokenEntry> tokens;
  for (const auto& t : config.tokens) tokens.push_back({t.name, t.role, t.sha256});
  jalon::http::Authenticator auth(std::move(tokens), config.anonymous_read);
  if (config.anonymous_read)
    spdlog::warn("anonymous read-only access is on (server.anonymous_read)");
  jalon::http::Router router;
  jalon::http::PlanApiOptions api_options;
  api_options.max_projection_lag = config.health.max_projection_lag;
  jalon::http::PlanApi plan_api(service, **log, auth, api_options);
  plan_api.Register(router);
  jalon::jobs::Scheduler scheduler(service, clock, config.jobs,
                                   jalon::jobs::MakeChannel(config.jobs.delivery));
  jalon::jobs::RegisterJobsRoutes(router, scheduler, service, auth);
  jalon::web::RegisterWebRoutes(router);
  jalon::http::RequestCounter request_counter;
  jalon::http::RegisterMetrics(router, **log, projections, request_counter);
  const jalon::http::Handler counted = jalon::http::CountingHandler(router, request_counter);
  jalon::http::ServerOptions server_options;
  const size_t colon = config.listen.rfind(':');
  server_options.address = config.listen.substr(0, colon);
  server_options.port = static_cast<uint16_t>(std::stoi(config.listen.substr(colon + 1)));
  jalon::http::HttpServer server(server_options, [&counted](const jalon::http::Request& req) {
    jalon::http::Response res = counted(req);
    if (res.status >= 500) {
      // The reason of a server-side refusal (a full disk, a damaged log) is
      // in the operator's log too, not only in the client's answer.
      spdlog::warn("request_id={} method={} path={} status={} {}", req.request_id, req.method,
                   req.path, res.status, res.body.substr(0, 400));
    } else {
      spdlog::info("request_id={} method={} path={} status={}", req.request_id, req.method,
                   req.path, res.status);
    }
    return res;
  });
  if (jalon::Status s = server.Start(); !s.ok()) {
    spdlog::critical("{}", s.message());
    return 1;
  }
  spdlog::info("serving http://{}:{}/ (pid {}); stop with SIGTERM or SIGINT",
               server_options.address, server.port(), ::getpid());
  if (config.jobs.scheduler.enabled) {
    scheduler.Start(std::chrono::milliseconds(config.jobs.scheduler.period_ms));
    spdlog::info("scheduler running every {} ms: delivery by {}", config.jobs.scheduler.period_ms,
                 config.jobs.delivery.channel);
  } else {
    spdlog::warn("scheduler disabled (scheduler.enabled = false): nothing fires, nothing is sent");
  }
  spdlog::info("jalond running");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  scheduler.Stop();     // finishes the pass in progress
  plan_api.Shutdown();  // release the followers of /v1/events
  server.Stop(std::chrono::seconds(10));
  if (jalon::Status s = projections.WriteCheckpoint(); !s.ok()) spdlog::warn("{}", s.message());
  log->reset();  // drains pending appends and closes RocksDB
  spdlog::info("event log closed; bye");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"jalond: the Jalon daemon (event log, projections, HTTP API, scheduled jobs)"};
  std::string config_path, data_dir;
  app.add_option("-c,--config", config_path, "Configuration file (TOML), e.g. config/jalon.toml")
      ->check(CLI::ExistingFile);
  app.add_option("-d,--data", data_dir,
                 "Data directory; overrides storage.data_dir and JALON_DATA");
  std::string listen;
  app.add_option("-l,--listen", listen,
                 "HOST:PORT to serve on (port 0: any free one); overrides server.listen and "
                 "JALON_LISTEN");
  ClockFlags clock_flags;
  app.add_option("--clock-start", clock_flags.start,
                 "Run on a simulated clock from this instant (demo and tests), e.g. 2016-01-01; "
                 "if the log already holds later events, from the last one");
  app.add_option("--clock-speed", clock_flags.speed,
                 "Simulated seconds per real second with --clock-start (86400: a day per second)");
  CLI11_PARSE(app, argc, argv);
  return Run(config_path, data_dir, listen, clock_flags);
}
