#include "config/config.h"

#include <toml++/toml.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace jalon {
namespace {

std::string Where(std::string_view source, const toml::source_region& region,
                  std::string_view key) {
  std::string out(source);
  if (region.begin.line > 0) out += ":" + std::to_string(region.begin.line);
  out += ": ";
  out += key;
  out += ": ";
  return out;
}

Status CheckKeys(std::string_view source, const toml::table& table, std::string_view prefix,
                 const std::set<std::string, std::less<>>& allowed) {
  for (const auto& [key, node] : table) {
    if (!allowed.contains(key.str())) {
      std::string full = prefix.empty() ? std::string(key.str())
                                        : std::string(prefix) + "." + std::string(key.str());
      return Status::InvalidArgument(Where(source, key.source(), full) + "unknown key");
    }
  }
  return Status::Ok();
}

// Reads an optional string at table[key] into *out.
Status ReadString(std::string_view source, const toml::table& table, std::string_view prefix,
                  std::string_view key, std::string* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string full = std::string(prefix) + "." + std::string(key);
  auto value = node->value<std::string>();
  if (!node->is_string() || !value) {
    return Status::InvalidArgument(Where(source, node->source(), full) + "must be a string");
  }
  if (value->empty()) {
    return Status::InvalidArgument(Where(source, node->source(), full) + "must not be empty");
  }
  *out = *value;
  return Status::Ok();
}

// Reads an optional boolean at table[key] into *out.
Status ReadBool(std::string_view source, const toml::table& table, std::string_view prefix,
                std::string_view key, bool* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_boolean()) {
    return Status::InvalidArgument(
        Where(source, node->source(), std::string(prefix) + "." + std::string(key)) +
        "must be true or false");
  }
  *out = node->as_boolean()->get();
  return Status::Ok();
}

// Reads an optional integer in [min, max] at table[key] into *out.
template <typename T>
Status ReadInt(std::string_view source, const toml::table& table, std::string_view prefix,
               std::string_view key, int64_t min, int64_t max, T* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string where =
      Where(source, node->source(), std::string(prefix) + "." + std::string(key));
  if (!node->is_integer()) return Status::InvalidArgument(where + "must be a whole number");
  const int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    return Status::InvalidArgument(where + "must be between " + std::to_string(min) + " and " +
                                   std::to_string(max));
  }
  *out = static_cast<T>(value);
  return Status::Ok();
}

// "MM-DD" of a date that exists every year (no 02-29).
bool ParseMonthDay(std::string_view text, jobs::MonthDay* out) {
  if (text.size() != 5 || text[2] != '-') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const unsigned month = static_cast<unsigned>((text[0] - '0') * 10 + (text[1] - '0'));
  const unsigned day = static_cast<unsigned>((text[3] - '0') * 10 + (text[4] - '0'));
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  *out = {month, day};
  return true;
}

