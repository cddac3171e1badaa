// jalon: the command-line client. Each verb works on a data directory
// (--data DIR) while the daemon is stopped; talking to a running daemon
// (--url) arrives with the HTTP API.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "engine/log/event_log.h"

namespace {

int Verify(const std::string& data_dir, bool json, uint64_t from, const std::string& trusted_hex) {
  jalon::SystemClock clock;
  jalon::EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;  // verify exists to report damage
  auto log = jalon::EventLog::Open(data_dir, options);
  if (!log.ok()) {
    std::cerr << "jalon verify: " << log.status().message() << "\n";
    return 2;
  }
  jalon::Hash trusted{};
  if (from > 1 && !jalon::FromHex(trusted_hex, &trusted)) {
    std::cerr << "jalon verify: --trusted-hash: must be the 64-hex-digit hash of position "
              << from - 1 << "\n";
    return 2;
  }
  auto progress = [](uint64_t done, uint64_t total) {
    if (total >= 200000)
      std::fprintf(stderr, "\rverifying: %llu / %llu events", static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total));
  };
  jalon::VerifyReport r = (*log)->Verify(from, trusted, progress);
  if ((*log)->Head().position >= 200000) std::fputc('\n', stderr);
  if (json) {
    nlohmann::json out = {{"ok", r.ok},
                          {"head_position", r.head_position},
                          {"head_hash", jalon::ToHex(r.head_hash)},
                          {"events_checked", r.events_checked}};
    if (!r.ok) {
      out["first_bad_position"] = r.first_bad_position;
      out["reason"] = r.reason;
    }
    std::cout << out.dump(2) << "\n";
  } else if (r.ok) {
    std::cout << "OK: the hash chain holds. head_position=" << r.head_position
              << " head_hash=" << jalon::ToHex(r.head_hash) << " checked=" << r.events_checked
              << "\n";
  } else {
    std::cout << "DAMAGED: first bad position " << r.first_bad_position << ": " << r.reason
              << "\n  last good position " << r.head_position << " hash "
              << jalon::ToHex(r.head_hash) << "\n  restore from a backup taken before the damage"
              << "\n";
  }
  return r.ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"jalon: the Jalon command-line client"};
  app.require_subcommand(1);

  auto* verify = app.add_subcommand("verify",
                                    "Check the event log's hash chain from position 1 "
                                    "(or from a trusted checkpoint)");
  std::string data_dir;
  bool json = false;
  uint64_t from = 1;
  std::string trusted_hash;
  verify->add_option("-d,--data", data_dir, "Data directory of a stopped daemon")->required();
  verify->add_flag("--json", json, "Print {ok, head_position, head_hash, ...} as JSON");
  verify->add_option("--from", from, "Start at this position (a trusted checkpoint + 1)")
      ->check(CLI::PositiveNumber);
  verify->add_option("--trusted-hash", trusted_hash, "Hash of position FROM - 1 when --from > 1");

  CLI11_PARSE(app, argc, argv);
  if (verify->parsed()) return Verify(data_dir, json, from, trusted_hash);
  return 2;
}
