#include "engine/people/password.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

namespace jalon {

Argon2Params DefaultArgon2Params() { return Argon2Params{}; }

Result<std::string> HashPassword(std::string_view password, const Argon2Params& params) {
  std::array<unsigned char, 16> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    return Status::Internal("password: the random generator failed");
  constexpr size_t kHashBytes = 32;
  const size_t length =
      argon2_encodedlen(params.t_cost, params.m_cost_kib, params.parallelism,
                        static_cast<uint32_t>(salt.size()), kHashBytes, Argon2_id);
  std::vector<char> encoded(length);
  const int rc = argon2id_hash_encoded(params.t_cost, params.m_cost_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return Status::Internal(std::string("password: argon2id failed: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool VerifyPassword(const std::string& encoded, std::string_view password) {
  if (!encoded.starts_with("$argon2id$")) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

LocalPasswordChecker::LocalPasswordChecker(const Argon2Params& params) {
  auto dummy = HashPassword("not a password of anyone", params);
  if (dummy.ok()) dummy_hash_ = *dummy;
}

PasswordCheck LocalPasswordChecker::Check(std::string_view, std::string_view password,
                                          const Person* person, std::string*) const {
  if (person == nullptr || person->password_hash.empty()) {
    (void)VerifyPassword(dummy_hash_, password);  // the same time as a real check
    return PasswordCheck::kMismatch;
  }
  return VerifyPassword(person->password_hash, password) ? PasswordCheck::kMatch
                                                         : PasswordCheck::kMismatch;
}

}  // namespace jalon