Status ReadCycle(std::string_view source, const toml::table& cycle, jobs::CycleOptions* out) {
  JALON_RETURN_IF_ERROR(
      CheckKeys(source, cycle, "cycle", {"review_dates", "fire_time", "catch_up_days"}));
  if (const toml::node* node = cycle.get("review_dates")) {
    const std::string where = Where(source, node->source(), "cycle.review_dates");
    const toml::array* list = node->as_array();
    if (list == nullptr || list->empty() || list->size() > 12) {
      return Status::InvalidArgument(where + "must be a list of 1 to 12 \"MM-DD\" dates");
    }
    out->review_dates.clear();
    for (const toml::node& item : *list) {
      jobs::MonthDay md;
      auto text = item.value<std::string>();
      if (!item.is_string() || !ParseMonthDay(*text, &md)) {
        return Status::InvalidArgument(
            Where(source, item.source(), "cycle.review_dates") +
            "each date must be \"MM-DD\" and exist every year (not 02-29)");
      }
      out->review_dates.push_back(md);
    }
  }
  std::string fire_time;
  JALON_RETURN_IF_ERROR(ReadString(source, cycle, "cycle", "fire_time", &fire_time));
  if (!fire_time.empty()) {
    const bool shape = fire_time.size() == 5 && fire_time[2] == ':' &&
                       std::isdigit(static_cast<unsigned char>(fire_time[0])) &&
                       std::isdigit(static_cast<unsigned char>(fire_time[1])) &&
                       std::isdigit(static_cast<unsigned char>(fire_time[3])) &&
                       std::isdigit(static_cast<unsigned char>(fire_time[4]));
    const unsigned hour = shape ? static_cast<unsigned>(std::stoi(fire_time.substr(0, 2))) : 99;
    const unsigned minute = shape ? static_cast<unsigned>(std::stoi(fire_time.substr(3, 2))) : 99;
    if (hour > 23 || minute > 59) {
      return Status::InvalidArgument(
          Where(source, cycle.get("fire_time")->source(), "cycle.fire_time") +
          "must be \"HH:MM\" (24-hour, Europe/Paris)");
    }
    out->fire_hour = hour;
    out->fire_minute = minute;
  }
  return ReadInt(source, cycle, "cycle", "catch_up_days", 0, 3660, &out->catch_up_days);
}

// Reads an optional list of whole numbers in [min, max], ascending.
Status ReadAscendingInts(std::string_view source, const toml::table& table, std::string_view prefix,
                         std::string_view key, int64_t min, int64_t max,
                         std::vector<unsigned>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string where =
      Where(source, node->source(), std::string(prefix) + "." + std::string(key));
  const toml::array* list = node->as_array();
  if (list == nullptr) return Status::InvalidArgument(where + "must be a list of whole numbers");
  out->clear();
  for (const toml::node& item : *list) {
    if (!item.is_integer() || item.as_integer()->get() < min || item.as_integer()->get() > max) {
      return Status::InvalidArgument(where + "each value must be a whole number from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    }
    const auto value = static_cast<unsigned>(item.as_integer()->get());
    if (!out->empty() && value <= out->back())
      return Status::InvalidArgument(where + "values must be in increasing order");
    out->push_back(value);
  }
  return Status::Ok();
}

bool LooksLikeEmail(const std::string& s) {
  const size_t at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" \t\r\n<>,;") == std::string::npos;
}

bool LooksLikeUrl(const std::string& s, std::initializer_list<std::string_view> schemes) {
  for (std::string_view scheme : schemes) {
    if (s.size() > scheme.size() + 3 && s.starts_with(scheme) &&
        s.compare(scheme.size(), 3, "://") == 0)
      return true;
  }
  return false;
}

Status ReadReminders(std::string_view source, const toml::table& t, jobs::ReminderOptions* out) {
  JALON_RETURN_IF_ERROR(
      CheckKeys(source, t, "reminders",
                {"indicator_grace_days", "action_grace_days", "review_grace_days",
                 "revision_open_days", "escalate_after_days", "repeat_every_days"}));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "indicator_grace_days", 0, 3660, &out->indicator_grace_days));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "action_grace_days", 0, 3660, &out->action_grace_days));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "review_grace_days", 0, 3660, &out->review_grace_days));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "revision_open_days", 1, 3660, &out->revision_open_days));
  JALON_RETURN_IF_ERROR(ReadAscendingInts(source, t, "reminders", "escalate_after_days", 1, 3660,
                                          &out->escalate_after_days));
  if (out->escalate_after_days.size() > 2) {
    return Status::InvalidArgument(
        Where(source, t.get("escalate_after_days")->source(), "reminders.escalate_after_days") +
        "at most 2 delays: to the director, then to the steering office");
  }
  return ReadInt(source, t, "reminders", "repeat_every_days", 1, 3660, &out->repeat_every_days);
}

