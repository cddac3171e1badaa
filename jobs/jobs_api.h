// The jobs' HTTP routes, which jalond registers beside the plan routes:
//   GET /v1/schedule?direction=D&from=DATE&to=DATE
//       the occurrences of each readable plan's cycle, with their nominal
//       date, their working-day date, why it moved, and their state;
//   GET /v1/reminders?direction=D
//       each readable plan's reminders, their state, level and delivery.
//   GET /v1/plans/{d}/evaluation?format=json|csv|xlsx&at=DATE&table=NAME
//       the end-of-cycle evaluation dataset (evaluation/evaluation.h); CSV
//       is one table per request (`table`, e.g. indicateurs), XLSX the
//       whole workbook.
//   GET /v1/plans/{d}/explain?figure=axis/A1&at=DATE
//       why an axis's figures are what they are (ExplainFigure).
//   GET /v1/plans/{d}/audit
//       the audit flags, each citing its events (AuditFlags).
// Without `direction`, every plan the token may read.
// With `actor_name`, the evaluation shows a person's display name where its
// dataset names an actor ("by": "person:c.durand" becomes "Camille Durand",
// the actor kept in "by_actor").
#pragma once

#include <functional>
#include <string_view>

#include "engine/http/auth.h"
#include "engine/http/router.h"
#include "jobs/scheduler.h"

namespace jalon::jobs {

using ActorName = std::function<std::string(std::string_view actor)>;
void RegisterJobsRoutes(http::Router& router, const Scheduler& scheduler,
                        const PlanService& service, const http::Authenticator& auth,
                        ActorName actor_name = {});

}  // namespace jalon::jobs
