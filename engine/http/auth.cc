#include "engine/http/auth.h"

#include <openssl/crypto.h>

namespace jalon::http {

bool Principal::CanWrite(const std::string& command_type, const std::string& code) const {
  if (role == "admin") return true;
  if (role == "steering") return command_type == "HoldReview";
  if (!direction.empty()) return direction == code && command_type != "RegisterDirection";
  return false;  // auditor, anonymous
}

Result<Principal> Authenticator::Authenticate(const Request& request) const {
  const std::string header = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty() && anonymous_read_) return Principal{"anonymous", "anonymous", ""};
  if (header.size() <= kBearer.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return Status::Unauthenticated("missing bearer token (Authorization: Bearer <token>)");
  }
  const Hash presented = Sha256(std::string_view(header).substr(kBearer.size()));
  // Compare with every token, in constant time, without stopping early.
  const TokenEntry* found = nullptr;
  for (const TokenEntry& t : tokens_) {
    if (CRYPTO_memcmp(t.sha256.data(), presented.data(), presented.size()) == 0) found = &t;
  }
  if (found == nullptr) return Status::Unauthenticated("unknown token");
  Principal p{found->name, found->role, ""};
  constexpr std::string_view kDirection = "direction:";
  if (p.role.starts_with(kDirection)) p.direction = p.role.substr(kDirection.size());
  return p;
}

}  // namespace jalon::http
