// jalond: the Jalon daemon. Opens each city's data directory, recovers its
// log and projections, serves the HTTP API, and runs until SIGTERM or
// SIGINT: then it stops accepting, lets in-flight requests finish, writes
// the projection checkpoints, closes the logs and exits 0.
//
// A plain config is one city served at the root; a config with [[tenants]]
// serves each city under /t/{id}/ (tools/daemon/tenants.h). The logic
// lives in the libraries; this file only wires them.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>

#include "config/config.h"
#include "engine/http/http_server.h"
#include "tools/daemon/tenants.h"

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

  if (!data_override.empty() && !config.tenants.empty()) {
    spdlog::critical("--data: {} lists [[tenants]]; each city's data_dir is in its own file",
                     config.source);
    return 2;
  }

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

  // One city (a plain config) or several ([[tenants]]), each its own stack.
  std::vector<std::unique_ptr<jalon::daemon::Tenant>> tenants;
  const std::vector<jalon::Config> single = {config};
  for (const jalon::Config& city : config.tenants.empty() ? single : config.tenants) {
    auto tenant = jalon::daemon::Tenant::Open(city, clock);
    if (!tenant.ok()) {
      spdlog::critical("{}", tenant.status().ToString());
      return 1;
    }
    tenants.push_back(std::move(tenant).value());
  }
  // A simulated clock never starts before what a log already holds: a
  // restarted demo resumes where it stopped instead of stalling recorded_at.
  for (const auto& tenant : tenants) {
    if (simulated && tenant->HeadRecordedAt() > simulated->Now()) {
      simulated->StartAt(tenant->HeadRecordedAt());
      spdlog::warn("simulated clock resumes at the log's head: {}",
                   jalon::FormatInstant(tenant->HeadRecordedAt()));
    }
  }

  const jalon::daemon::TenantRoutes routes = jalon::daemon::RouteTenants(tenants);
  const jalon::http::AsyncHandler& routed = routes.handle;
  jalon::http::ServerOptions server_options;
  server_options.quick = routes.quick;
  const size_t colon = config.listen.rfind(':');
  server_options.address = config.listen.substr(0, colon);
  server_options.port = static_cast<uint16_t>(std::stoi(config.listen.substr(colon + 1)));
  jalon::http::HttpServer server(
      server_options, [&routed](const jalon::http::Request& req, jalon::http::Reply reply) {
        routed(req, jalon::http::Observed(
                        std::move(reply), [id = req.request_id, method = req.method,
                                           path = req.path](const jalon::http::Response& res) {
                          if (res.status >= 500) {
                            // The reason of a server-side refusal (a full disk, a damaged
                            // log) is in the operator's log too, not only in the answer.
                            spdlog::warn("request_id={} method={} path={} status={} {}", id, method,
                                         path, res.status, res.body.substr(0, 400));
                          } else {
                            spdlog::info("request_id={} method={} path={} status={}", id, method,
                                         path, res.status);
                          }
                        }));
      });
  if (jalon::Status s = server.Start(); !s.ok()) {
    spdlog::critical("{}", s.message());
    return 1;
  }
  if (config.tenants.empty()) {
    spdlog::info("serving http://{}:{}/ (pid {}); stop with SIGTERM or SIGINT",
                 server_options.address, server.port(), ::getpid());
  } else {
    for (const auto& tenant : tenants) {
      spdlog::info("tenant {}: http://{}:{}/t/{}/", tenant->id(), server_options.address,
                   server.port(), tenant->id());
    }
    spdlog::info(
        "serving http://{}:{}/ ({} cities under /t/{{city}}/, pid {}); stop with SIGTERM "
        "or SIGINT",
        server_options.address, server.port(), tenants.size(), ::getpid());
  }
  for (const auto& tenant : tenants) tenant->StartScheduler();
  spdlog::info("jalond running");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  for (const auto& tenant : tenants) tenant->Quiesce();
  server.Stop(std::chrono::seconds(10));
  for (const auto& tenant : tenants) tenant->Close();
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
