// Bearer-token authentication and the four roles (DESIGN.md):
//   admin               everything;
//   direction:<CODE>    reads and writes its own plan only;
//   steering            reads every plan and records reviews (HoldReview);
//   auditor             reads everything, history and the events feed
//                       included; writes nothing.
// With anonymous reads on (server.anonymous_read, off by default, for a
// public demo), a request without a token is "anonymous": it reads plans and
// dashboards, and nothing else: no writes, no history feed.
// Tokens are known only by their SHA-256 and compared in constant time.
// Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "engine/http/http_types.h"
#include "engine/util/sha256.h"
#include "engine/util/status.h"

namespace jalon::http {

struct TokenEntry {
  std::string name;
  std::string role;
  Hash sha256{};
};

struct Principal {
  std::string name;
  std::string role;
  std::string direction;  // for direction:<CODE>, the CODE

  bool admin() const { return role == "admin"; }
  bool anonymous() const { return role == "anonymous"; }
  // May read the plan of `code`.
  bool CanRead(const std::string& code) const { return direction.empty() || direction == code; }
  // May run `command_type` on the plan of `code`.
  bool CanWrite(const std::string& command_type, const std::string& code) const;
  // May read every plan's history and the global events feed.
  bool CanAudit() const { return role == "admin" || role == "auditor"; }
  std::string Actor() const { return role + "/" + name; }
};

class Authenticator {
 public:
  explicit Authenticator(std::vector<TokenEntry> tokens, bool anonymous_read = false)
      : tokens_(std::move(tokens)), anonymous_read_(anonymous_read) {}
  // kUnauthenticated without a valid "Authorization: Bearer <token>".
  Result<Principal> Authenticate(const Request& request) const;

 private:
  std::vector<TokenEntry> tokens_;
  bool anonymous_read_ = false;
};

}  // namespace jalon::http
