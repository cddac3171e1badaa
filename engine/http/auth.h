// Authentication (a person's session cookie or a bearer token) and the
// roles (DESIGN.md, "HTTP" and "People, sign-in…").
//
// Who may run which command (RoleMayRun; a principal may hold several
// roles, and may run a command if one of them may):
//   admin               every command, on every plan, and the people
//                       commands;
//   steering            ValidateAxis, RetainScenario, HoldReview,
//                       SetRevisionModalities and CloseRevision, on every
//                       plan: the governance
//                       decisions, taken against the political orientations;
//                       nothing else;
//   direction:<CODE>    on its own plan, every plan command but
//                       RegisterDirection and the five governance decisions
//                       above: it proposes axes, scenarios and target changes
//                       and never validates them itself; nothing on another
//                       plan;
//   reader:<CODE>       no command: reads its own plan and its history;
//   auditor, anonymous  no command.
// Any person may SetPassword their own (PeopleService decides that one).
// Reads: admin, steering and auditor read every plan; direction:<CODE> and
// reader:<CODE> their own only; the history and diff need a principal; the
// events feed is for admin and auditor.
// Anonymous reads (server.anonymous_read, off by default, for a public
// demo): a request without credentials reads the directions list, a plan and
// its dashboard (GET /v1/directions, /v1/plans/{d}, /v1/plans/{d}/dashboard),
// and nothing else; every other route answers 401 to it. A route opts in
// with Authenticate(request, kAnonymousAllowed); any other call refuses it.
// The scheme of "Authorization: Bearer <token>" is case-insensitive; a
// request with several Authorization headers is refused by the server.
// Tokens are known only by their SHA-256 and compared in constant time.
// Sessions: a request without Authorization but with the cookie
// `jalon_session` is the session's person (SessionResolver, an in-memory
// lookup). If it changes state (any method but GET and HEAD), it must carry
// X-CSRF-Token with the session's token, else 403.
// Immutable after construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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
  enum class Kind { kToken, kPerson, kAnonymous };
  Kind kind = Kind::kToken;
  std::string name;          // the token's name or the person's login
  std::string display_name;  // the person's name; the token's name
  std::vector<std::string> roles;
  std::string role;       // the first of `roles` ("" if none), for older clients
  std::string direction;  // the CODE of the first direction:/reader: role, if any
  std::string csrf;       // the session's CSRF token (persons only)

  // A principal holding `roles`; fills `role` and `direction`.
  static Principal Of(Kind kind, std::string name, std::vector<std::string> roles);
  bool Has(std::string_view r) const;
  bool admin() const { return Has("admin"); }
  bool anonymous() const { return kind == Kind::kAnonymous; }
  bool person() const { return kind == Kind::kPerson; }
  // May read the plan of `code`.
  bool CanRead(const std::string& code) const;
  // May read every plan (admin, steering, auditor, anonymous demo reads).
  bool ReadsEveryPlan() const;
  // May run `command_type` on the plan of `code`.
  bool CanWrite(const std::string& command_type, const std::string& code) const;
  // May read every plan's history and the global events feed.
  bool CanAudit() const { return Has("admin") || Has("auditor"); }
  // "person:<login>", "token:<name>" or "anonymous": the events' actor.
  std::string Actor() const;
  // "the token demo-dej" / "Camille Durand", for messages.
  std::string Who() const;
};

// Finds the principal of a session id; implemented over the people and the
// session store (engine/http/people_api.h). Must be thread-safe and cheap:
// it runs on every cookie-authenticated request.
class SessionResolver {
 public:
  virtual ~SessionResolver() = default;
  // The session's person, with `csrf` set; nullopt when the session is
  // unknown, expired, or its person deactivated or given a new password.
  virtual std::optional<Principal> Resolve(std::string_view session_id) const = 0;
};

inline constexpr std::string_view kSessionCookie = "jalon_session";
// The value of cookie `name` in a Cookie header; "" if absent.
std::string_view CookieValue(std::string_view header, std::string_view name);

// For Authenticate: the route is one of the three anonymous reads.
inline constexpr bool kAnonymousAllowed = true;

// Whether `role` may run `command_type` at all, on some plan (the matrix
// above, without the plan check).
bool RoleMayRun(const std::string& role, const std::string& command_type);

class Authenticator {
 public:
  // `sessions` (optional) is borrowed and must outlive this.
  explicit Authenticator(std::vector<TokenEntry> tokens, bool anonymous_read = false,
                         const SessionResolver* sessions = nullptr)
      : tokens_(std::move(tokens)), anonymous_read_(anonymous_read), sessions_(sessions) {}
  // kUnauthenticated without a valid "Authorization: Bearer <token>" or
  // session cookie; kPermissionDenied for a cookie-authenticated change
  // without the right X-CSRF-Token. A request without credentials is the
  // anonymous principal only if anonymous reads are on and the route allows
  // them.
  Result<Principal> Authenticate(const Request& request, bool anonymous_allowed = false) const;

 private:
  Result<Principal> FromToken(std::string_view header) const;
  Result<Principal> FromSession(const Request& request, std::string_view id) const;

  std::vector<TokenEntry> tokens_;
  bool anonymous_read_ = false;
  const SessionResolver* sessions_ = nullptr;
};

}  // namespace jalon::http
