#include "tools/cli/backend.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "engine/log/backup.h"
#include "engine/log/event_log.h"
#include "engine/people/people_service.h"
#include "engine/util/json_parse.h"
#include "jobs/documents/documents.h"
#include "jobs/evaluation/evaluation.h"
#include "jobs/net/http_client.h"
#include "jobs/scheduler.h"

namespace jalon::cli {
namespace {

class LocalBackend : public Backend {
 public:
  Status Open(const std::string& dir, const jobs::JobsOptions& jobs) {
    if (dir.empty()) {
      return Status::InvalidArgument(
          "--data or --url: required (the data directory of a stopped jalond, or the URL of a "
          "running one)");
    }
    EventLogOptions options;
    options.clock = &clock_;
    auto opened = EventLog::Open(dir, options);
    if (!opened.ok()) return opened.status();
    log_ = std::move(opened).value();
    projections_ = std::make_unique<Projections>(*log_);
    const bool long_log = log_->Head().position >= 200000;
    JALON_RETURN_IF_ERROR(projections_->Start(
        long_log ? PrintRebuildProgress : std::function<void(uint64_t, uint64_t)>()));
    if (long_log) std::fputc('\n', stderr);
    // A long replay since the last checkpoint: leave a fresh one, so that the
    // next command starts from here.
    const ProjectionStats stats = projections_->Stats();
    if (stats.applied_position - stats.checkpoint_position >= 10000) {
      projections_->WriteCheckpoint().PermitUncheckedError();
    }
    service_ = std::make_unique<PlanService>(*log_, *projections_, clock_);
    scheduler_ = std::make_unique<jobs::Scheduler>(*service_, clock_, jobs, nullptr);
    people_ = std::make_unique<PeopleService>(*log_, clock_);
    // As jalond does: an axis's validation names a live orientation.
    service_->SetOrientationCheck([people = people_.get()](const std::string& orientation) {
      return OrientationRefusal(people->LiveOrientationTitles(), orientation);
    });
    return people_->Load();
  }

  Result<Json> PeopleCommand(const Json& command) override {
    if (!command.is_object() || !command.contains("type") || !command["type"].is_string())
      return Status::InvalidArgument("type: required");
    PeopleService::Outcome out =
        people_->Execute(command["type"], command.value("data", Json::object()),
                         command.value("command_id", ""), LocalActor());
    if (!out.ok()) return out.status;
    return out.result;
  }
  Result<Json> People() override {
    Json list = Json::array();
    for (const Person& p : people_->List()) list.push_back(p.ToJson());
    return Json{{"people", std::move(list)}, {"version", people_->version()}};
  }
  Result<Json> Orientations() override {
    uint64_t version = 0;
    Json list = Json::array();
    for (const Orientation& o : people_->Orientations(&version)) list.push_back(o.ToJson());
    return Json{{"orientations", std::move(list)}, {"version", version}};
  }

  Result<Json> Import(const Json& doc, const std::string& command_id) override {
    auto r = service_->Import(doc, LocalActor(), command_id);
    if (r.ok()) projections_->WriteCheckpoint().PermitUncheckedError();
    return r;
  }
  Result<Json> Execute(const Json& command) override {
    auto parsed = ParseCommand(command);
    if (!parsed.ok()) return parsed.status();
    return service_->Execute(std::move(parsed).value(), LocalActor());
  }
  Result<Json> Show(const std::string& code, const TimeQuery& when) override {
    return service_->Show(code, when);
  }
  Result<Json> Export(const std::string& code, const TimeQuery& when) override {
    return service_->Export(code, when);
  }
  Result<Json> Dashboard(const std::string& code, std::optional<Instant> at,
                         const TimeQuery& when) override {
    return service_->Dashboard(code, at, when);
  }
  Result<Json> History(const std::string& code, const HistoryQuery& query) override {
    auto history = service_->History(code, query);
    if (history.ok() && history->contains("entries")) {  // as jalond answers it
      for (Json& e : (*history)["entries"]) {
        const std::string name = people_->DisplayName(e.value("actor", ""));
        if (!name.empty()) e["actor_name"] = name;
      }
    }
    return history;
  }
  Result<Json> Diff(const std::string& code, Instant from, Instant to) override {
    return service_->Diff(code, from, to);
  }
  Result<Json> Verify() override { return VerifyJson(log_->Verify()); }
  Result<Json> Schedule(const std::string& code, std::optional<Instant> from,
                        std::optional<Instant> to) override {
    return scheduler_->Schedule(code, from ? std::optional<int32_t>(DayOf(*from)) : std::nullopt,
                                to ? std::optional<int32_t>(DayOf(*to)) : std::nullopt);
  }
  Result<Json> Reminders(const std::string& code) override { return scheduler_->Reminders(code); }
  Result<Json> Evaluate(const std::string& code, std::optional<Instant> at, int cycle) override {
    return jobs::EvaluationData(*service_, code, at, scheduler_->options().reminders, cycle);
  }
  Result<Json> Audit(const std::string& code) override { return jobs::AuditFlags(*service_, code); }
  Result<Json> Explain(const std::string& code, const std::string& figure,
                       std::optional<Instant> at) override {
    return jobs::ExplainFigure(*service_, code, figure, at, scheduler_->options().reminders);
  }
  Result<Json> ReviewDoc(const std::string& code, int review, int cycle) override {
    return jobs::ReviewDocData(*service_, code, review, cycle);
  }
  Result<Json> Brief(const std::string& code, const jobs::BriefPoint& at) override {
    return jobs::BriefData(*service_, code, at, scheduler_->options().cycle);
  }
  Result<Json> Backup(const std::string& to) override {
    auto info = CreateBackup(*log_, to, clock_);
    if (!info.ok()) return info.status();
    return info->ToJson();
  }

