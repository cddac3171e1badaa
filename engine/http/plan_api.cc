#include "engine/http/plan_api.h"

#include <algorithm>
#include <atomic>
#include <memory>

#include "engine/log/backup.h"
#include "engine/log/event_json.h"
#include "engine/people/orientations.h"
#include "engine/people/person.h"
#include "engine/plan/refusal_fr.h"
#include "engine/util/json_parse.h"

namespace jalon::http {
namespace {

Response FromStatus(const Status& s) { return ErrorResponse(HttpStatusOf(s), s.message()); }

// An error answer whose body is {"error": error}; error["status"] is the
// HTTP status.
Response ErrorBody(Json error) {
  const int status = error.at("status").get<int>();
  return JsonResponse(status, Json{{"error", std::move(error)}});
}

// What changed the plan of `code` after version `expected`: its current
// version, who made those changes (by name where the actor is a person),
// and whether only jalond's own jobs did (occurrences, reminders), which a
// form may then send again over without asking anyone.
Json ChangesSince(const PlanService& service, const std::string& code, uint64_t expected,
                  const std::function<std::string(std::string_view)>& actor_name) {
  auto events = service.log().ReadStream(PlanStream(code), expected + 1, 1000);
  Json out = Json::object();
  if (!events.ok() || events->empty()) return out;
  std::vector<std::string> people;
  for (const Event& e : *events) {
    if (e.actor.starts_with("jalond/")) continue;
    const std::string name = actor_name ? actor_name(e.actor) : std::string();
    const std::string who = name.empty() ? e.actor : name;
    if (std::find(people.begin(), people.end(), who) == people.end()) people.push_back(who);
  }
  out["version"] = events->back().version;
  out["system_only"] = people.empty();
  std::string names = people.empty() ? events->back().actor : people.front();
  for (size_t i = 1; i < people.size(); ++i) names += ", " + people[i];
  out["changed_by"] = names;
  return out;
}

// The answer to a refused command. Beside the English message that the CLI
// and scripts read, the web UI gets the field the refusal names (without
// "data.") and its rule in French (refusal_fr.h); a conflict names who
// changed the plan meanwhile and the version it is at.
Response CommandRefusal(const Status& s, const PlanService& service, const std::string& code,
                        const std::function<std::string(std::string_view)>& actor_name = {},
                        std::optional<uint64_t> expected = std::nullopt) {
  Json error = {{"status", HttpStatusOf(s)}, {"message", s.message()}};
  if (s.IsInvalidArgument()) {
    auto [field, rule] = SplitFieldError(s.message());
    if (field.starts_with("data.")) field = field.substr(5);
    if (!field.empty()) error["field"] = field;
    error["message_fr"] = FrenchRefusal(field.empty() ? s.message() : rule);
  } else if (s.IsConflict() && !code.empty()) {
    error["message_fr"] = "Le projet a été modifié entre-temps.";
    if (expected) error.update(ChangesSince(service, code, *expected, actor_name));
  }
  return ErrorBody(std::move(error));
}

Response Respond(const Result<Json>& r) {
  return r.ok() ? JsonResponse(200, *r) : FromStatus(r.status());
}

std::string Param(const Request& req, const std::string& key) {
  auto it = req.query.find(key);
  return it == req.query.end() ? std::string() : it->second;
}

Result<std::optional<Instant>> InstantParam(const Request& req, const std::string& key,
                                            bool date_only) {
  const std::string v = Param(req, key);
  if (v.empty()) return std::optional<Instant>();
  auto t = date_only ? ParseDate(v) : ParseInstant(v);
  if (!t.ok()) return Status::InvalidArgument(key + ": " + t.status().message());
  return std::optional<Instant>(*t);
}

Result<uint64_t> NumberParam(const Request& req, const std::string& key, uint64_t fallback) {
  const std::string v = Param(req, key);
  if (v.empty()) return fallback;
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return Status::InvalidArgument(key + ": must be a whole number");
    const auto digit = static_cast<uint64_t>(c - '0');
    if (n > (UINT64_MAX - digit) / 10)
      return Status::InvalidArgument(key + ": " + v.substr(0, 40) +
                                     " is too large (at most 18446744073709551615)");
    n = n * 10 + digit;
  }
  return n;
}

constexpr uint64_t kMaxWaitSeconds = 60;
constexpr int kMaxWaiters = 8;

// A place among the long-polling requests of /v1/events, or none.
class WaiterSlot {
 public:
  explicit WaiterSlot(std::atomic<int>& count) : count_(count) {
    ok_ = count_.fetch_add(1) < kMaxWaiters;
  }
  ~WaiterSlot() { count_.fetch_sub(1); }
  bool ok() const { return ok_; }

