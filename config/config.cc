#include "config/config.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
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

Result<Config> ParseConfig(std::string_view text, std::string_view source) {
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
  JALON_RETURN_IF_ERROR(CheckKeys(source, root, "", {"server", "storage", "tokens"}));

  Status error;
  if (const toml::table* server = SubTable(root, "server", &error, source)) {
    JALON_RETURN_IF_ERROR(CheckKeys(source, *server, "server", {"listen"}));
    JALON_RETURN_IF_ERROR(ReadString(source, *server, "server", "listen", &config.listen));
    if (!ValidListen(config.listen)) {
      return Status::InvalidArgument(
          Where(source, server->get("listen")->source(), "server.listen") +
          "expected HOST:PORT, e.g. 127.0.0.1:8080");
    }
  }
  JALON_RETURN_IF_ERROR(error);
  if (const toml::table* storage = SubTable(root, "storage", &error, source)) {
    JALON_RETURN_IF_ERROR(CheckKeys(source, *storage, "storage", {"data_dir"}));
    JALON_RETURN_IF_ERROR(ReadString(source, *storage, "storage", "data_dir", &config.data_dir));
  }
  JALON_RETURN_IF_ERROR(error);

  if (const toml::node* tokens = root.get("tokens")) {
    const toml::array* list = tokens->as_array();
    if (list == nullptr) {
      return Status::InvalidArgument(Where(source, tokens->source(), "tokens") +
                                     "must be an array of tables ([[tokens]])");
    }
    std::set<std::string> names;
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string prefix = "tokens[" + std::to_string(i) + "]";
      const toml::table* t = (*list)[i].as_table();
      if (t == nullptr) {
        return Status::InvalidArgument(Where(source, (*list)[i].source(), prefix) +
                                       "must be a table");
      }
      JALON_RETURN_IF_ERROR(CheckKeys(source, *t, prefix, {"name", "role", "sha256"}));
      TokenConfig token;
      std::string hex;
      JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "name", &token.name));
      JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "role", &token.role));
      JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "sha256", &hex));
      for (std::string_view key : {"name", "role", "sha256"}) {
        if (t->get(key) == nullptr) {
          return Status::InvalidArgument(
              Where(source, t->source(), prefix + "." + std::string(key)) + "is required");
        }
      }
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
        return Status::InvalidArgument(Where(source, t->get("name")->source(), prefix + ".name") +
                                       "duplicate token name '" + token.name + "'");
      }
      config.tokens.push_back(std::move(token));
    }
  }
  return config;
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("config file " + path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto config = ParseConfig(text.str(), path);
  if (!config.ok()) return config;
  if (const char* listen = std::getenv("JALON_LISTEN"); listen != nullptr && *listen != '\0') {
    if (!ValidListen(listen)) {
      return Status::InvalidArgument("JALON_LISTEN: expected HOST:PORT, got '" +
                                     std::string(listen) + "'");
    }
    config->listen = listen;
  }
  if (const char* data = std::getenv("JALON_DATA"); data != nullptr && *data != '\0') {
    config->data_dir = data;
  }
  return config;
}

}  // namespace jalon