Status ReadDelivery(std::string_view source, const toml::table& t, jobs::DeliveryOptions* out) {
  JALON_RETURN_IF_ERROR(
      CheckKeys(source, t, "delivery",
                {"channel", "maildir", "dashboard_url", "steering", "default_domain", "smtp",
                 "webhook_url", "webhook_secret", "retry_initial_seconds", "retry_max_seconds"}));
  auto where = [&](std::string_view key) {
    return Where(source, t.get(key)->source(), "delivery." + std::string(key));
  };
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "channel", &out->channel));
  if (out->channel != "maildir" && out->channel != "smtp" && out->channel != "webhook") {
    return Status::InvalidArgument(where("channel") + "must be maildir, smtp or webhook, not '" +
                                   out->channel + "'");
  }
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "maildir", &out->maildir));
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "dashboard_url", &out->dashboard_url));
  if (t.get("dashboard_url") && !LooksLikeUrl(out->dashboard_url, {"http", "https"}))
    return Status::InvalidArgument(where("dashboard_url") + "must be an http(s):// URL");
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "steering", &out->steering));
  if (t.get("steering") && !LooksLikeEmail(out->steering))
    return Status::InvalidArgument(where("steering") + "must be an email address");
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "default_domain", &out->default_domain));
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "webhook_url", &out->webhook_url));
  if (t.get("webhook_url") && !LooksLikeUrl(out->webhook_url, {"http", "https"}))
    return Status::InvalidArgument(where("webhook_url") + "must be an http(s):// URL");
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "webhook_secret", &out->webhook_secret));
  JALON_RETURN_IF_ERROR(ReadInt(source, t, "delivery", "retry_initial_seconds", 1, 86400,
                                &out->retry_initial_seconds));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "delivery", "retry_max_seconds", 1, 7 * 86400, &out->retry_max_seconds));
  if (const toml::node* smtp_node = t.get("smtp")) {
    const toml::table* smtp = smtp_node->as_table();
    if (smtp == nullptr)
      return Status::InvalidArgument(where("smtp") + "must be a table ([delivery.smtp])");
    JALON_RETURN_IF_ERROR(CheckKeys(source, *smtp, "delivery.smtp",
                                    {"url", "from", "username", "password", "starttls"}));
    jobs::SmtpOptions& o = out->smtp;
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "url", &o.url));
    if (smtp->get("url") && !LooksLikeUrl(o.url, {"smtp", "smtps"})) {
      return Status::InvalidArgument(
          Where(source, smtp->get("url")->source(), "delivery.smtp.url") +
          "must be smtp://HOST:PORT or smtps://HOST:PORT");
    }
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "from", &o.from));
    if (smtp->get("from") && !LooksLikeEmail(o.from)) {
      return Status::InvalidArgument(
          Where(source, smtp->get("from")->source(), "delivery.smtp.from") +
          "must be an email address");
    }
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "username", &o.username));
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "password", &o.password));
    JALON_RETURN_IF_ERROR(ReadBool(source, *smtp, "delivery.smtp", "starttls", &o.starttls));
  }
  if (out->channel == "smtp" && out->smtp.url.empty()) {
    return Status::InvalidArgument(where("channel") +
                                   "smtp needs [delivery.smtp] url = \"smtp://HOST:PORT\"");
  }
  if (out->channel == "webhook" && out->webhook_secret.empty()) {
    return Status::InvalidArgument(where("channel") +
                                   "webhook needs delivery.webhook_secret (the HMAC key)");
  }
  return Status::Ok();
}

