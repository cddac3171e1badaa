// Several cities in one jalond: the [[tenants]] list of a main file, and the
// loading of each city's own file (contract in config_internal.h).

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "config/config.h"
#include "config/config_internal.h"
#include "config/toml_reader.h"

namespace jalon {

bool IsValidTenantId(std::string_view id) {
  if (id.empty() || id.size() > 32 || id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

namespace config_internal {

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

}  // namespace config_internal
}  // namespace jalon
