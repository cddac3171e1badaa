// The settings of [auth.ldap]: where the city's directory is and how a
// login becomes the DN that is bound with the person's password. A plain
// value, filled by config/ and read by LdapChecker (ldap_checker.h); it
// needs no LDAP library, so the config can hold it.
#pragma once

#include <string>

namespace jalon::auth {

struct LdapOptions {
  // "ldap://host[:port]" or "ldaps://host[:port]"; empty: LDAP is off and
  // logins are checked against Jalon's own password hashes only.
  std::string url;
  // Either a DN template whose one attribute value is "{login}"
  // ("uid={login},ou=people,dc=ville,dc=example")...
  std::string user_dn;
  // ...or a subtree search under search_base with search_filter, where
  // every "{login}" is the login escaped for a filter (RFC 4515); the one
  // entry found is bound. bind_dn/bind_password make the search's own bind
  // (anonymous if empty).
  std::string search_base;
  std::string search_filter = "(uid={login})";
  std::string bind_dn, bind_password;
  // Upgrades ldap:// with the StartTLS extended operation; refused if it
  // fails. Certificates are checked (against ca_file if set, else the
  // system's CAs).
  bool starttls = false;
  std::string ca_file;
  unsigned timeout_seconds = 5;  // to connect, and for each operation

  bool enabled() const { return !url.empty(); }
};

}  // namespace jalon::auth