 private:
  std::atomic<int>& count_;
  bool ok_ = false;
};

// Bounded (engine/util/json_parse.h): depth, duplicate keys, finite numbers.
Result<Json> ParseBody(const Request& req) { return ParseJson(req.body, "body"); }

Result<TimeQuery> TimeParams(const Request& req) {
  TimeQuery q;
  auto as_of = InstantParam(req, "as_of", false);
  auto effective = InstantParam(req, "effective_at", true);
  if (!as_of.ok()) return as_of.status();
  if (!effective.ok()) return effective.status();
  q.as_of = *as_of;
  q.effective_at = *effective;
  if (!Param(req, "position").empty()) {
    auto position = NumberParam(req, "position", 0);
    if (!position.ok()) return position.status();
    q.position = *position;
  }
  if ((q.as_of ? 1 : 0) + (q.effective_at ? 1 : 0) + (q.position ? 1 : 0) > 1) {
    return Status::InvalidArgument("give at most one of as_of, position, effective_at");
  }
  return q;
}

// No time travel asked: the read is of the current projection.
bool ReadsCurrent(const Request& req) {
  return Param(req, "as_of").empty() && Param(req, "position").empty() &&
         Param(req, "effective_at").empty();
}

}  // namespace

int HttpStatusOf(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return 200;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kUnauthenticated:
      return 401;
    case Status::Code::kPermissionDenied:
      return 403;
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kConflict:
    case Status::Code::kAlreadyExists:
      return 409;
    case Status::Code::kKeyReused:
      return 422;
    case Status::Code::kUnavailable:
    case Status::Code::kIOError:
      return 503;
    default:
      return 500;
  }
}

void PlanApi::Shutdown() { waiters_->stopping.store(true); }

