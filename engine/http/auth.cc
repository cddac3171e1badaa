#include "engine/http/auth.h"

#include <openssl/crypto.h>

#include <array>
#include <cctype>
#include <string_view>

namespace jalon::http {
namespace {

// The governance decisions: steering's and admin's, never a direction's.
constexpr std::array<std::string_view, 4> kSteeringCommands = {"ValidateAxis", "RetainScenario",
                                                               "HoldReview", "CloseRevision"};

bool IsSteeringCommand(const std::string& type) {
  for (std::string_view c : kSteeringCommands) {
    if (c == type) return true;
  }
  return false;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

bool RoleMayRun(const std::string& role, const std::string& command_type) {
  if (role == "admin") return true;
  if (role == "steering") return IsSteeringCommand(command_type);
  if (role.starts_with("direction:"))
    return command_type != "RegisterDirection" && !IsSteeringCommand(command_type);
  return false;  // auditor, anonymous, anything else
}

bool Principal::CanWrite(const std::string& command_type, const std::string& code) const {
  if (!RoleMayRun(role, command_type)) return false;
  if (role.starts_with("direction:")) return !direction.empty() && direction == code;
  return true;
}

Result<Principal> Authenticator::Authenticate(const Request& request,
                                              bool anonymous_allowed) const {
  const auto present = request.headers.find("authorization");
  if (present == request.headers.end() && anonymous_read_) {
    if (anonymous_allowed) return Principal{"anonymous", "anonymous", ""};
    return Status::Unauthenticated(
        "this route needs a bearer token (Authorization: Bearer <token>); anonymous reads open "
        "only the directions list, the plans and their dashboards");
  }
  const std::string header = present == request.headers.end() ? std::string() : present->second;
  // RFC 9110: the scheme is case-insensitive; one or more spaces follow it.
  constexpr std::string_view kBearer = "Bearer";
  const std::string_view value(header);
  size_t start = kBearer.size();
  if (value.size() > start && IEquals(value.substr(0, start), kBearer) && value[start] == ' ') {
    while (start < value.size() && value[start] == ' ') ++start;
  } else {
    start = std::string_view::npos;
  }
  if (start == std::string_view::npos || start >= value.size()) {
    return Status::Unauthenticated("missing bearer token (Authorization: Bearer <token>)");
  }
  const Hash presented = Sha256(value.substr(start));
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
