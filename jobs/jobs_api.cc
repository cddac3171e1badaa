#include "jobs/jobs_api.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "engine/http/plan_api.h"
#include "jobs/documents/documents.h"
#include "jobs/evaluation/evaluation.h"
#include "jobs/evaluation/evaluation_xlsx.h"
#include "jobs/xlsx/xlsx_write.h"

namespace jalon::jobs {
namespace {

std::string Param(const http::Request& req, const std::string& key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

// The codes the request asks for and may read, or an error response.
Result<std::vector<std::string>> Codes(const http::Request& req, const http::Principal& who,
                                       const PlanService& service) {
  const std::string code = Param(req, "direction");
  if (!code.empty()) {
    if (!IsValidDirectionCode(code))
      return Status::InvalidArgument("direction: not a direction code");
    if (!who.CanRead(code))
      return Status::PermissionDenied("the token of " + who.name + " may not read " + code);
    return std::vector<std::string>{code};
  }
  std::vector<std::string> out;
  for (const std::string& c : service.projections().Codes()) {
    if (who.CanRead(c)) out.push_back(c);
  }
  return out;
}

http::Response Error(const Status& s) {
  return http::ErrorResponse(http::HttpStatusOf(s), s.message());
}

// The {direction} of the route, if the request's token may read it.
Result<std::string> ReadablePlan(const http::Request& req, const http::Params& params,
                                 const http::Authenticator& auth) {
  auto who = auth.Authenticate(req);
  if (!who.ok()) return who.status();
  const std::string& code = params.at("direction");
  if (!IsValidDirectionCode(code))
    return Status::InvalidArgument("direction: not a direction code");
  if (!who->CanRead(code))
    return Status::PermissionDenied("the token of " + who->name + " may not read " + code);
  return code;
}

Result<std::optional<int32_t>> DateParam(const http::Request& req, const std::string& key) {
  const std::string v = Param(req, key);
  if (v.empty()) return std::optional<int32_t>();
  auto d = ParseDate(v);
  if (!d.ok()) return Status::InvalidArgument(key + ": " + d.status().message());
  return std::optional<int32_t>(DayOf(*d));
}

// The `cycle` of a plan a request asks for: 0 (the current one) when absent.
Result<int> CycleParam(const http::Request& req) {
  const std::string v = Param(req, "cycle");
  if (v.empty()) return 0;
  if (v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos || v == "0")
    return Status::InvalidArgument("cycle: a cycle number, from 1");
  return std::stoi(v);
}

// The `position` of the log a brief reads at, if the request gives one.
Result<std::optional<uint64_t>> PositionParam(const http::Request& req) {
  const std::string v = Param(req, "position");
  if (v.empty()) return std::optional<uint64_t>();
  if (v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoull(v) == 0)
    return Status::InvalidArgument("position: a log position, from 1");
  return std::optional<uint64_t>(std::stoull(v));
}

// A review document or brief in the format the request asks for.
http::Response DocumentResponse(const http::Request& req, const Result<Json>& data) {
  if (!data.ok()) return Error(data.status());
  const std::string format = Param(req, "format").empty() ? "json" : Param(req, "format");
  auto text = RenderDocument(*data, format);
  if (!text.ok()) return Error(text.status());
  http::Response r;
  r.status = 200;
  r.content_type = format == "html" ? "text/html; charset=utf-8"
                   : format == "md" ? "text/markdown; charset=utf-8"
                                    : "application/json";
  r.body = std::move(text).value();
  // The web UI's policy; the document's own <style> admitted by its hash.
  if (format == "html") {
    r.headers["Content-Security-Policy"] = http::HtmlDocumentCsp(r.body);
    r.headers["X-Content-Type-Options"] = "nosniff";
  }
  return r;
}

// Every "by" naming a known person gets the person's name (see jobs_api.h).
void NameActors(Json& j, const ActorName& actor_name) {
  if (j.is_array()) {
    for (Json& v : j) NameActors(v, actor_name);
  } else if (j.is_object()) {
    for (auto& [key, v] : j.items()) {
      if (key == "by" && v.is_string()) {
        const std::string actor = v.get<std::string>();
        const std::string name = actor_name(actor);
        if (!name.empty()) {
          v = name;
          j["by_actor"] = actor;  // a std::map insertion: the iteration goes on
        }
      } else {
        NameActors(v, actor_name);
      }
    }
  }
}

}  // namespace

void RegisterJobsRoutes(http::Router& router, const Scheduler& scheduler,
                        const PlanService& service, const http::Authenticator& auth,
                        ActorName actor_name) {
  const Scheduler* jobs = &scheduler;
  const PlanService* plans = &service;
  const http::Authenticator* authn = &auth;
  router.Add("GET", "/v1/schedule", [=](const http::Request& req, const http::Params&) {
    auto who = authn->Authenticate(req);
    if (!who.ok()) return Error(who.status());
    auto codes = Codes(req, *who, *plans);
    if (!codes.ok()) return Error(codes.status());
    auto from = DateParam(req, "from");
    auto to = DateParam(req, "to");
    if (!from.ok()) return Error(from.status());
    if (!to.ok()) return Error(to.status());
    Json out = Json::array();
    for (const std::string& code : *codes) {
      auto one = jobs->Schedule(code, *from, *to);
      if (!one.ok()) return Error(one.status());
      out.push_back(std::move(one).value());
    }
    return http::JsonResponse(200, {{"plans", std::move(out)}});
  });
  router.Add(
      "GET", "/v1/plans/{direction}/evaluation",
      [=](const http::Request& req, const http::Params& params) {
        auto code_or = ReadablePlan(req, params, *authn);
        if (!code_or.ok()) return Error(code_or.status());
        const std::string& code = *code_or;
        const std::string format = Param(req, "format").empty() ? "json" : Param(req, "format");
        if (format != "json" && format != "csv" && format != "xlsx" && format != "tables")
          return http::ErrorResponse(400, "format: must be json, csv, xlsx or tables");
        auto at = DateParam(req, "at");
        if (!at.ok()) return Error(at.status());
        auto cycle = CycleParam(req);
        if (!cycle.ok()) return Error(cycle.status());
        auto data = EvaluationData(*plans, code,
                                   *at ? std::optional<Instant>(StartOfDay(**at)) : std::nullopt,
                                   jobs->options().reminders, *cycle);
        if (!data.ok()) return Error(data.status());
        if (actor_name) NameActors(*data, actor_name);
        if (format == "json") return http::JsonResponse(200, *data);
        const std::vector<Table> tables = EvaluationTables(*data);
        if (format == "tables")
          return http::JsonResponse(200, {{"at", (*data)["at"]}, {"tables", TablesJson(tables)}});
        http::Response r;
        r.status = 200;
        if (format == "csv") {
          const std::string name = Param(req, "table");
          std::string names;
          for (const Table& t : tables) {
            if (t.name == name) {
              r.content_type = "text/csv; charset=utf-8";
              r.body = ToCsv(t);
              return r;
            }
            names += (names.empty() ? "" : ", ") + t.name;
          }
          return http::ErrorResponse(400, "table: one of " + names);
        }
        auto bytes = XlsxBytes([&](const std::string& path) { return WriteXlsx(tables, path); });
        if (!bytes.ok()) return Error(bytes.status());
        r.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        r.headers["Content-Disposition"] = "attachment; filename=\"evaluation-" + code + ".xlsx\"";
        r.body = *std::move(bytes);
        return r;
      });
  router.Add("GET", "/v1/plans/{direction}/explain",
             [=](const http::Request& req, const http::Params& params) {
               auto code_or = ReadablePlan(req, params, *authn);
               if (!code_or.ok()) return Error(code_or.status());
               const std::string& code = *code_or;
               auto at = DateParam(req, "at");
               if (!at.ok()) return Error(at.status());
               auto r = ExplainFigure(*plans, code, Param(req, "figure"),
                                      *at ? std::optional<Instant>(StartOfDay(**at)) : std::nullopt,
                                      jobs->options().reminders);
               return r.ok() ? http::JsonResponse(200, *r) : Error(r.status());
             });
  router.Add("GET", "/v1/plans/{direction}/audit",
             [=](const http::Request& req, const http::Params& params) {
               auto code_or = ReadablePlan(req, params, *authn);
               if (!code_or.ok()) return Error(code_or.status());
               auto r = AuditFlags(*plans, *code_or);
               return r.ok() ? http::JsonResponse(200, *r) : Error(r.status());
             });
  router.Add("GET", "/v1/plans/{direction}/review-doc",
             [=](const http::Request& req, const http::Params& params) {
               auto code_or = ReadablePlan(req, params, *authn);
               if (!code_or.ok()) return Error(code_or.status());
               const std::string n = Param(req, "review");
               int review = 0;
               if (n.empty() || n.size() > 4 ||
                   n.find_first_not_of("0123456789") != std::string::npos ||
                   (review = std::stoi(n)) < 1)
                 return http::ErrorResponse(400, "review: must be a review number from 1");
               // A cycle's review N: review numbers start again in each cycle.
               auto cycle = CycleParam(req);
               if (!cycle.ok()) return Error(cycle.status());
               return DocumentResponse(req, ReviewDocData(*plans, *code_or, review, *cycle));
             });
  router.Add("GET", "/v1/plans/{direction}/brief",
             [=](const http::Request& req, const http::Params& params) {
               auto code_or = ReadablePlan(req, params, *authn);
               if (!code_or.ok()) return Error(code_or.status());
               // The plan now, at a recorded instant, at a log position (the
               // Direction page's time travel), or a cycle's (the evaluation's).
               BriefPoint at;
               if (!Param(req, "as_of").empty()) {
                 auto t = ParseInstant(Param(req, "as_of"));
                 if (!t.ok()) return http::ErrorResponse(400, "as_of: " + t.status().message());
                 at.as_of = *t;
               }
               auto position = PositionParam(req);
               if (!position.ok()) return Error(position.status());
               at.position = *position;
               auto cycle = CycleParam(req);
               if (!cycle.ok()) return Error(cycle.status());
               at.cycle = *cycle;
               return DocumentResponse(req, BriefData(*plans, *code_or, at, jobs->options().cycle));
             });
  router.Add("GET", "/v1/reminders", [=](const http::Request& req, const http::Params&) {
    auto who = authn->Authenticate(req);
    if (!who.ok()) return Error(who.status());
    auto codes = Codes(req, *who, *plans);
    if (!codes.ok()) return Error(codes.status());
    Json out = Json::array();
    for (const std::string& code : *codes) {
      auto one = jobs->Reminders(code);
      if (!one.ok()) return Error(one.status());
      out.push_back(std::move(one).value());
    }
    return http::JsonResponse(200, {{"plans", std::move(out)}});
  });
}

}  // namespace jalon::jobs
