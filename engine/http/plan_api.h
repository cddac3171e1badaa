// The /v1 routes of the plan model (DESIGN.md, "HTTP"), as plain handlers
// over PlanService: testable without a socket. Every route but /healthz
// needs a bearer token; each checks its role before reading or writing.
// The service, log and authenticator are borrowed and must outlive it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "engine/http/auth.h"
#include "engine/http/router.h"
#include "engine/plan/plan_service.h"

namespace jalon::http {

struct PlanApiOptions {
  // /healthz answers 503 "degraded" when the projections are further behind
  // the log head than this (config: health.max_projection_lag).
  uint64_t max_projection_lag = 10000;
  // The people commands of POST /v1/commands (RegisterPerson, …), handed
  // over once authenticated (PeopleApi::ExecuteCommand); unset: refused.
  std::function<void(const Request&, const Json& body, const Principal&, Reply)> people_commands;
  // The display name of an event's actor ("Camille Durand" for
  // "person:c.durand"), added to history entries as actor_name; "" if none.
  std::function<std::string(std::string_view actor)> actor_name;
};

class PlanApi {
 public:
  PlanApi(PlanService& service, const EventLog& log, const Authenticator& auth,
          PlanApiOptions options = {})
      : service_(service), log_(log), auth_(auth), options_(options) {}
  void Register(Router& router);
  // Releases the long-polling readers of /v1/events; call before stopping
  // the server, so that shutdown does not wait for them.
  void Shutdown();

  // The followers of /v1/events?wait=S, shared with the registered handlers.
  struct FeedWaiters {
    std::atomic<int> count{0};
    std::atomic<bool> stopping{false};
  };

 private:
  PlanService& service_;
  const EventLog& log_;
  const Authenticator& auth_;
  const PlanApiOptions options_;
  std::shared_ptr<FeedWaiters> waiters_ = std::make_shared<FeedWaiters>();
};

// The HTTP status for a Status code: 400, 401, 403, 404, 409, 503 or 500.
int HttpStatusOf(const Status& s);

}  // namespace jalon::http
