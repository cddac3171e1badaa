// Passwords: argon2id hashes (libargon2, the reference implementation) and
// the seam through which a sign-in checks one.
//
// A hash is argon2id's encoded string ("$argon2id$v=19$m=...,t=...,p=...$
// salt$hash"): it carries its own parameters, so hashes made with older
// parameters still verify. Only this string enters an event payload; the
// password itself is never stored, logged nor answered.
//
// PasswordChecker is what a sign-in asks. LocalPasswordChecker compares with
// the person's PasswordSet hash; another checker (an LDAP bind) can take its
// place without touching the sessions. Implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/people/person.h"
#include "engine/util/status.h"

namespace jalon {

struct Argon2Params {
  uint32_t t_cost = 2;            // passes
  uint32_t m_cost_kib = 1 << 16;  // 64 MiB
  uint32_t parallelism = 1;
};
// The parameters Jalon hashes with (t=2, m=64 MiB, p=1): about 130 ms per
// hash on the reference machine (2 cores), within the 50 to 250 ms a
// sign-in may cost; jalon-bench's case=password measures it.
Argon2Params DefaultArgon2Params();

// A fresh salt (16 bytes from OpenSSL's CSPRNG) and the encoded hash.
Result<std::string> HashPassword(std::string_view password,
                                 const Argon2Params& params = DefaultArgon2Params());
// Whether `password` matches `encoded`. False for a malformed hash.
bool VerifyPassword(const std::string& encoded, std::string_view password);

enum class PasswordCheck {
  kMatch,        // the password is the person's
  kMismatch,     // it is not, or the person has none, or is unknown
  kUnavailable,  // the checker could not tell (a directory out of reach)
};

class PasswordChecker {
 public:
  virtual ~PasswordChecker() = default;
  // `person` is the person's record when the login is known, else null: a
  // checker must then spend about the time of a real check, so that the
  // answer's delay does not tell whether the login exists. `why` (optional)
  // receives a reason for the operator's log on kUnavailable.
  virtual PasswordCheck Check(std::string_view login, std::string_view password,
                              const Person* person, std::string* why) const = 0;
};

// Compares with the person's own argon2id hash; for an unknown login or a
// person without a password, verifies against a dummy hash made at
// construction, and answers kMismatch.
class LocalPasswordChecker : public PasswordChecker {
 public:
  explicit LocalPasswordChecker(const Argon2Params& params = DefaultArgon2Params());
  PasswordCheck Check(std::string_view login, std::string_view password, const Person* person,
                      std::string* why) const override;

 private:
  std::string dummy_hash_;
};

}  // namespace jalon
