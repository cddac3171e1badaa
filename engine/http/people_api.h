// The routes of people and sign-in (DESIGN.md, "People, sign-in…"):
//   POST   /v1/session  {login, password} -> 201 {login, name, roles,
//                       csrf_token}, and the cookie jalon_session;
//                       401 for a wrong login or password, alike whether or
//                       not the login exists; 429 + Retry-After once
//                       throttled; 503 when the password checker cannot tell
//   DELETE /v1/session  ends the cookie's session (204)
//   GET    /v1/people   every person (admin), never a password hash
//   GET    /v1/orientations  the city's political orientations (any
//                       signed-in reader): {orientations: [{id, title,
//                       retired, reason?}], version}
// and the people and city commands of POST /v1/commands (ExecuteCommand), which
// PlanApi hands here. Sign-ins, failures and sign-outs are appended to the
// `security` stream.
//
// PeopleApi is also the SessionResolver the Authenticator asks for a
// cookie: a lookup in the session store and in the people directory, with
// no hashing.
//
// Thread-safe. Borrows the PeopleService, which must outlive it.
#pragma once

#include <atomic>
#include <memory>
#include <semaphore>

#include "engine/http/auth.h"
#include "engine/http/router.h"
#include "engine/http/sessions.h"
#include "engine/people/people_service.h"

namespace jalon::http {

struct PeopleApiOptions {
  SessionOptions sessions;
  ThrottleOptions throttle;
  // Adds `Secure` to the cookie. Also added for a request whose
  // X-Forwarded-Proto is https (a TLS proxy in front of jalond).
  bool secure_cookie = false;
  SteadyNow now;  // tests; default: steady_clock
};

class PeopleApi : public SessionResolver {
 public:
  PeopleApi(PeopleService& people, PeopleApiOptions options = {});
  // Until Shutdown, people commands run on threads of their own (a
  // SetPassword hashes for about 100 ms): Shutdown waits for them.
  ~PeopleApi() override;

  // `auth` is borrowed and must outlive the routes.
  void Register(Router& router, const Authenticator& auth);

  std::optional<Principal> Resolve(std::string_view session_id) const override;

  // A people command (body = {type, command_id?, data}) from `who`, already
  // authenticated: checks the role, runs it off the caller's thread, and
  // answers through `reply`.
  void ExecuteCommand(const Request& req, const Json& body, const Principal& who, Reply reply);

  SessionStore& sessions() { return *sessions_; }
  PeopleService& people() { return people_; }

 private:
  Response SignIn(const Request& req);
  Response SignOut(const Request& req, const Authenticator& auth);

  PeopleService& people_;
  const PeopleApiOptions options_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<SignInThrottle> throttle_;
  // Sign-ins hashing at once: each argon2id takes 64 MiB and a core, so a
  // burst of sign-ins waits here instead of exhausting memory.
  std::counting_semaphore<16> hashing_{2};
  // People commands running on their own threads.
  struct Running {
    std::mutex mu;
    std::condition_variable done;
    int count = 0;  // GUARDED_BY(mu)
  };
  std::shared_ptr<Running> running_ = std::make_shared<Running>();
};

// {"error": {"status", "message", "field"?, "message_fr"}}.
Response FrenchError(int status, const std::string& message, const std::string& message_fr,
                     const std::string& field = {});

}  // namespace jalon::http
