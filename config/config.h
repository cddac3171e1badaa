// Loading and validation of jalon.toml.
//
// A wrong key, type or value stops the start with a message naming the key
// and its line: "jalon.toml:7: storage.dat_dir: unknown key". Every setting
// but the tokens has a default, so the minimal file in DESIGN.md is complete.
// JALON_LISTEN and JALON_DATA override server.listen and storage.data_dir.
//
// Config is a plain value; the functions are pure apart from reading the
// file and the environment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/plan/plan_state.h"  // IsValidDirectionCode
#include "engine/util/sha256.h"
#include "engine/util/status.h"
#include "jobs/options.h"

namespace jalon {

struct TokenConfig {
  std::string name;
  std::string role;  // admin | steering | auditor | direction:<CODE>
  Hash sha256{};     // of the token itself; the token is never stored
};

// [health]: when /healthz stops answering "ok".
struct HealthConfig {
  // Events the projections may lag behind the log head.
  uint64_t max_projection_lag = 10000;
};

struct Config {
  std::string source = "<defaults>";  // where it was read from, for messages
  std::string listen = "127.0.0.1:8080";
  bool anonymous_read = false;  // server.anonymous_read: token-less reads (demo)
  std::string data_dir = "var/jalon";
  // storage.min_free_mb: writes are refused (503) while the data directory's
  // filesystem has less free space than this, so RocksDB never meets a full
  // disk (Debian's build aborts on a failed log write).
  uint64_t min_free_mb = 64;
  std::vector<TokenConfig> tokens;
  HealthConfig health;
  jobs::JobsOptions jobs;  // [cycle], [reminders], [delivery], [[contacts]]
};

// Parses TOML text. `source` names it in error messages.
Result<Config> ParseConfig(std::string_view text, std::string_view source);
// Reads and parses `path`, then applies JALON_LISTEN and JALON_DATA.
Result<Config> LoadConfig(const std::string& path);

// "admin", "steering", "auditor" or "direction:" followed by a direction code.
bool IsValidRole(std::string_view role);

}  // namespace jalon
