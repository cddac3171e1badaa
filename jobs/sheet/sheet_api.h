// The update sheet's HTTP routes (DESIGN.md, "Spreadsheets"), which jalond
// registers beside the plan routes:
//   GET  /v1/plans/{d}/sheet           the XLSX workbook to fill in (a
//                                      token that may read the plan);
//   POST /v1/plans/{d}/sheet           the filled workbook (.xlsx) or one
//                                      sheet as CSV, as the body: the
//                                      preview (sheet_rows.h), nothing
//                                      written;
//   POST /v1/plans/{d}/sheet?apply=1   the same, then every row's command
//                                      in one append, or none if any row
//                                      is refused (400, with the preview).
// Writes follow the rules of POST /v1/commands: a token that may run
// ReportProgress and RecordMeasurement on the plan. A stale workbook (the
// plan moved since it was downloaded) still applies if every row still
// decides on the plan as it is; the preview says it is stale.
//
// The service and authenticator are borrowed and must outlive the router.
#pragma once

#include "engine/http/auth.h"
#include "engine/http/router.h"
#include "engine/plan/plan_service.h"

namespace jalon::jobs {

void RegisterSheetRoutes(http::Router& router, PlanService& service,
                         const http::Authenticator& auth);

}  // namespace jalon::jobs
