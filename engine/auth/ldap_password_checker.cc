#include "engine/auth/ldap_password_checker.h"

namespace jalon::auth {

PasswordCheck LdapPasswordChecker::Check(std::string_view login, std::string_view password,
                                         const Person* person, std::string* why) const {
  const Result<bool> bound = ldap_.Check(login, password);
  if (person == nullptr) return PasswordCheck::kMismatch;
  if (bound.ok() && *bound) return PasswordCheck::kMatch;
  if (!person->password_hash.empty()) return local_.Check(login, password, person, why);
  if (!bound.ok()) {
    if (why != nullptr) *why = bound.status().message();
    return PasswordCheck::kUnavailable;
  }
  return PasswordCheck::kMismatch;
}

}  // namespace jalon::auth
