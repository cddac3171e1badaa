#include "jobs/sheet/sheet_api.h"

#include <optional>

#include "engine/http/plan_api.h"
#include "jobs/sheet/csv_reader.h"
#include "jobs/sheet/sheet_format.h"
#include "jobs/sheet/sheet_rows.h"
#include "jobs/sheet/sheet_workbook.h"
#include "jobs/sheet/xlsx_reader.h"

namespace jalon::jobs {
namespace {

http::Response Error(const Status& s) {
  return http::ErrorResponse(http::HttpStatusOf(s), s.message());
}

// Both routes' first answer: who is asking must be known and {direction}
// a direction code; nullopt when both hold.
std::optional<http::Response> Refused(const Result<http::Principal>& who, const std::string& code) {
  if (!who.ok()) return Error(who.status());
  if (!IsValidDirectionCode(code)) {
    return http::ErrorResponse(400, "direction: not a direction code");
  }
  return std::nullopt;
}

// The rows' preview as a refusal: {error: {status, message}, ...preview}.
http::Response Refusal(int status, const std::string& message, Json preview) {
  preview["error"] = {{"status", status}, {"message", message}};
  return http::JsonResponse(status, preview);
}

Result<SheetUpload> ReadUpload(const std::string& body) {
  if (body.empty()) {
    return Status::InvalidArgument(
        "le corps de la requête est vide : envoyez la fiche remplie (.xlsx ou .csv)");
  }
  if (LooksLikeZip(body)) {
    return ReadXlsx(body, {std::string(sheet::kActions), std::string(sheet::kIndicators),
                           std::string(sheet::kMeta)});
  }
  auto table = ReadCsv(body);
  if (!table.ok()) return table.status();
  SheetUpload upload;
  upload.from_csv = true;
  upload.sheets.push_back(std::move(table).value());
  return upload;
}

std::string ErrorCount(size_t n) { return n == 1 ? "1 erreur" : std::to_string(n) + " erreurs"; }

}  // namespace

void RegisterSheetRoutes(http::Router& router, PlanService& service,
                         const http::Authenticator& auth) {
  PlanService* plans = &service;
  const http::Authenticator* authn = &auth;

  router.Add("GET", "/v1/plans/{direction}/sheet",
             [plans, authn](const http::Request& req, const http::Params& params) {
               auto who = authn->Authenticate(req);
               const std::string& code = params.at("direction");
               if (auto refused = Refused(who, code)) return *refused;
               if (!who->CanRead(code))
                 return http::ErrorResponse(403,
                                            "the token of " + who->name + " may not read " + code);
               auto plan = plans->State(code, {});
               if (!plan.ok()) return Error(plan.status());
               auto bytes = SheetWorkbook(*plan, NewWorkbookId());
               if (!bytes.ok()) return Error(bytes.status());
               http::Response r;
               r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
               r.headers["Content-Disposition"] = "attachment; filename=\"fiche-" + code + "-" +
                                                  FormatDate(plans->clock().Now()) + ".xlsx\"";
               r.body = *std::move(bytes);
               return r;
             });

  router.Add("POST", "/v1/plans/{direction}/sheet",
             [plans, authn](const http::Request& req, const http::Params& params) {
               auto who = authn->Authenticate(req);
               const std::string& code = params.at("direction");
               if (auto refused = Refused(who, code)) return *refused;
               for (const char* type : {"ReportProgress", "RecordMeasurement"}) {
                 if (!who->CanWrite(type, code))
                   return http::ErrorResponse(
                       403, "the token of " + who->name + " may not run " + type + " on " + code);
               }
               auto apply_it = req.query.find("apply");
               const bool apply = apply_it != req.query.end() && apply_it->second == "1";
               if (apply_it != req.query.end() && !apply && apply_it->second != "0")
                 return http::ErrorResponse(400, "apply: must be 1 or 0");
               auto upload = ReadUpload(req.body);
               if (!upload.ok()) return Error(upload.status());
               const Instant now = plans->clock().Now();
               auto read = ReadSheetRows(*upload, code, now);
               if (!read.ok()) return Error(read.status());
               SheetRows rows = std::move(read).value();

               if (!apply) {
                 auto plan = plans->State(code, {});
                 if (!plan.ok()) return Error(plan.status());
                 const SheetCheck check = CheckSheetRows(*plan, rows, now);
                 return http::JsonResponse(200, SheetRowsJson(rows, check, plan->version));
               }

               // Under the plan's lock, on the plan as it is: every row, or none.
               std::optional<Json> refused;
               size_t refused_errors = 0, commands = 0;
               Json preview;
               auto appended =
                   plans->AppendSystem(code, rows.batch_id, who->Actor(),
                                       [&](const PlanState& plan) -> Result<std::vector<NewEvent>> {
                                         SheetRows attempt = rows;
                                         SheetCheck check = CheckSheetRows(plan, attempt, now);
                                         preview = SheetRowsJson(attempt, check, plan.version);
                                         if (attempt.errors() > 0) {
                                           refused = preview;
                                           refused_errors = attempt.errors();
                                           return Status::InvalidArgument("the sheet has errors");
                                         }
                                         commands = check.commands;
                                         return std::move(check.decision.events);
                                       });
               if (refused) {
                 return Refusal(400, ErrorCount(refused_errors) + " : rien n'a été enregistré",
                                std::move(*refused));
               }
               if (!appended.ok()) return Error(appended.status());
               Json body = preview.is_object() ? preview : Json::object();
               body["command_id"] = rows.batch_id;
               body["replayed"] = appended->replayed;
               body["appended"] = appended->replayed ? 0 : appended->count;
               if (appended->replayed) {
                 body["message"] = "Cette fiche a déjà été enregistrée : rien n'a été ajouté.";
                 return http::JsonResponse(200, body);
               }
               if (!appended->appended()) {
                 body["message"] =
                     "Rien à enregistrer : chaque ligne remplie est déjà dans le plan.";
                 return http::JsonResponse(200, body);
               }
               if (Status caught = plans->CatchUpTo(appended->position); !caught.ok())
                 return Error(caught);
               body["position"] = appended->position;
               body["message"] = std::to_string(commands) +
                                 (commands == 1 ? " ligne enregistrée." : " lignes enregistrées.");
               return http::JsonResponse(201, body);
             });
}

}  // namespace jalon::jobs
