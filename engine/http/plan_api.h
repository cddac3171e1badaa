// The /v1 routes of the plan model (DESIGN.md, "HTTP"), as plain handlers
// over PlanService: testable without a socket. Every route but /healthz
// needs a bearer token; each checks its role before reading or writing.
// The service, log and authenticator are borrowed and must outlive it.
#pragma once

#include "engine/http/auth.h"
#include "engine/http/router.h"
#include "engine/plan/plan_service.h"

namespace jalon::http {

class PlanApi {
 public:
  PlanApi(PlanService& service, const EventLog& log, const Authenticator& auth)
      : service_(service), log_(log), auth_(auth) {}
  void Register(Router& router);

 private:
  PlanService& service_;
  const EventLog& log_;
  const Authenticator& auth_;
};

// The HTTP status for a Status code: 400, 401, 403, 404, 409, 503 or 500.
int HttpStatusOf(const Status& s);

}  // namespace jalon::http