// Calls fn(prefix, table) for each table of an array of tables ([[name]]),
// the prefix being "name[i]" for messages.
Status ForEachTable(std::string_view source, const toml::node& node, std::string_view name,
                    bool non_empty,
                    const std::function<Status(const std::string&, const toml::table&)>& fn) {
  const toml::array* list = node.as_array();
  if (list == nullptr || (non_empty && list->empty())) {
    return Status::InvalidArgument(Where(source, node.source(), name) + "must be a " +
                                   (non_empty ? "non-empty " : "") + "array of tables ([[" +
                                   std::string(name) + "]])");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string prefix = std::string(name) + "[" + std::to_string(i) + "]";
    const toml::table* t = (*list)[i].as_table();
    if (t == nullptr)
      return Status::InvalidArgument(Where(source, (*list)[i].source(), prefix) +
                                     "must be a table");
    JALON_RETURN_IF_ERROR(fn(prefix, *t));
  }
  return Status::Ok();
}

// "prefix.key: is required" for the first of `keys` missing from t.
Status RequireKeys(std::string_view source, const toml::table& t, const std::string& prefix,
                   std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (t.get(key) == nullptr) {
      return Status::InvalidArgument(Where(source, t.source(), prefix + "." + std::string(key)) +
                                     "is required");
    }
  }
  return Status::Ok();
}

Status ReadContacts(std::string_view source, const toml::node& node,
                    std::vector<jobs::Contact>* out) {
  std::set<std::string> seen;
  return ForEachTable(
      source, node, "contacts", false,
      [&](const std::string& prefix, const toml::table& table) -> Status {
        const toml::table* t = &table;
        JALON_RETURN_IF_ERROR(
            CheckKeys(source, *t, prefix, {"direction", "contact", "director", "webhook"}));
        jobs::Contact c;
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "direction", &c.direction));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "contact", &c.contact));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "director", &c.director));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "webhook", &c.webhook));
        JALON_RETURN_IF_ERROR(
            RequireKeys(source, *t, prefix, {"direction", "contact", "director"}));
        if (!IsValidDirectionCode(c.direction)) {
          return Status::InvalidArgument(
              Where(source, t->get("direction")->source(), prefix + ".direction") +
              "not a direction code");
        }
        for (std::string_view key : {"contact", "director"}) {
          const std::string& v = key == "contact" ? c.contact : c.director;
          if (!LooksLikeEmail(v)) {
            return Status::InvalidArgument(
                Where(source, t->get(key)->source(), prefix + "." + std::string(key)) +
                "must be an email address");
          }
        }
        if (!c.webhook.empty() && !LooksLikeUrl(c.webhook, {"http", "https"})) {
          return Status::InvalidArgument(
              Where(source, t->get("webhook")->source(), prefix + ".webhook") +
              "must be an http(s):// URL");
        }
        if (!seen.insert(c.direction).second) {
          return Status::InvalidArgument(
              Where(source, t->get("direction")->source(), prefix + ".direction") +
              "duplicate contacts for " + c.direction);
        }
        out->push_back(std::move(c));
        return Status::Ok();
      });
}

const toml::table* SubTable(const toml::table& root, std::string_view key, Status* error,
                            std::string_view source) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    *error = Status::InvalidArgument(Where(source, node->source(), key) + "must be a table");
    return nullptr;
  }
  return node->as_table();
}

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

}  // namespace

bool IsValidRole(std::string_view role) {
  if (role == "admin" || role == "steering" || role == "auditor") return true;
  constexpr std::string_view kDirection = "direction:";
  return role.starts_with(kDirection) && IsValidDirectionCode(role.substr(kDirection.size()));
}