void PlanApi::Register(Router& router) {
  // The handlers capture the borrowed objects, not this PlanApi, which may
  // be a temporary.
  PlanService* service = &service_;
  const EventLog* log = &log_;
  const Authenticator* auth = &auth_;
  // Wraps a handler with authentication; `code` is the {direction} param.
  // Anonymous requests (server.anonymous_read) reach only the routes that
  // pass kAnonymousAllowed: the directions list, a plan, its dashboard.
  auto authed = [auth](auto fn, bool anonymous_allowed = false) {
    return [auth, fn, anonymous_allowed](const Request& req, const Params& params) -> Response {
      auto who = auth->Authenticate(req, anonymous_allowed);
      if (!who.ok()) return FromStatus(who.status());
      return fn(req, params, *who);
    };
  };
  std::shared_ptr<FeedWaiters> waiters = waiters_;
  auto plan_read = [authed](auto fn, bool anonymous_allowed = false) {
    return authed(
        [fn](const Request& req, const Params& params, const Principal& who) -> Response {
          const std::string& code = params.at("direction");
          if (!IsValidDirectionCode(code))
            return ErrorResponse(400, "direction: not a direction code");
          if (!who.CanRead(code)) return ErrorResponse(403, who.Who() + " may not read " + code);
          return fn(req, code, who);
        },
        anonymous_allowed);
  };

  router.Add(
      "GET", "/healthz",
      [log, service, max_lag = options_.max_projection_lag](const Request&, const Params&) {
        const Status health = log->WriteHealth();
        const uint64_t head = log->Head().position;
        const uint64_t applied = service->projections().Stats().applied_position;
        const uint64_t lag = head > applied ? head - applied : 0;
        const bool ok = health.ok() && lag <= max_lag;
        return JsonResponse(ok ? 200 : 503,
                            {{"status", ok ? "ok" : "degraded"},
                             {"head_position", head},
                             {"projection_lag", lag},
                             {"max_projection_lag", max_lag},
                             {"writes", health.ok() ? "accepted" : health.message()}});
      },
      AlwaysQuick);

  // Who the token is, for clients that adapt to the role (the web UI).
  router.Add("GET", "/v1/whoami",
             authed(
                 [](const Request&, const Params&, const Principal& who) {
                   Json body = {{"name", who.name},
                                {"display_name", who.display_name},
                                {"kind", who.person()      ? "person"
                                         : who.anonymous() ? "anonymous"
                                                           : "token"},
                                {"role", who.role},
                                {"roles", who.roles},
                                {"direction", who.direction},
                                {"can_audit", who.CanAudit()},
                                {"anonymous", who.anonymous()}};
                   if (who.person()) body["csrf_token"] = who.csrf;
                   return JsonResponse(200, body);
                 },
                 kAnonymousAllowed),
             AlwaysQuick);

  router.Add("GET", "/v1/directions",
             authed(
                 [service](const Request& req, const Params&, const Principal& who) {
                   auto at = InstantParam(req, "at", true);
                   if (!at.ok()) return FromStatus(at.status());
                   Json all = service->Directions(*at), visible = Json::array();
                   for (Json& d : all) {
                     if (who.CanRead(d["code"].get<std::string>())) visible.push_back(std::move(d));
                   }
                   return JsonResponse(200, visible);
                 },
                 kAnonymousAllowed));

  router.Add("GET", "/v1/plans/{direction}",
             plan_read(
                 [service](const Request& req, const std::string& code, const Principal&) {
                   auto when = TimeParams(req);
                   if (!when.ok()) return FromStatus(when.status());
                   return Respond(service->Show(code, *when));
                 },
                 kAnonymousAllowed));

  router.Add("GET", "/v1/plans/{direction}/dashboard",
             plan_read(
                 [service](const Request& req, const std::string& code, const Principal&) {
                   auto when = TimeParams(req);
                   auto at = InstantParam(req, "at", true);
                   if (!when.ok()) return FromStatus(when.status());
                   if (!at.ok()) return FromStatus(at.status());
                   if (!when->as_of && !when->position && !when->effective_at) {
                     auto text = service->CurrentDashboardText(code, *at);  // cached
                     if (!text.ok()) return FromStatus(text.status());
                     Response r;
                     r.body = **text;
                     return r;
                   }
                   return Respond(service->Dashboard(code, *at, *when));
                 },
                 kAnonymousAllowed),
             ReadsCurrent);  // the current dashboard is cached; a past one is a replay

  router.Add("GET", "/v1/plans/{direction}/history",
             plan_read([service, actor_name = options_.actor_name](
                           const Request& req, const std::string& code, const Principal&) {
               HistoryQuery q;
               q.entity = Param(req, "entity");
               auto from = InstantParam(req, "from", false);
               auto to = InstantParam(req, "to", false);
               if (!from.ok()) return FromStatus(from.status());
               if (!to.ok()) return FromStatus(to.status());
               q.from = *from;
               q.to = *to;
               auto history = service->History(code, q);
               if (history.ok() && actor_name && history->contains("entries")) {
                 for (Json& e : (*history)["entries"]) {
                   const std::string name = actor_name(e.value("actor", ""));
                   if (!name.empty()) e["actor_name"] = name;
                 }
               }
               return Respond(history);
             }));

  router.Add("GET", "/v1/plans/{direction}/diff",
             plan_read([service](const Request& req, const std::string& code, const Principal&) {
               auto from = InstantParam(req, "from", false);
               auto to = InstantParam(req, "to", false);
               if (!from.ok()) return FromStatus(from.status());
               if (!to.ok()) return FromStatus(to.status());
               if (!*from || !*to)
                 return ErrorResponse(400, "from and to: both are required (ISO 8601)");
               return Respond(service->Diff(code, **from, **to));
             }));

  router.Add("GET", "/v1/plans/{direction}/export",
             plan_read([service](const Request& req, const std::string& code, const Principal&) {
               auto when = TimeParams(req);
               if (!when.ok()) return FromStatus(when.status());
               return Respond(service->Export(code, *when));
             }));

  // Long-poll: with wait=S (at most kMaxWaitSeconds), a request for
  // positions past the head is held until an event arrives or S seconds pass.
  // At most kMaxWaiters requests wait at once, so that followers cannot take
  // every handler thread; the next one gets 503 and retries.
  router.Add("GET", "/v1/events",
             authed([log, waiters](const Request& req, const Params&, const Principal& who) {
               if (!who.CanAudit())
                 return ErrorResponse(403, "the events feed is for admin and auditor tokens");
               auto from = NumberParam(req, "from", 1);
               auto limit = NumberParam(req, "limit", 100);
               auto wait = NumberParam(req, "wait", 0);
               if (!from.ok()) return FromStatus(from.status());
               if (!limit.ok()) return FromStatus(limit.status());
               if (!wait.ok()) return FromStatus(wait.status());
               if (*from == 0) return ErrorResponse(400, "from: positions start at 1");
               if (*wait > kMaxWaitSeconds)
                 return ErrorResponse(
                     400, "wait: at most " + std::to_string(kMaxWaitSeconds) + " seconds");
               if (*wait > 0 && log->Head().position < *from) {
                 WaiterSlot slot(waiters->count);
                 if (!slot.ok())
                   return ErrorResponse(503, "too many followers are waiting; retry shortly");
                 // In short slices, so that shutdown does not wait for a follower.
                 const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(*wait);
                 while (!waiters->stopping.load() && std::chrono::steady_clock::now() < until &&
                        !log->WaitForPosition(*from, std::chrono::milliseconds(100))) {
                 }
                 // Released by shutdown, not by an event: say so, so that a
                 // follower knows to come back rather than read an empty page.
                 if (waiters->stopping.load() && log->Head().position < *from)
                   return ErrorResponse(503, "jalond is stopping; follow again from position " +
                                                 std::to_string(*from));
               }
               auto events = log->ReadRange(*from, std::min<uint64_t>(*limit, 1000));
               if (!events.ok()) return FromStatus(events.status());
               Json list = Json::array();
               for (const Event& e : *events) list.push_back(EventToJson(e));
               return JsonResponse(
                   200, {{"events", std::move(list)}, {"head_position", log->Head().position}});
             }));

  router.Add(
      "GET", "/v1/verify", authed([log](const Request&, const Params&, const Principal& who) {
        if (!who.ReadsEveryPlan() || who.anonymous())
          return ErrorResponse(403, "verify is for admin, steering and auditor tokens");
        VerifyReport r = log->Verify();
        Json body = {
            {"ok", r.ok}, {"head_position", r.head_position}, {"head_hash", ToHex(r.head_hash)}};
        if (!r.ok) {
          body["first_bad_position"] = r.first_bad_position;
          body["reason"] = r.reason;
        }
        return JsonResponse(200, body);
      }));

  // Not in DESIGN.md's table: the daemon side of `jalon import`, so that the
  // CLI's verbs all work against a running daemon. Same body as the file.
  router.Add("POST", "/v1/import",
             authed([service](const Request& req, const Params&, const Principal& who) {
               auto body = ParseBody(req);
               if (!body.ok()) return FromStatus(body.status());
               const Json* code = nullptr;
               if (body->is_object() && body->contains("direction") &&
                   (*body)["direction"].is_object() && (*body)["direction"].contains("code")) {
                 code = &(*body)["direction"]["code"];
               }
               if (code == nullptr || !code->is_string())
                 return ErrorResponse(400, "direction.code: required");
               if (!who.admin() && !who.Has("direction:" + code->get<std::string>())) {
                 return ErrorResponse(
                     403, who.Who() + " may not import a plan for " + code->get<std::string>());
               }
               auto result = service->Import(*body, who.Actor(), req.Header("idempotency-key"));
               // A refusal names its place in the document, in English and
               // in French, as a command's does (an axis's orientation).
               if (!result.ok()) return CommandRefusal(result.status(), *service, {});
               return JsonResponse((*result)["replayed"].get<bool>() ? 200 : 201, *result);
             }));

  // A backup of the live log into a new directory on the daemon's machine
  // (engine/log/backup.h); `jalon backup --url` calls it. Not in DESIGN.md.
  router.Add("POST", "/v1/backup",
             authed([service, log](const Request& req, const Params&, const Principal& who) {
               if (!who.admin()) return ErrorResponse(403, "backup: needs an admin token");
               auto body = ParseBody(req);
               if (!body.ok()) return FromStatus(body.status());
               if (!body->is_object() || body->size() != 1 || !body->contains("to") ||
                   !(*body)["to"].is_string())
                 return ErrorResponse(400, "body: must be {\"to\": \"/absolute/path\"}");
               const std::string to = (*body)["to"];
               if (to.empty() || to[0] != '/')
                 return ErrorResponse(400, "to: must be an absolute path on the daemon's machine");
               auto info = CreateBackup(*log, to, service->clock());
               if (!info.ok()) return FromStatus(info.status());
               return JsonResponse(201, info->ToJson());
             }));

  // Started on the I/O thread that read it (AlwaysQuick): the decision is
  // quick, and the wait for the group commit holds no thread.
  router.AddAsync(
      "POST", "/v1/commands",
      [auth, service, people = options_.people_commands, actor_name = options_.actor_name](
          const Request& req, const Params&, Reply reply) {
        auto who = auth->Authenticate(req);
        if (!who.ok()) return reply(FromStatus(who.status()));
        auto body = ParseBody(req);
        if (!body.ok()) return reply(FromStatus(body.status()));
        if (people && body->is_object() && body->contains("type") && (*body)["type"].is_string() &&
            (IsPeopleCommand((*body)["type"].get<std::string>()) ||
             IsCityCommand((*body)["type"].get<std::string>()))) {
          return people(req, *body, *who, std::move(reply));
        }
        auto command = ParseCommand(*body);
        if (!command.ok()) return reply(CommandRefusal(command.status(), *service, {}));
        const std::string key = req.Header("idempotency-key");
        if (key.size() > kMaxIdempotencyKeyBytes) {
          return reply(ErrorResponse(400, "Idempotency-Key: at most " +
                                              std::to_string(kMaxIdempotencyKeyBytes) + " bytes"));
        }
        if (!key.empty()) {
          if (!command->command_id.empty() && command->command_id != key) {
            return reply(ErrorResponse(400, "command_id: differs from the Idempotency-Key header"));
          }
          command->command_id = key;
        }
        auto code = CommandDirection(*command);
        if (!code.ok()) return reply(FromStatus(code.status()));
        if (!who->CanWrite(command->type, *code)) {
          return reply(
              ErrorBody({{"status", 403},
                         {"message", who->Who() + " may not run " + command->type + " on " + *code},
                         {"message_fr", "Votre rôle ne permet pas cette saisie sur ce projet."}}));
        }
        auto post = reply.post;
        const std::optional<uint64_t> expected = command->expected_version;
        service->ExecuteAsync(
            std::move(command).value(), who->Actor(), std::move(post),
            [reply = std::move(reply), service, code = *code, actor_name,
             expected](Result<Json> result) {
              if (!result.ok()) {
                return reply(CommandRefusal(result.status(), *service, code, actor_name, expected));
              }
              reply(JsonResponse((*result)["replayed"].get<bool>() ? 200 : 201, *result));
            });
      },
      AlwaysQuick);
}

}  // namespace jalon::http
