// LdapPasswordChecker: a sign-in's password checked against the city's
// directory (LdapChecker), for the people Jalon knows.
//
// Roles still come from Jalon's own records: the directory says only whether
// the password is the login's. A person who also has a password set in Jalon
// (the first admin, a service account) keeps signing in with it when the
// directory refuses the bind or cannot be reached, so that an outage of the
// directory never locks the administrators out. A person without one gets
// kUnavailable while the directory is out of reach (the sign-in answers 503
// and the daemon logs why). An unknown login is bound too, so that its answer
// takes the time of a real one, and always answers kMismatch.
//
// Borrows `local`, which must outlive this checker. Thread-safe: each Check
// opens its own connection.
#pragma once

#include "engine/auth/ldap_checker.h"
#include "engine/people/password.h"

namespace jalon::auth {

class LdapPasswordChecker : public PasswordChecker {
 public:
  LdapPasswordChecker(LdapChecker ldap, const PasswordChecker& local)
      : ldap_(std::move(ldap)), local_(local) {}

  PasswordCheck Check(std::string_view login, std::string_view password, const Person* person,
                      std::string* why) const override;

 private:
  LdapChecker ldap_;
  const PasswordChecker& local_;
};

}  // namespace jalon::auth