bool IsValidTenantId(std::string_view id) {
  if (id.empty() || id.size() > 32 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

namespace {

// [[tenants]] of the main file: ids and files, checked, not yet loaded.
Status ReadTenants(std::string_view source, const toml::node& node, std::vector<TenantRef>* out) {
  const std::filesystem::path base = std::filesystem::path(source).parent_path();
  std::set<std::string> seen;
  return ForEachTable(
      source, node, "tenants", true,
      [&](const std::string& prefix, const toml::table& table) -> Status {
        const toml::table* t = &table;
        JALON_RETURN_IF_ERROR(CheckKeys(source, *t, prefix, {"id", "config"}));
        TenantRef ref;
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "id", &ref.id));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "config", &ref.file));
        JALON_RETURN_IF_ERROR(RequireKeys(source, *t, prefix, {"id", "config"}));
        if (!IsValidTenantId(ref.id)) {
          return Status::InvalidArgument(
              Where(source, t->get("id")->source(), prefix + ".id") + "'" + ref.id +
              "' is not a tenant id: lower-case letters, digits and '-', 1 to 32, a letter first");
        }
        if (!seen.insert(ref.id).second) {
          return Status::InvalidArgument(Where(source, t->get("id")->source(), prefix + ".id") +
                                         "duplicate tenant '" + ref.id + "'");
        }
        if (std::filesystem::path(ref.file).is_relative()) ref.file = (base / ref.file).string();
        out->push_back(std::move(ref));
        return Status::Ok();
      });
}

}  // namespace

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
                                     "delivery", "contacts", "scheduler"}));
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
                                     "delivery", "contacts", "scheduler"}));
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

  if (const toml::node* tokens = root.get("tokens")) {
    std::set<std::string> names;
    JALON_RETURN_IF_ERROR(ForEachTable(
        source, *tokens, "tokens", false,
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
                "must be admin, steering, auditor or direction:<CODE>, not '" + token.role + "'");
          }
          if (!FromHex(hex, &token.sha256)) {
            return Status::InvalidArgument(
                Where(source, t->get("sha256")->source(), prefix + ".sha256") +
                "must be 64 hex digits (see `jalon token hash`)");
          }
          if (!names.insert(token.name).second) {
            return Status::InvalidArgument(
                Where(source, t->get("name")->source(), prefix + ".name") +
                "duplicate token name '" + token.name + "'");
          }
          config.tokens.push_back(std::move(token));
          return Status::Ok();
        }));
  }
  return config;
}

namespace {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("config file " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Loads each city's file and checks what the cities must not share.
Status LoadTenants(Config* main) {
  std::map<std::string, std::string> data_dirs, maildirs, secrets;  // -> tenant id
  for (const TenantRef& ref : main->tenant_files) {
    const std::string what = main->source + ": tenant '" + ref.id + "': ";
    auto text = ReadWholeFile(ref.file);
    if (!text.ok()) return text.status().WithContext(what.substr(0, what.size() - 2));
    auto city = ParseConfig(*text, ref.file, ConfigScope::kTenant);
    if (!city.ok()) return city.status();
    city->tenant = ref.id;
    city->listen = main->listen;
    auto key = [](const std::string& dir) {
      std::error_code ec;  // an unreadable path compares as written
      const auto absolute = std::filesystem::absolute(dir, ec);
      const auto canonical = std::filesystem::weakly_canonical(absolute, ec);
      return (ec ? absolute : canonical).lexically_normal().string();
    };
    if (auto [it, fresh] = data_dirs.emplace(key(city->data_dir), ref.id); !fresh) {
      return Status::InvalidArgument(ref.file + ": storage.data_dir: " + city->data_dir +
                                     " is also tenant '" + it->second +
                                     "''s; each city has its own log");
    }
    if (city->jobs.delivery.channel == "maildir") {
      if (auto [it, fresh] = maildirs.emplace(key(city->jobs.delivery.maildir), ref.id); !fresh) {
        return Status::InvalidArgument(
            ref.file + ": delivery.maildir: " + city->jobs.delivery.maildir + " is also tenant '" +
            it->second + "''s; one city's mail must not reach another's");
      }
    }
    for (const TokenConfig& t : city->tokens) {
      if (auto [it, fresh] = secrets.emplace(ToHex(t.sha256), ref.id); !fresh) {
        return Status::InvalidArgument(ref.file + ": tokens: '" + t.name +
                                       "' has the same secret as a token of tenant '" + it->second +
                                       "'; each city needs its own tokens");
      }
    }
    main->tenants.push_back(std::move(city).value());
  }
  return Status::Ok();
}

}  // namespace

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
