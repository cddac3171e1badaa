// jalond: the Jalon daemon. Opens the data directory, recovers the log's
// head, and runs until SIGTERM or SIGINT, then exits 0 after flushing.
//
// The HTTP API and the scheduler are registered here as they arrive; the
// logic lives in the libraries, this file only wires them.
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "config/config.h"
#include "engine/log/event_log.h"

namespace {

// Blocks SIGTERM and SIGINT in every thread (call before starting any), then
// waits for one of them.
sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

int Run(const std::string& config_path, const std::string& data_override) {
  const sigset_t stop_signals = BlockStopSignals();
  jalon::Config config;
  if (!config_path.empty()) {
    auto loaded = jalon::LoadConfig(config_path);
    if (!loaded.ok()) {
      spdlog::critical("configuration refused: {}", loaded.status().message());
      return 2;
    }
    config = std::move(loaded).value();
  } else if (const char* data = std::getenv("JALON_DATA"); data != nullptr && *data != '\0') {
    config.data_dir = data;
  }
  if (!data_override.empty()) config.data_dir = data_override;

  jalon::SystemClock clock;
  jalon::EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;  // serve reads of a damaged log; writes are refused
  spdlog::info("opening data directory {}", config.data_dir);
  auto log = jalon::EventLog::Open(config.data_dir, options);
  if (!log.ok()) {
    spdlog::critical("cannot open the event log: {}", log.status().ToString());
    return 1;
  }
  const jalon::LogHead head = (*log)->Head();
  spdlog::info("recovered event log: head_position={} head_hash={} events={}", head.position,
               jalon::ToHex(head.hash), head.position);
  if (jalon::Status health = (*log)->WriteHealth(); !health.ok()) {
    spdlog::error("writes refused: {}", health.ToString());
  }
  spdlog::info("jalond running (pid {}); stop with SIGTERM or SIGINT", ::getpid());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, shutting down", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
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
  CLI11_PARSE(app, argc, argv);
  return Run(config_path, data_dir);
}
