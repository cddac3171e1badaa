#include "engine/http/auth.h"

#include <openssl/crypto.h>

#include <array>
#include <cctype>
#include <string_view>

#include "engine/people/person.h"

namespace jalon::http {
namespace {

// The governance decisions: steering's and admin's, never a direction's.
constexpr std::array<std::string_view, 5> kSteeringCommands = {
    "ValidateAxis", "RetainScenario", "HoldReview", "SetRevisionModalities", "CloseRevision"};

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
    return command_type != "RegisterDirection" && command_type != "OpenCycle" &&
           !IsSteeringCommand(command_type) && !IsPeopleCommand(command_type);
  return false;  // reader, auditor, anonymous, anything else
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      std::string_view value = pair.substr(name.size() + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      return value;
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

Principal Principal::Of(Kind kind, std::string name, std::vector<std::string> roles) {
  Principal p;
  p.kind = kind;
  p.display_name = name;
  p.name = std::move(name);
  p.roles = std::move(roles);
  if (!p.roles.empty()) p.role = p.roles.front();
  for (const std::string& r : p.roles) {
    for (std::string_view prefix : {std::string_view("direction:"), std::string_view("reader:")}) {
      if (p.direction.empty() && r.starts_with(prefix)) p.direction = r.substr(prefix.size());
    }
  }
  return p;
}

bool Principal::Has(std::string_view r) const {
  for (const std::string& role : roles)
    if (role == r) return true;
  return false;
}

bool Principal::ReadsEveryPlan() const {
  return anonymous() || Has("admin") || Has("steering") || Has("auditor");
}

bool Principal::CanRead(const std::string& code) const {
  if (ReadsEveryPlan()) return true;
  for (const std::string& r : roles) {
    if (r.size() == code.size() + 10 && r.starts_with("direction:") && r.ends_with(code))
      return true;
    if (r.size() == code.size() + 7 && r.starts_with("reader:") && r.ends_with(code)) return true;
  }
  return false;
}

bool Principal::CanWrite(const std::string& command_type, const std::string& code) const {
  for (const std::string& r : roles) {
    if (!RoleMayRun(r, command_type)) continue;
    if (!r.starts_with("direction:") || r.substr(10) == code) return true;
  }
  return false;
}

std::string Principal::Actor() const {
  switch (kind) {
    case Kind::kPerson:
      return "person:" + name;
    case Kind::kAnonymous:
      return "anonymous";
    default:
      return "token:" + name;
  }
}

std::string Principal::Who() const {
  if (kind == Kind::kPerson) return display_name.empty() ? name : display_name;
  if (kind == Kind::kAnonymous) return "an anonymous reader";
  return "the token of " + name;
}

Result<Principal> Authenticator::Authenticate(const Request& request,
                                              bool anonymous_allowed) const {
  const auto present = request.headers.find("authorization");
  if (present == request.headers.end() && sessions_ != nullptr) {
    const auto cookie = request.headers.find("cookie");
    if (cookie != request.headers.end()) {
      const std::string_view id = CookieValue(cookie->second, kSessionCookie);
      if (!id.empty()) return FromSession(request, id);
    }
  }
  if (present == request.headers.end() && anonymous_read_) {
    if (anonymous_allowed) return Principal::Of(Principal::Kind::kAnonymous, "anonymous", {});
    return Status::Unauthenticated(
        "this route needs a sign-in or a bearer token (Authorization: Bearer <token>); anonymous "
        "reads open only the directions list, the plans and their dashboards");
  }
  return FromToken(present == request.headers.end() ? std::string_view() : present->second);
}

Result<Principal> Authenticator::FromSession(const Request& request, std::string_view id) const {
  std::optional<Principal> who = sessions_->Resolve(id);
  if (!who) return Status::Unauthenticated("session ended or expired: sign in again");
  if (request.method != "GET" && request.method != "HEAD") {
    const auto token = request.headers.find("x-csrf-token");
    if (token == request.headers.end() || token->second.size() != who->csrf.size() ||
        CRYPTO_memcmp(token->second.data(), who->csrf.data(), who->csrf.size()) != 0) {
      return Status::PermissionDenied(
          "X-CSRF-Token: missing or wrong; a change made with the session cookie needs the token "
          "given at sign-in (also in GET /v1/whoami)");
    }
  }
  return std::move(*who);
}

Result<Principal> Authenticator::FromToken(std::string_view value) const {
  // RFC 9110: the scheme is case-insensitive; one or more spaces follow it.
  constexpr std::string_view kBearer = "Bearer";
  size_t start = kBearer.size();
  if (value.size() > start && IEquals(value.substr(0, start), kBearer) && value[start] == ' ') {
    while (start < value.size() && value[start] == ' ') ++start;
  } else {
    start = std::string_view::npos;
  }
  if (start == std::string_view::npos || start >= value.size()) {
    return Status::Unauthenticated(
        "sign in, or give a bearer token (Authorization: Bearer <token>)");
  }
  const Hash presented = Sha256(value.substr(start));
  // Compare with every token, in constant time, without stopping early.
  const TokenEntry* found = nullptr;
  for (const TokenEntry& t : tokens_) {
    if (CRYPTO_memcmp(t.sha256.data(), presented.data(), presented.size()) == 0) found = &t;
  }
  if (found == nullptr) return Status::Unauthenticated("unknown token");
  return Principal::Of(Principal::Kind::kToken, found->name, {found->role});
}

}  // namespace jalon::http
