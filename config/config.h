// Loading and validation of jalon.toml.
//
// A wrong key, type or value stops the start with a message naming the key
// and its line: "jalon.toml:7: storage.dat_dir: unknown key". Every setting
// but the tokens has a default, so the minimal file in DESIGN.md is complete.
// JALON_LISTEN and JALON_DATA override server.listen and storage.data_dir.
//
// Config is a plain value; the functions are pure apart from reading the
// file and the environment.
//
// Inside: config.cc reads the main sections and the tokens, jobs_sections.cc
// the settings of jobs/, tenants.cc the [[tenants]] and the cities' files,
// all through toml_reader.h, which puts the key and its line in messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/auth/ldap_options.h"
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

// [auth]: sign-in sessions (DESIGN.md, "People, sign-in…").
struct AuthConfig {
  uint64_t session_idle_minutes = 30;  // a session unused this long ends
  uint64_t session_max_hours = 12;     // and any session ends after this
  bool secure_cookie = false;          // Secure on the cookie (jalond behind TLS)
};

// One line of [[tenants]] in the main file: a city and its settings file.
struct TenantRef {
  std::string id;    // the city's routes are /t/{id}/...: [a-z0-9-], 1 to 32, a letter first
  std::string file;  // its settings, resolved against the main file's directory
};

struct Config {
  std::string source = "<defaults>";  // where it was read from, for messages
  // With [[tenants]], one jalond serves several cities (docs/scaling.md):
  // the main file holds [server] and the list, and each city's own file
  // holds everything else (its data directory, tokens, cycle, delivery,
  // contacts). `tenant` is the city's id in a city's Config, empty otherwise.
  std::string tenant;
  std::vector<TenantRef> tenant_files;  // as listed in the main file
  std::vector<Config> tenants;          // loaded by LoadConfig, same order
  std::string listen = "127.0.0.1:8080";
  bool anonymous_read = false;  // server.anonymous_read: token-less reads (demo)
  std::string data_dir = "var/jalon";
  // storage.min_free_mb: writes are refused (503) while the data directory's
  // filesystem has less free space than this, so RocksDB never meets a full
  // disk (Debian's build aborts on a failed log write).
  uint64_t min_free_mb = 64;
  std::vector<TokenConfig> tokens;
  HealthConfig health;
  AuthConfig auth;
  jobs::JobsOptions jobs;  // [cycle], [reminders], [delivery], [[contacts]]
  auth::LdapOptions ldap;  // [auth.ldap]; off (url empty) without it
};

// A main file, or one city's file of [[tenants]] (no server.listen, no
// [[tenants]] of its own).
enum class ConfigScope { kMain, kTenant };

// Parses TOML text. `source` names it in error messages. [[tenants]] are
// listed in tenant_files, not loaded.
Result<Config> ParseConfig(std::string_view text, std::string_view source,
                           ConfigScope scope = ConfigScope::kMain);
// Reads and parses `path`, then applies JALON_LISTEN and JALON_DATA, and
// loads the cities' files of [[tenants]]. Cities must not share a data
// directory, a maildir or a token.
Result<Config> LoadConfig(const std::string& path);

// "lyon", "saint-denis": lower-case letters, digits and '-', 1 to 32, a
// letter first.
bool IsValidTenantId(std::string_view id);

// "admin", "steering", "auditor", or "direction:" or "reader:" followed by a
// direction code.
bool IsValidRole(std::string_view role);

}  // namespace jalon
