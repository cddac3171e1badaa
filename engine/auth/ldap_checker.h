// Checks a person's password by an LDAP simple bind against the city's
// directory (OpenLDAP's client library), for [auth.ldap].
//
// Check(login, password) answers true when the bind succeeds, false when
// the directory refuses the credentials (a wrong password, an unknown
// login, an empty password: never an unauthenticated bind), and an
// Unavailable status naming the directory when it cannot be reached or
// answers with anything else, so that sign-in can say "503" and local
// accounts keep working. The login is escaped for the DN (RFC 4514, by
// ldap_str2dn/ldap_dn2str) or the filter (RFC 4515,
// ldap_bv2escaped_filter_value), so it can never change either's shape.
//
// Each Check opens its own connection and closes it: an LdapChecker is an
// immutable value and Check is thread-safe. The password is neither kept
// nor put in any message.
#pragma once

#include <string_view>

#include "engine/auth/ldap_options.h"
#include "engine/util/status.h"

namespace jalon::auth {

class LdapChecker {
 public:
  // Checks the options' shape (URL, one of user_dn or search_base, a DN
  // template with "{login}" as one whole attribute value, a filter with
  // "{login}"); InvalidArgument naming the key otherwise. Contacts nothing.
  static Result<LdapChecker> FromConfig(const LdapOptions& options);

  Result<bool> Check(std::string_view login, std::string_view password) const;

  const LdapOptions& options() const { return options_; }

 private:
  explicit LdapChecker(LdapOptions options) : options_(std::move(options)) {}
  LdapOptions options_;
};

// The DN of `login` by the template (whose "{login}" is a whole attribute
// value), with the login escaped as RFC 4514 says; InvalidArgument if the
// template is not a DN with one such value. Exposed for the tests.
Result<std::string> DnOf(std::string_view dn_template, std::string_view login);

// `filter` with each "{login}" replaced by the login escaped as RFC 4515
// says. Exposed for the tests.
std::string FilterOf(std::string_view filter, std::string_view login);

}  // namespace jalon::auth
