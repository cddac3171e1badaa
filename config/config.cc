#include "config/config.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config_internal.h"
#include "config/toml_reader.h"

namespace jalon {

using config_internal::CheckKeys;
using config_internal::ForEachTable;
using config_internal::LoadTenants;
using config_internal::ReadBool;
using config_internal::ReadContacts;
using config_internal::ReadCycle;
using config_internal::ReadDelivery;
using config_internal::ReadInt;
using config_internal::ReadReminders;
using config_internal::ReadString;
using config_internal::ReadTenants;
using config_internal::ReadWholeFile;
using config_internal::RequireKeys;
using config_internal::SubTable;
using config_internal::Where;

namespace {

bool ValidListen(std::string_view listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= 65535;
}

// [[tokens]]: a name, a role and the SHA-256 of each token, appended to *out.
Status ReadTokens(std::string_view source, const toml::node& node, std::vector<TokenConfig>* out) {
  std::set<std::string> names;
  return ForEachTable(
      source, node, "tokens", false,
      [&](const std::string& prefix, const toml::table& table) -> Status {
        const toml::table* t = &table;
        JALON_RETURN_IF_ERROR(CheckKeys(source, *t, prefix, {"name", "role", "sha256"}));
        TokenConfig token;
        std::string hex;
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "name", &token.name));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "role", &token.role));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "sha256", &hex));
        JALON_RETURN_IF_ERROR(RequireKeys(source, *t, prefix, {"name", "role", "sha256"}));
        if (!IsValidRole(token.role)) {
          return Status::InvalidArgument(
              Where(source, t->get("role")->source(), prefix + ".role") +
              "must be admin, steering, auditor, direction:<CODE> or reader:<CODE>, not '" +
              token.role + "'");
        }
        if (!FromHex(hex, &token.sha256)) {
          return Status::InvalidArgument(
              Where(source, t->get("sha256")->source(), prefix + ".sha256") +
              "must be 64 hex digits (see `jalon token hash`)");
        }
        if (!names.insert(token.name).second) {
          return Status::InvalidArgument(Where(source, t->get("name")->source(), prefix + ".name") +
                                         "duplicate token name '" + token.name + "'");
        }
        out->push_back(std::move(token));
        return Status::Ok();
      });
}

}  // namespace

bool IsValidRole(std::string_view role) {
  if (role == "admin" || role == "steering" || role == "auditor") return true;
  for (std::string_view prefix : {std::string_view("direction:"), std::string_view("reader:")}) {
    if (role.starts_with(prefix)) return IsValidDirectionCode(role.substr(prefix.size()));
  }
  return false;
}