 private:
  SystemClock clock_;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<Projections> projections_;
  std::unique_ptr<PlanService> service_;
  std::unique_ptr<jobs::Scheduler> scheduler_;
  std::unique_ptr<PeopleService> people_;
};

Status StatusOfHttp(long status, const std::string& message) {  // NOLINT(runtime/int)
  std::string text = "HTTP " + std::to_string(status) + ": " + message;
  switch (status) {
    case 400:
    case 413:
      return Status::InvalidArgument(std::move(text));
    case 401:
      return Status::Unauthenticated(std::move(text) + " (give --token or JALON_TOKEN)");
    case 403:
      return Status::PermissionDenied(std::move(text));
    case 404:
      return Status::NotFound(std::move(text));
    case 409:
      return Status::Conflict(std::move(text));
    case 503:
      return Status::Unavailable(std::move(text));
    default:
      return Status::Internal(std::move(text));
  }
}

// Appends "key=value" to a query string when value is set.
void AddParam(std::string& query, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  query += query.empty() ? '?' : '&';
  query += key + "=" + net::UrlEncode(value);
}

std::string TimeParams(const TimeQuery& when) {
  std::string q;
  if (when.as_of) AddParam(q, "as_of", FormatInstant(*when.as_of));
  if (when.position) AddParam(q, "position", std::to_string(*when.position));
  if (when.effective_at) AddParam(q, "effective_at", FormatDate(*when.effective_at));
  return q;
}

class RemoteBackend : public Backend {
 public:
  RemoteBackend(std::string url, std::string token)
      : url_(std::move(url)), token_(std::move(token)) {
    while (!url_.empty() && url_.back() == '/') url_.pop_back();
  }

  Result<Json> Import(const Json& doc, const std::string& command_id) override {
    return Call("POST", "/v1/import", doc.dump(), command_id);
  }
  Result<Json> Execute(const Json& command) override {
    return Call("POST", "/v1/commands", command.dump(), "");
  }
  Result<Json> Show(const std::string& code, const TimeQuery& when) override {
    return Call("GET", PlanPath(code) + TimeParams(when));
  }
  Result<Json> Export(const std::string& code, const TimeQuery& when) override {
    return Call("GET", PlanPath(code) + "/export" + TimeParams(when));
  }
  Result<Json> Dashboard(const std::string& code, std::optional<Instant> at,
                         const TimeQuery& when) override {
    std::string q = TimeParams(when);
    if (at) AddParam(q, "at", FormatDate(*at));
    return Call("GET", PlanPath(code) + "/dashboard" + q);
  }
  Result<Json> History(const std::string& code, const HistoryQuery& query) override {
    std::string q;
    AddParam(q, "entity", query.entity);
    if (query.from) AddParam(q, "from", FormatInstant(*query.from));
    if (query.to) AddParam(q, "to", FormatInstant(*query.to));
    return Call("GET", PlanPath(code) + "/history" + q);
  }
  Result<Json> Diff(const std::string& code, Instant from, Instant to) override {
    std::string q;
    AddParam(q, "from", FormatInstant(from));
    AddParam(q, "to", FormatInstant(to));
    return Call("GET", PlanPath(code) + "/diff" + q);
  }
  Result<Json> Verify() override { return Call("GET", "/v1/verify"); }
  Result<Json> Schedule(const std::string& code, std::optional<Instant> from,
                        std::optional<Instant> to) override {
    std::string q = "?direction=" + net::UrlEncode(code);
    if (from) q += "&from=" + FormatDate(*from);
    if (to) q += "&to=" + FormatDate(*to);
    return First(Call("GET", "/v1/schedule" + q));
  }
  Result<Json> Reminders(const std::string& code) override {
    return First(Call("GET", "/v1/reminders?direction=" + net::UrlEncode(code)));
  }
  Result<Json> Evaluate(const std::string& code, std::optional<Instant> at, int cycle) override {
    return Call("GET", PlanPath(code) + "/evaluation?format=json" +
                           (at ? "&at=" + FormatDate(*at) : std::string()) +
                           (cycle != 0 ? "&cycle=" + std::to_string(cycle) : std::string()));
  }
  Result<Json> Audit(const std::string& code) override {
    return Call("GET", PlanPath(code) + "/audit");
  }
  Result<Json> Explain(const std::string& code, const std::string& figure,
                       std::optional<Instant> at) override {
    return Call("GET", PlanPath(code) + "/explain?figure=" + net::UrlEncode(figure) +
                           (at ? "&at=" + FormatDate(*at) : std::string()));
  }
  Result<Json> ReviewDoc(const std::string& code, int review, int cycle) override {
    return Call("GET", PlanPath(code) + "/review-doc?format=json&review=" + std::to_string(review) +
                           (cycle != 0 ? "&cycle=" + std::to_string(cycle) : std::string()));
  }
  Result<Json> Backup(const std::string& to) override {
    return Call("POST", "/v1/backup", Json{{"to", std::filesystem::absolute(to).string()}}.dump());
  }
  Result<Json> PeopleCommand(const Json& command) override {
    return Call("POST", "/v1/commands", command.dump(), command.value("command_id", ""));
  }
  Result<Json> People() override { return Call("GET", "/v1/people"); }
  Result<Json> Orientations() override { return Call("GET", "/v1/orientations"); }
  Result<Json> Brief(const std::string& code, const jobs::BriefPoint& at) override {
    return Call(
        "GET",
        PlanPath(code) + "/brief?format=json" +
            (at.as_of ? "&as_of=" + net::UrlEncode(FormatInstant(*at.as_of)) : std::string()) +
            (at.position ? "&position=" + std::to_string(*at.position) : std::string()) +
            (at.cycle != 0 ? "&cycle=" + std::to_string(at.cycle) : std::string()));
  }

