#include "engine/auth/ldap_checker.h"

#include <lber.h>
#include <ldap.h>
#include <sys/time.h>

#include <memory>
#include <string>

namespace jalon::auth {
namespace {

constexpr std::string_view kLogin = "{login}";
// Stands for "{login}" while the template is parsed as a DN: a value
// ldap_str2dn keeps as it is.
constexpr std::string_view kMarker = "jalon-login-7f3c2a9e";

std::string ReplaceAll(std::string_view text, std::string_view what, std::string_view with) {
  std::string out;
  size_t from = 0;
  for (size_t at; (at = text.find(what, from)) != std::string_view::npos; from = at + what.size())
    out.append(text.substr(from, at - from)).append(with);
  return out.append(text.substr(from));
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

struct DnFree {
  void operator()(LDAPDN dn) const { ldap_dnfree(dn); }
};
using DnPtr = std::unique_ptr<LDAPRDN, DnFree>;

struct Unbind {
  void operator()(LDAP* ld) const { ldap_unbind_ext_s(ld, nullptr, nullptr); }
};
using LdapPtr = std::unique_ptr<LDAP, Unbind>;

struct MessageFree {
  void operator()(LDAPMessage* m) const { ldap_msgfree(m); }
};

// The result codes that mean "not these credentials".
bool Refused(int rc) {
  return rc == LDAP_INVALID_CREDENTIALS || rc == LDAP_INAPPROPRIATE_AUTH ||
         rc == LDAP_UNWILLING_TO_PERFORM || rc == LDAP_NO_SUCH_OBJECT ||
         rc == LDAP_INVALID_DN_SYNTAX;
}

// "LDAP ldap://…: <what>: <the library's words> (<the server's words>)";
// `what` gives way to "the directory cannot be reached" when that is why.
Status Failure(const LdapOptions& o, LDAP* ld, std::string_view what, int rc) {
  if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR || rc == LDAP_TIMEOUT) {
    what = "the directory cannot be reached";
  }
  std::string message = "LDAP " + o.url + ": " + std::string(what) + ": " + ldap_err2string(rc);
  char* diagnostic = nullptr;
  if (ld != nullptr && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == 0 &&
      diagnostic != nullptr) {
    if (diagnostic[0] != '\0') message += " (" + std::string(diagnostic) + ")";
    ldap_memfree(diagnostic);
  }
  return Status::Unavailable(message);
}

Result<LdapPtr> Connect(const LdapOptions& o) {
  LDAP* raw = nullptr;
  int rc = ldap_initialize(&raw, o.url.c_str());
  LdapPtr ld(raw);
  if (rc != LDAP_SUCCESS) return Failure(o, nullptr, "cannot use the URL", rc);
  const int version = LDAP_VERSION3;
  ldap_set_option(ld.get(), LDAP_OPT_PROTOCOL_VERSION, &version);
  // A referral would send the password to another server.
  ldap_set_option(ld.get(), LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  timeval timeout{static_cast<time_t>(o.timeout_seconds), 0};
  ldap_set_option(ld.get(), LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option(ld.get(), LDAP_OPT_TIMEOUT, &timeout);
  if (o.starttls || o.url.starts_with("ldaps:")) {
    const int demand = LDAP_OPT_X_TLS_DEMAND;
    ldap_set_option(ld.get(), LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    if (!o.ca_file.empty()) {
      ldap_set_option(ld.get(), LDAP_OPT_X_TLS_CACERTFILE, o.ca_file.c_str());
    }
    const int client = 0;  // applies the options above to this handle
    ldap_set_option(ld.get(), LDAP_OPT_X_TLS_NEWCTX, &client);
  }
  if (o.starttls) {
    rc = ldap_start_tls_s(ld.get(), nullptr, nullptr);
    // A failed handshake is a connect error too, but a different fault.
    if (rc != LDAP_SUCCESS && rc != LDAP_SERVER_DOWN && rc != LDAP_TIMEOUT) {
      return Status::Unavailable("LDAP " + o.url +
                                 ": StartTLS failed (is the directory's certificate signed by "
                                 "ca_file, or a CA of the system?): " +
                                 ldap_err2string(rc));
    }
    if (rc != LDAP_SUCCESS) return Failure(o, ld.get(), "StartTLS failed", rc);
  }
  return ld;
}

int SimpleBind(LDAP* ld, const std::string& dn, std::string_view password) {
  berval credentials{static_cast<ber_len_t>(password.size()), const_cast<char*>(password.data())};
  return ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &credentials, nullptr, nullptr,
                          nullptr);
}

// The DN of the one entry the search finds; empty if none or several.
Result<std::string> Search(const LdapOptions& o, LDAP* ld, std::string_view login) {
  if (!o.bind_dn.empty()) {
    const int rc = SimpleBind(ld, o.bind_dn, o.bind_password);
    if (rc != LDAP_SUCCESS) {
      return Failure(o, ld, "the search account (bind_dn) cannot bind", rc);
    }
  }
  const std::string filter = FilterOf(o.search_filter, login);
  char no_attributes[] = LDAP_NO_ATTRS;
  char* attributes[] = {no_attributes, nullptr};
  LDAPMessage* raw = nullptr;
  const int rc = ldap_search_ext_s(ld, o.search_base.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(),
                                   attributes, 0, nullptr, nullptr, nullptr, 2, &raw);
  std::unique_ptr<LDAPMessage, MessageFree> result(raw);
  if (rc == LDAP_SIZELIMIT_EXCEEDED) return std::string();  // not one person
  if (rc == LDAP_NO_SUCH_OBJECT) {
    return Failure(o, ld, "search_base " + o.search_base + " does not exist", rc);
  }
  if (rc != LDAP_SUCCESS) return Failure(o, ld, "the search failed", rc);
  if (ldap_count_entries(ld, result.get()) != 1) return std::string();
  char* dn = ldap_get_dn(ld, ldap_first_entry(ld, result.get()));
  if (dn == nullptr) return std::string();
  std::string out = dn;
  ldap_memfree(dn);
  return out;
}

}  // namespace

Result<std::string> DnOf(std::string_view dn_template, std::string_view login) {
  const std::string text = ReplaceAll(dn_template, kLogin, kMarker);
  LDAPDN raw = nullptr;
  if (ldap_str2dn(text.c_str(), &raw, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS || raw == nullptr) {
    return Status::InvalidArgument("is not a DN (RFC 4514)");
  }
  DnPtr dn(raw);
  LDAPAVA* slot = nullptr;
  int found = 0;
  for (LDAPRDN* rdn = dn.get(); *rdn != nullptr; ++rdn) {
    for (LDAPAVA** ava = *rdn; *ava != nullptr; ++ava) {
      const std::string_view value((*ava)->la_value.bv_val, (*ava)->la_value.bv_len);
      if (value == kMarker) {
        slot = *ava;
        ++found;
      }
    }
  }
  if (found != 1 ||
      ReplaceAll(dn_template, kLogin, "").size() + kLogin.size() != dn_template.size()) {
    return Status::InvalidArgument("must hold \"{login}\" once, as a whole attribute value");
  }
  // The login goes in as the value itself; ldap_dn2str escapes what it must.
  const berval saved = slot->la_value;
  const unsigned saved_flags = slot->la_flags;
  slot->la_value = {static_cast<ber_len_t>(login.size()), const_cast<char*>(login.data())};
  slot->la_flags = LDAP_AVA_STRING;
  char* str = nullptr;
  const int rc = ldap_dn2str(dn.get(), &str, LDAP_DN_FORMAT_LDAPV3);
  slot->la_value = saved;
  slot->la_flags = saved_flags;
  if (rc != LDAP_SUCCESS || str == nullptr) {
    return Status::InvalidArgument("cannot hold this login: " + std::string(ldap_err2string(rc)));
  }
  std::string out = str;
  ldap_memfree(str);
  return out;
}

std::string FilterOf(std::string_view filter, std::string_view login) {
  berval in{static_cast<ber_len_t>(login.size()), const_cast<char*>(login.data())};
  berval escaped{0, nullptr};
  if (ldap_bv2escaped_filter_value(&in, &escaped) != 0) return {};
  const std::string value(escaped.bv_val, escaped.bv_len);
  ber_memfree(escaped.bv_val);
  return ReplaceAll(filter, kLogin, value);
}

Result<LdapChecker> LdapChecker::FromConfig(const LdapOptions& o) {
  const std::string key = "auth.ldap.";
  LDAPURLDesc* url = nullptr;
  if (o.url.empty() || ldap_url_parse(o.url.c_str(), &url) != LDAP_URL_SUCCESS) {
    return Status::InvalidArgument(key + "url: must be ldap://host[:port] or ldaps://host[:port]");
  }
  const std::string scheme = url->lud_scheme != nullptr ? url->lud_scheme : "";
  ldap_free_urldesc(url);
  if (scheme != "ldap" && scheme != "ldaps") {
    return Status::InvalidArgument(key + "url: must be ldap://host[:port] or ldaps://host[:port]");
  }
  if (o.starttls && scheme == "ldaps") {
    return Status::InvalidArgument(key + "starttls: is for ldap:// (ldaps:// is TLS already)");
  }
  if (o.user_dn.empty() == o.search_base.empty()) {
    return Status::InvalidArgument(key + "user_dn or search_base: exactly one is required");
  }
  if (!o.user_dn.empty()) {
    auto dn = DnOf(o.user_dn, "x");
    if (!dn.ok()) return Status::InvalidArgument(key + "user_dn: " + dn.status().message());
  } else {
    LDAPDN base = nullptr;
    if (ldap_str2dn(o.search_base.c_str(), &base, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS) {
      return Status::InvalidArgument(key + "search_base: is not a DN (RFC 4514)");
    }
    ldap_dnfree(base);
    const std::string& f = o.search_filter;
    if (f.size() < 2 || f.front() != '(' || f.back() != ')' ||
        f.find(kLogin) == std::string::npos) {
      return Status::InvalidArgument(key +
                                     "search_filter: must be a filter in parentheses "
                                     "with \"{login}\", e.g. \"(uid={login})\"");
    }
  }
  if (o.bind_dn.empty() != o.bind_password.empty()) {
    return Status::InvalidArgument(key + "bind_dn and bind_password: go together");
  }
  if (o.timeout_seconds == 0) {
    return Status::InvalidArgument(key + "timeout_seconds: must be at least 1");
  }
  return LdapChecker(o);
}

Result<bool> LdapChecker::Check(std::string_view login, std::string_view password) const {
  // An empty password would make a simple bind "unauthenticated" (RFC 4513
  // 5.1.2), which many directories accept as anonymous: never a sign-in.
  if (login.empty() || password.empty() || login.size() > 256 || password.size() > 1024 ||
      !ValidUtf8(login) || login.find('\0') != std::string_view::npos) {
    return false;
  }
  auto ld = Connect(options_);
  if (!ld.ok()) return ld.status();
  std::string dn;
  if (!options_.user_dn.empty()) {
    auto made = DnOf(options_.user_dn, login);
    if (!made.ok()) return false;
    dn = std::move(made).value();
  } else {
    auto found = Search(options_, ld->get(), login);
    if (!found.ok()) return found.status();
    if (found->empty()) return false;
    dn = std::move(found).value();
  }
  const int rc = SimpleBind(ld->get(), dn, password);
  if (rc == LDAP_SUCCESS) return true;
  if (Refused(rc)) return false;
  return Failure(options_, ld->get(), "the bind failed", rc);
}

}  // namespace jalon::auth
