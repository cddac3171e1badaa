#include "engine/people/people_service.h"

#include "engine/log/event_json.h"
#include "engine/plan/plan_service.h"  // NewCommandId

namespace jalon {
namespace {

PeopleService::Outcome Failed(const PeopleError& e) {
  return {e.ToStatus(), e.field, e.message_fr, Json()};
}

PeopleService::Outcome Failed(Status s, std::string fr) {
  return {std::move(s), "", std::move(fr), Json()};
}

// The answer's view of an event: never a password hash.
Json Shown(const Event& e) {
  Json j = EventToJson(e);
  if (j.contains("data") && j["data"].is_object()) j["data"].erase("hash");
  return j;
}

}  // namespace

bool MayRunPeopleCommand(bool admin, const std::string& self_login, const std::string& type,
                         const Json& data) {
  if (admin) return true;
  return type == "SetPassword" && !self_login.empty() && data.is_object() &&
         data.contains("login") && data["login"] == self_login;
}

PeopleService::PeopleService(EventLog& log, const Clock& clock, Argon2Params params)
    : log_(log), clock_(clock), params_(params), local_checker_(params) {}

Status PeopleService::Load() {
  std::lock_guard<std::mutex> write(write_mu_);
  return CatchUp();
}

Status PeopleService::CatchUp() {
  uint64_t from = 0;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    from = directory_.version() + 1;
  }
  Status applied;
  std::unique_lock<std::shared_mutex> lock(mu_);
  Status scan = log_.ScanStream(kPeopleStream, from, UINT64_MAX, [&](const EventView& e) {
    applied = directory_.Apply(e);
    return applied.ok();
  });
  JALON_RETURN_IF_ERROR(scan);
  JALON_RETURN_IF_ERROR(applied);
  scan = log_.ScanStream(kCityStream, city_.version() + 1, UINT64_MAX, [&](const EventView& e) {
    applied = city_.Apply(e);
    return applied.ok();
  });
  JALON_RETURN_IF_ERROR(scan);
  return applied;
}

PeopleService::Outcome PeopleService::Execute(const std::string& type, const Json& data,
                                              std::string command_id, const std::string& actor) {
  const bool city = IsCityCommand(type);
  const std::string_view stream = city ? kCityStream : kPeopleStream;
  if (!IsPeopleCommand(type) && !city)
    return Failed(Status::InvalidArgument("type: unknown people command '" + type + "'"),
                  "Commande inconnue : " + type);
  std::lock_guard<std::mutex> write(write_mu_);
  if (Status s = CatchUp(); !s.ok())
    return Failed(s, "Le registre des personnes est illisible : " + s.message());
  if (command_id.empty()) command_id = NewCommandId();
  auto seen = log_.FindCommand(command_id);
  if (!seen.ok()) return Failed(seen.status(), "Lecture du journal impossible");
  if (seen->has_value()) {
    const AppendResult& first = **seen;
    if (first.stream != stream)
      return Failed(Status::KeyReused("command_id: '" + command_id + "' is taken"),
                    "Cet identifiant de commande est déjà utilisé");
    return {Status::Ok(), "", "",
            Json{{"position", first.last_position()},
                 {"version", first.last_version()},
                 {"events", Json::array()},
                 {"replayed", true}}};
  }
  std::optional<PeopleError> error;
  uint64_t version = 0;
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    error = city ? CheckCityCommand(city_, type, data) : CheckPeopleCommand(directory_, type, data);
    version = city ? city_.version() : directory_.version();
  }
  if (error) return Failed(*error);
  std::string hash;
  if (type == "SetPassword") {
    auto hashed = HashPassword(data["password"].get<std::string>(), params_);
    if (!hashed.ok()) return Failed(hashed.status(), "Le mot de passe n'a pas pu être chiffré");
    hash = std::move(hashed).value();
  }
  const PeopleDecision decision =
      city ? DecideCityCommand(type, data) : DecidePeopleCommand(type, data, hash);
  AppendRequest request;
  request.stream = std::string(stream);
  request.expected_version = version;
  request.command_id = command_id;
  request.actor = actor;
  request.events.push_back(
      NewEvent{decision.event_type, 1, clock_.Now(), EncodePayload(decision.payload)});
  auto appended = log_.Append(std::move(request));
  if (!appended.ok())
    return Failed(appended.status(), "Enregistrement impossible : " + appended.status().message());
  Json events = Json::array();
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    for (const Event& e : appended->events) {
      if (Status s = city ? city_.Apply(e.View()) : directory_.Apply(e.View()); !s.ok())
        return Failed(s, "Le registre des personnes est illisible");
      events.push_back(Shown(e));
    }
  }
  return {Status::Ok(), "", "",
          Json{{"position", appended->last_position()},
               {"version", appended->last_version()},
               {"events", std::move(events)},
               {"replayed", appended->replayed}}};
}

std::optional<Person> PeopleService::Find(std::string_view login) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const Person* p = directory_.Find(login);
  return p == nullptr ? std::nullopt : std::optional<Person>(*p);
}

bool PeopleService::With(std::string_view login,
                         const std::function<void(const Person&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const Person* p = directory_.Find(login);
  if (p == nullptr) return false;
  fn(*p);
  return true;
}

std::vector<Person> PeopleService::List() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<Person> out;
  for (const auto& [login, p] : directory_.all()) out.push_back(p);
  return out;
}

std::vector<Orientation> PeopleService::Orientations(uint64_t* version) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  if (version != nullptr) *version = city_.version();
  return city_.all();
}

std::vector<std::string> PeopleService::LiveOrientationTitles() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return city_.LiveTitles();
}

uint64_t PeopleService::version() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return directory_.version();
}

std::string PeopleService::DisplayName(std::string_view actor) const {
  constexpr std::string_view kPerson = "person:";
  if (!actor.starts_with(kPerson)) return {};
  std::shared_lock<std::shared_mutex> lock(mu_);
  const Person* p = directory_.Find(actor.substr(kPerson.size()));
  return p == nullptr ? std::string() : p->name;
}

Status PeopleService::RecordSecurity(const std::string& type, Json payload,
                                     const std::string& actor) {
  AppendRequest request;
  request.stream = std::string(kSecurityStream);
  request.actor = actor;
  request.events.push_back(NewEvent{type, 1, clock_.Now(), EncodePayload(payload)});
  auto appended = log_.Append(std::move(request));
  return appended.ok() ? Status::Ok() : appended.status();
}

}  // namespace jalon
