// Bearer-token authentication and the roles (DESIGN.md, "HTTP").
//
// Who may run which command (Principal::CanWrite):
//   admin               every command, on every plan;
//   steering            ValidateAxis, RetainScenario, HoldReview and
//                       CloseRevision, on every plan: the governance
//                       decisions, taken against the political orientations;
//                       nothing else;
//   direction:<CODE>    on its own plan, every command but RegisterDirection
//                       and the four governance decisions above: it proposes
//                       axes, scenarios and target changes and never
//                       validates them itself; nothing on another plan;
//   auditor, anonymous  no command.
// Reads: admin, steering and auditor read every plan; direction:<CODE> its
// own only; the history and diff need a token; the events feed is for admin
// and auditor.
// Anonymous reads (server.anonymous_read, off by default, for a public
// demo): a request without a token reads the directions list, a plan and its
// dashboard (GET /v1/directions, /v1/plans/{d}, /v1/plans/{d}/dashboard),
// and nothing else; every other route answers 401 to it. A route opts in
// with Authenticate(request, kAnonymousAllowed); any other call refuses it.
// The scheme of "Authorization: Bearer <token>" is case-insensitive; a
// request with several Authorization headers is refused by the server.
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

// For Authenticate: the route is one of the three anonymous reads.
inline constexpr bool kAnonymousAllowed = true;

// Whether `role` may run `command_type` at all, on some plan (the matrix
// above, without the plan check).
bool RoleMayRun(const std::string& role, const std::string& command_type);

class Authenticator {
 public:
  explicit Authenticator(std::vector<TokenEntry> tokens, bool anonymous_read = false)
      : tokens_(std::move(tokens)), anonymous_read_(anonymous_read) {}
  // kUnauthenticated without a valid "Authorization: Bearer <token>". A
  // request without any Authorization header is the anonymous principal
  // only if anonymous reads are on and the route allows them.
  Result<Principal> Authenticate(const Request& request, bool anonymous_allowed = false) const;

 private:
  std::vector<TokenEntry> tokens_;
  bool anonymous_read_ = false;
};

}  // namespace jalon::http