 private:
  // The one plan of a {plans: [...]} answer.
  static Result<Json> First(Result<Json> r) {
    if (!r.ok()) return r;
    if (!r->contains("plans") || (*r)["plans"].size() != 1)
      return Status::Internal("unexpected answer from jalond");
    return (*r)["plans"][0];
  }

  static std::string PlanPath(const std::string& code) {
    return "/v1/plans/" + net::UrlEncode(code);
  }

  Result<Json> Call(const std::string& method, const std::string& path, std::string body = {},
                    const std::string& idempotency_key = {}) {
    net::HttpCall call;
    call.method = method;
    call.url = url_ + path;
    call.body = std::move(body);
    call.timeout = std::chrono::minutes(5);  // an import of a large plan
    if (!token_.empty()) call.headers.emplace_back("Authorization", "Bearer " + token_);
    if (method == "POST") call.headers.emplace_back("Content-Type", "application/json");
    if (!idempotency_key.empty()) call.headers.emplace_back("Idempotency-Key", idempotency_key);
    auto reply = net::Perform(call);
    if (!reply.ok()) return reply.status().WithContext("cannot reach jalond");
    auto read = ParseJson(reply->body, "the answer");
    Json parsed = read.ok() ? std::move(read).value() : Json(Json::value_t::discarded);
    if (reply->status >= 400) {
      std::string message = reply->body;
      if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
        message = parsed["error"].value("message", message);
      }
      return StatusOfHttp(reply->status, message);
    }
    if (!read.ok()) {
      return Status::Internal(call.url + ": " + read.status().message() +
                              " (is this a jalond URL?)");
    }
    return parsed;
  }

  std::string url_;
  std::string token_;
};

}  // namespace

void PrintRebuildProgress(uint64_t done, uint64_t total) {
  std::fprintf(stderr, "\rrebuilding projections: %llu / %llu events",
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total));
}

Json VerifyJson(const VerifyReport& r) {
  Json out = {{"ok", r.ok},
              {"head_position", r.head_position},
              {"head_hash", ToHex(r.head_hash)},
              {"events_checked", r.events_checked}};
  if (!r.ok) {
    out["first_bad_position"] = r.first_bad_position;
    out["reason"] = r.reason;
  }
  return out;
}

std::string LocalActor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user != nullptr && *user != '\0' ? user : "unknown");
}

Result<std::unique_ptr<Backend>> OpenLocal(const std::string& data_dir,
                                           const jobs::JobsOptions& jobs) {
  auto local = std::make_unique<LocalBackend>();
  JALON_RETURN_IF_ERROR(local->Open(data_dir, jobs));
  return std::unique_ptr<Backend>(std::move(local));
}

std::unique_ptr<Backend> OpenRemote(std::string url, std::string token) {
  return std::make_unique<RemoteBackend>(std::move(url), std::move(token));
}

}  // namespace jalon::cli
