// [auth.ldap]: the city's directory, for checking passwords by an LDAP bind
// (engine/auth/ldap_checker.h). Contract in config_internal.h.

#include <string>

#include "config/config_internal.h"
#include "config/toml_reader.h"
#include "engine/auth/ldap_checker.h"

namespace jalon::config_internal {

Status ReadAuthLdap(std::string_view source, const toml::table& auth, auth::LdapOptions* out) {
  Status error;
  const toml::table* ldap = SubTable(auth, "ldap", &error, source);
  JALON_RETURN_IF_ERROR(error);
  if (ldap == nullptr) return Status::Ok();
  static constexpr std::string_view kPrefix = "auth.ldap";
  JALON_RETURN_IF_ERROR(CheckKeys(source, *ldap, kPrefix,
                                  {"url", "user_dn", "search_base", "search_filter", "bind_dn",
                                   "bind_password", "starttls", "ca_file", "timeout_seconds"}));
  JALON_RETURN_IF_ERROR(RequireKeys(source, *ldap, std::string(kPrefix), {"url"}));
  auth::LdapOptions o;
  for (const auto& [key, field] : {std::pair{"url", &o.url},
                                   {"user_dn", &o.user_dn},
                                   {"search_base", &o.search_base},
                                   {"search_filter", &o.search_filter},
                                   {"bind_dn", &o.bind_dn},
                                   {"bind_password", &o.bind_password},
                                   {"ca_file", &o.ca_file}}) {
    JALON_RETURN_IF_ERROR(ReadString(source, *ldap, kPrefix, key, field));
  }
  JALON_RETURN_IF_ERROR(ReadBool(source, *ldap, kPrefix, "starttls", &o.starttls));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, *ldap, kPrefix, "timeout_seconds", 1, 300, &o.timeout_seconds));
  // The checker's own rules (a DN template, a filter, StartTLS on ldap://),
  // reported at the line of the key they name.
  auto checker = auth::LdapChecker::FromConfig(o);
  if (!checker.ok()) {
    const std::string& message = checker.status().message();
    toml::source_region where = ldap->source();
    for (const auto& [key, node] : *ldap) {
      if (message.starts_with(std::string(kPrefix) + "." + std::string(key.str()) + ":") ||
          message.starts_with(std::string(kPrefix) + "." + std::string(key.str()) + " ")) {
        where = node.source();
        break;
      }
    }
    return Status::InvalidArgument(std::string(source) + ":" + std::to_string(where.begin.line) +
                                   ": " + message);
  }
  *out = std::move(o);
  return Status::Ok();
}

}  // namespace jalon::config_internal
