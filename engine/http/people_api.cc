#include "engine/http/people_api.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <thread>

#include "engine/http/plan_api.h"  // HttpStatusOf
#include "engine/util/json_parse.h"

namespace jalon::http {
namespace {

constexpr int kMaxRunningCommands = 8;

std::string Address(const Request& req) {
  return req.remote_address.empty() ? std::string("unknown") : req.remote_address;
}

}  // namespace

Response FrenchError(int status, const std::string& message, const std::string& message_fr,
                     const std::string& field) {
  Json error = {{"status", status}, {"message", message}, {"message_fr", message_fr}};
  if (!field.empty()) error["field"] = field;
  return JsonResponse(status, Json{{"error", std::move(error)}});
}

PeopleApi::PeopleApi(PeopleService& people, PeopleApiOptions options)
    : people_(people),
      options_(std::move(options)),
      sessions_(std::make_unique<SessionStore>(options_.sessions, options_.now)),
      throttle_(std::make_unique<SignInThrottle>(options_.throttle, options_.now)) {}

PeopleApi::~PeopleApi() {
  std::unique_lock<std::mutex> lock(running_->mu);
  running_->done.wait(lock, [this] { return running_->count == 0; });
}

std::optional<Principal> PeopleApi::Resolve(std::string_view session_id) const {
  std::optional<SessionInfo> session = sessions_->Touch(session_id);
  if (!session) return std::nullopt;
  std::optional<Principal> who;
  people_.With(session->login, [&](const Person& p) {
    if (!p.active || p.password_version != session->password_version) return;
    who = Principal::Of(Principal::Kind::kPerson, p.login, p.roles);
    who->display_name = p.name;
    who->csrf = session->csrf;
  });
  if (!who) sessions_->Remove(session_id);
  return who;
}

Response PeopleApi::SignIn(const Request& req) {
  // A form of another site can post urlencoded or plain text, never JSON
  // without the browser asking this server first: no signing a person
  // into someone else's account from another site.
  if (!req.Header("content-type").starts_with("application/json"))
    return FrenchError(415, "Content-Type: must be application/json", "Requête mal formée");
  auto body = ParseJson(req.body, "body");
  if (!body.ok()) return FrenchError(400, body.status().message(), "Requête illisible");
  for (const char* key : {"login", "password"}) {
    if (!body->is_object() || !body->contains(key) || !(*body)[key].is_string())
      return FrenchError(400, std::string(key) + ": required, a string",
                         key == std::string("login") ? "Identifiant : à renseigner"
                                                     : "Mot de passe : à renseigner",
                         key);
  }
  if (body->size() != 2)
    return FrenchError(400, "body: only login and password", "Requête mal formée");
  const std::string login = (*body)["login"].get<std::string>();
  const std::string password = (*body)["password"].get<std::string>();
  const std::string address = Address(req);
  if (login.size() > 256 || password.size() > 1024)
    return FrenchError(400, "login or password: too long", "Identifiant ou mot de passe trop long");

  const SignInThrottle::Verdict verdict = throttle_->Before(login, address);
  if (verdict.refused) {
    (void)people_.RecordSecurity(
        "SignInFailed", Json{{"login", login}, {"address", address}, {"reason", "throttled"}},
        "anonymous");
    const auto minutes = (verdict.retry_after.count() + 59) / 60;
    Response r =
        FrenchError(429,
                    "too many failed sign-ins; retry after " +
                        std::to_string(verdict.retry_after.count()) + " seconds",
                    "Trop de tentatives échouées : réessayez dans " + std::to_string(minutes) +
                        " minute" + (minutes > 1 ? "s" : "") + ".");
    r.headers["Retry-After"] = std::to_string(verdict.retry_after.count());
    return r;
  }
  if (verdict.delay.count() > 0) std::this_thread::sleep_for(verdict.delay);

  const std::optional<Person> person = people_.Find(login);
  std::string why;
  hashing_.acquire();
  const PasswordCheck check =
      people_.password_checker().Check(login, password, person ? &*person : nullptr, &why);
  hashing_.release();
  if (check == PasswordCheck::kUnavailable) {
    spdlog::error("sign-in of {}: the password could not be checked: {}", login, why);
    return FrenchError(503, "the password could not be checked now: " + why,
                       "La vérification du mot de passe est impossible pour le moment ; "
                       "réessayez plus tard.");
  }
  if (check != PasswordCheck::kMatch || !person || !person->active) {
    throttle_->Failed(login, address);
    const char* reason = !person                          ? "unknown login"
                         : check != PasswordCheck::kMatch ? "wrong password"
                                                          : "deactivated";
    (void)people_.RecordSecurity("SignInFailed",
                                 Json{{"login", login}, {"address", address}, {"reason", reason}},
                                 "anonymous");
    return FrenchError(401, "wrong login or password", "Identifiant ou mot de passe incorrect.");
  }
  throttle_->Succeeded(login);
  const SessionStore::Created session = sessions_->Create(person->login, person->password_version);
  if (Status s = people_.RecordSecurity("SignedIn", Json{{"login", login}, {"address", address}},
                                        "person:" + login);
      !s.ok()) {
    sessions_->Remove(session.id);
    return FrenchError(HttpStatusOf(s), s.message(),
                       "La connexion n'a pas pu être enregistrée ; réessayez plus tard.");
  }
  Response r = JsonResponse(201, Json{{"login", person->login},
                                      {"name", person->name},
                                      {"roles", person->roles},
                                      {"csrf_token", session.csrf},
                                      {"idle_minutes", options_.sessions.idle.count()}});
  const bool secure = options_.secure_cookie || req.Header("x-forwarded-proto") == "https";
  const auto max_age =
      std::chrono::duration_cast<std::chrono::seconds>(options_.sessions.max_lifetime).count();
  r.headers["Set-Cookie"] =
      std::string(kSessionCookie) + "=" + session.id +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
      (secure ? "; Secure" : "");
  return r;
}

Response PeopleApi::SignOut(const Request& req, const Authenticator& auth) {
  const std::string cookie = req.Header("cookie");
  const std::string id(CookieValue(cookie, kSessionCookie));
  if (id.empty() || !req.Header("authorization").empty())
    return FrenchError(400, "no session cookie to end", "Aucune session à fermer");
  auto who = auth.Authenticate(req);
  if (!who.ok())
    return FrenchError(HttpStatusOf(who.status()), who.status().message(),
                       who.status().code() == Status::Code::kPermissionDenied
                           ? "Jeton anti-falsification absent ou faux"
                           : "Session terminée ou expirée");
  sessions_->Remove(id);
  (void)people_.RecordSecurity("SignedOut", Json{{"login", who->name}, {"address", Address(req)}},
                               who->Actor());
  Response r;
  r.status = 204;
  r.headers["Set-Cookie"] =
      std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  return r;
}

void PeopleApi::ExecuteCommand(const Request& req, const Json& body, const Principal& who,
                               Reply reply) {
  for (const auto& [key, value] : body.items()) {
    if (key != "type" && key != "command_id" && key != "data")
      return reply(FrenchError(400, key + ": unknown field for a people command",
                               "Champ inconnu : " + key, key));
  }
  const std::string type = body["type"].get<std::string>();
  const Json data = body.contains("data") ? body["data"] : Json::object();
  std::string command_id = req.Header("idempotency-key");
  if (body.contains("command_id")) {
    if (!body["command_id"].is_string() || body["command_id"].get<std::string>().empty() ||
        body["command_id"].get<std::string>().size() > 128)
      return reply(FrenchError(400, "command_id: must be a string of 1 to 128 bytes",
                               "Identifiant de commande invalide", "command_id"));
    if (!command_id.empty() && command_id != body["command_id"].get<std::string>())
      return reply(FrenchError(400, "command_id: differs from the Idempotency-Key header",
                               "Identifiant de commande incohérent", "command_id"));
    command_id = body["command_id"].get<std::string>();
  }
  const std::string self = who.person() ? who.name : std::string();
  if (!MayRunPeopleCommand(who.admin(), self, type, data))
    return reply(FrenchError(403, who.Who() + " may not run " + type + " (admin only)",
                             IsCityCommand(type)
                                 ? "Seul un administrateur peut gérer les orientations politiques"
                                 : "Seul un administrateur peut gérer les personnes"));
  {
    std::lock_guard<std::mutex> lock(running_->mu);
    if (running_->count >= kMaxRunningCommands)
      return reply(FrenchError(503, "too many people commands at once; retry shortly",
                               "Trop de demandes simultanées ; réessayez"));
    ++running_->count;
  }
  // Off the I/O thread: a SetPassword hashes for about 100 ms.
  std::thread([this, running = running_, type, data, command_id, actor = who.Actor(),
               reply = std::move(reply)]() mutable {
    PeopleService::Outcome out = people_.Execute(type, data, command_id, actor);
    if (out.ok() && (type == "DeactivatePerson" || type == "SetPassword"))
      sessions_->RemoveLogin(data["login"].get<std::string>());
    Response response =
        out.ok() ? JsonResponse(out.result["replayed"].get<bool>() ? 200 : 201, out.result)
                 : FrenchError(HttpStatusOf(out.status), out.status.message(),
                               out.message_fr.empty() ? out.status.message() : out.message_fr,
                               out.field.empty() ? std::string() : "data." + out.field);
    {
      // Before the answer, so that a client's next command finds the place free.
      std::lock_guard<std::mutex> lock(running->mu);
      --running->count;
      running->done.notify_all();
    }
    reply(std::move(response));
  }).detach();
}

void PeopleApi::Register(Router& router, const Authenticator& auth) {
  const Authenticator* authn = &auth;
  router.Add("POST", "/v1/session",
             [this](const Request& req, const Params&) { return SignIn(req); });
  router.Add("DELETE", "/v1/session",
             [this, authn](const Request& req, const Params&) { return SignOut(req, *authn); });
  router.Add("GET", "/v1/people", [this, authn](const Request& req, const Params&) {
    auto who = authn->Authenticate(req);
    if (!who.ok()) return ErrorResponse(HttpStatusOf(who.status()), who.status().message());
    if (!who->admin())
      return FrenchError(403, "the list of people is for admin",
                         "La liste des personnes est réservée aux administrateurs");
    Json list = Json::array();
    for (const Person& p : people_.List()) list.push_back(p.ToJson());
    return JsonResponse(200, Json{{"people", std::move(list)}, {"version", people_.version()}});
  });
  router.Add("GET", "/v1/orientations", [this, authn](const Request& req, const Params&) {
    auto who = authn->Authenticate(req);
    if (!who.ok()) return ErrorResponse(HttpStatusOf(who.status()), who.status().message());
    uint64_t version = 0;
    Json list = Json::array();
    for (const Orientation& o : people_.Orientations(&version)) list.push_back(o.ToJson());
    return JsonResponse(200, Json{{"orientations", std::move(list)}, {"version", version}});
  });
}

}  // namespace jalon::http