Result<Config> ParseConfig(std::string_view text, std::string_view source, ConfigScope scope) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(source) + ":" +
                                   std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  Config config;
  config.source = std::string(source);
  const bool tenant = scope == ConfigScope::kTenant;
  if (tenant) {
    JALON_RETURN_IF_ERROR(CheckKeys(source, root, "",
                                    {"server", "storage", "tokens", "cycle", "health", "reminders",
                                     "delivery", "contacts", "scheduler", "auth"}));
  } else if (const toml::node* tenants = root.get("tenants")) {
    // Several cities: the main file holds [server] and the list only, so
    // that no setting (a token above all) seems to apply to every city.
    for (const auto& [key, node] : root) {
      if (key.str() != "server" && key.str() != "tenants") {
        return Status::InvalidArgument(
            Where(source, key.source(), key.str()) +
            "with [[tenants]], each city's settings go into its own file (tenants[].config)");
      }
    }
    JALON_RETURN_IF_ERROR(ReadTenants(source, *tenants, &config.tenant_files));
  } else {
    JALON_RETURN_IF_ERROR(CheckKeys(source, root, "",
                                    {"server", "storage", "tokens", "cycle", "health", "reminders",
                                     "delivery", "contacts", "scheduler", "auth"}));
  }

  Status error;
  if (const toml::table* server = SubTable(root, "server", &error, source)) {
    if (tenant) {  // the listening address is the main file's
      JALON_RETURN_IF_ERROR(CheckKeys(source, *server, "server", {"anonymous_read"}));
    } else if (!config.tenant_files.empty()) {  // anonymous_read is each city's choice
      JALON_RETURN_IF_ERROR(CheckKeys(source, *server, "server", {"listen"}));
    } else {
      JALON_RETURN_IF_ERROR(CheckKeys(source, *server, "server", {"listen", "anonymous_read"}));
    }
    JALON_RETURN_IF_ERROR(
        ReadBool(source, *server, "server", "anonymous_read", &config.anonymous_read));
    JALON_RETURN_IF_ERROR(ReadString(source, *server, "server", "listen", &config.listen));
    if (!ValidListen(config.listen)) {
      return Status::InvalidArgument(
          Where(source, server->get("listen")->source(), "server.listen") +
          "expected HOST:PORT, e.g. 127.0.0.1:8080");
    }
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* storage = SubTable(root, "storage", &error, source)) {
    JALON_RETURN_IF_ERROR(CheckKeys(source, *storage, "storage", {"data_dir", "min_free_mb"}));
    JALON_RETURN_IF_ERROR(ReadString(source, *storage, "storage", "data_dir", &config.data_dir));
    JALON_RETURN_IF_ERROR(ReadInt(source, *storage, "storage", "min_free_mb", 0, int64_t{1} << 30,
                                  &config.min_free_mb));
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* cycle = SubTable(root, "cycle", &error, source)) {
    JALON_RETURN_IF_ERROR(ReadCycle(source, *cycle, &config.jobs.cycle));
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* scheduler = SubTable(root, "scheduler", &error, source)) {
    jobs::SchedulerOptions& o = config.jobs.scheduler;
    JALON_RETURN_IF_ERROR(CheckKeys(source, *scheduler, "scheduler", {"enabled", "period_ms"}));
    JALON_RETURN_IF_ERROR(ReadBool(source, *scheduler, "scheduler", "enabled", &o.enabled));
    JALON_RETURN_IF_ERROR(
        ReadInt(source, *scheduler, "scheduler", "period_ms", 10, 3600000, &o.period_ms));
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* reminders = SubTable(root, "reminders", &error, source)) {
    JALON_RETURN_IF_ERROR(ReadReminders(source, *reminders, &config.jobs.reminders));
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* delivery = SubTable(root, "delivery", &error, source)) {
    JALON_RETURN_IF_ERROR(ReadDelivery(source, *delivery, &config.jobs.delivery));
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::node* contacts = root.get("contacts")) {
    JALON_RETURN_IF_ERROR(ReadContacts(source, *contacts, &config.jobs.delivery.contacts));
  }
  if (const toml::table* health = SubTable(root, "health", &error, source)) {
    JALON_RETURN_IF_ERROR(CheckKeys(source, *health, "health", {"max_projection_lag"}));
    JALON_RETURN_IF_ERROR(ReadInt(source, *health, "health", "max_projection_lag", 1,
                                  int64_t{1} << 40, &config.health.max_projection_lag));
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* auth = SubTable(root, "auth", &error, source)) {
    JALON_RETURN_IF_ERROR(
        CheckKeys(source, *auth, "auth",
                  {"session_idle_minutes", "session_max_hours", "secure_cookie", "ldap"}));
    JALON_RETURN_IF_ERROR(ReadInt(source, *auth, "auth", "session_idle_minutes", 1, 7 * 24 * 60,
                                  &config.auth.session_idle_minutes));
    JALON_RETURN_IF_ERROR(ReadInt(source, *auth, "auth", "session_max_hours", 1, 24 * 31,
                                  &config.auth.session_max_hours));
    JALON_RETURN_IF_ERROR(
        ReadBool(source, *auth, "auth", "secure_cookie", &config.auth.secure_cookie));
    JALON_RETURN_IF_ERROR(config_internal::ReadAuthLdap(source, *auth, &config.ldap));
  }
  JALON_RETURN_IF_ERROR(error);

  if (const toml::node* tokens = root.get("tokens")) {
    JALON_RETURN_IF_ERROR(ReadTokens(source, *tokens, &config.tokens));
  }
  return config;
}

namespace config_internal {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("config file " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace config_internal

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  auto config = ParseConfig(*text, path);
  if (!config.ok()) return config;
  if (const char* listen = std::getenv("JALON_LISTEN"); listen != nullptr && *listen != '\0') {
    if (!ValidListen(listen)) {
      return Status::InvalidArgument("JALON_LISTEN: expected HOST:PORT, got '" +
                                     std::string(listen) + "'");
    }
    config->listen = listen;
  }
  if (const char* data = std::getenv("JALON_DATA"); data != nullptr && *data != '\0') {
    if (!config->tenant_files.empty()) {
      return Status::InvalidArgument(
          "JALON_DATA: cannot apply to " + path +
          ", which lists [[tenants]] (each city's data_dir is in its own file); unset it");
    }
    config->data_dir = data;
  }
  JALON_RETURN_IF_ERROR(LoadTenants(&*config));
  return config;
}

}  // namespace jalon
