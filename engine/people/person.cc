#include "engine/people/person.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "engine/plan/plan_state.h"  // IsValidDirectionCode

namespace jalon {
namespace {

constexpr size_t kMinPasswordChars = 12;
constexpr size_t kMaxPasswordBytes = 256;

PeopleError Bad(std::string field, std::string rule, std::string fr,
                Status::Code code = Status::Code::kInvalidArgument) {
  return PeopleError{code, std::move(field), std::move(rule), std::move(fr)};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsValidEmail(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = email.substr(at + 1);
  const size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';')
      return false;
  }
  return true;
}

// Reads data[key] as a string, or explains why it is not one.
std::optional<PeopleError> Text(const Json& data, const char* key, const char* fr_name,
                                bool required, std::string* out) {
  if (!data.contains(key)) {
    if (!required) return std::nullopt;
    return Bad(key, "is required", std::string(fr_name) + " : à renseigner");
  }
  if (!data[key].is_string())
    return Bad(key, "must be a string", std::string(fr_name) + " : doit être un texte");
  *out = data[key].get<std::string>();
  return std::nullopt;
}

std::optional<PeopleError> CheckLogin(const Json& data, std::string* login) {
  if (auto e = Text(data, "login", "Identifiant", true, login)) return e;
  if (!IsValidLogin(*login)) {
    return Bad("login", "2 to 64 of a-z, 0-9, '.', '_' or '-', starting with a letter",
               "Identifiant : de 2 à 64 caractères parmi a-z, 0-9, « . », « _ » et « - », en "
               "commençant par une lettre");
  }
  return std::nullopt;
}

std::optional<PeopleError> CheckName(const Json& data, bool required) {
  std::string name;
  if (auto e = Text(data, "name", "Nom", required, &name)) return e;
  if (!data.contains("name")) return std::nullopt;
  if (name.find_first_not_of(" \t") == std::string::npos || name.size() > 200)
    return Bad("name", "1 to 200 characters, not blank", "Nom : de 1 à 200 caractères, non vide");
  return std::nullopt;
}

std::optional<PeopleError> CheckEmail(const Json& data, bool required) {
  std::string email;
  if (auto e = Text(data, "email", "Courriel", required, &email)) return e;
  if (!data.contains("email")) return std::nullopt;
  if (!IsValidEmail(email))
    return Bad("email", "not an email address (name@domain.fr)",
               "Courriel : ce n'est pas une adresse électronique (nom@domaine.fr)");
  return std::nullopt;
}

PeopleError UnknownRole(const std::string& field, const std::string& role) {
  return Bad(
      field,
      "unknown role '" + role + "' (admin, steering, auditor, direction:<CODE> or reader:<CODE>)",
      "Rôle inconnu « " + role +
          " » : admin, steering, auditor, direction:<CODE> ou reader:<CODE>");
}

const Person* Known(const PeopleDirectory& d, const std::string& login,
                    std::optional<PeopleError>* error) {
  const Person* p = d.Find(login);
  if (p == nullptr)
    *error = Bad("login", "no person has the login '" + login + "'",
                 "Aucune personne n'a l'identifiant « " + login + " »", Status::Code::kNotFound);
  return p;
}

bool IsLastAdmin(const PeopleDirectory& d, const Person& p) {
  return p.active && p.HasRole("admin") && d.ActiveAdmins() <= 1;
}

}  // namespace

bool Person::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

Json Person::ToJson() const {
  return Json{{"login", login}, {"name", name},     {"email", email},
              {"roles", roles}, {"active", active}, {"has_password", !password_hash.empty()}};
}

Status PeopleError::ToStatus() const {
  const std::string message = "data." + field + ": " + rule;
  switch (code) {
    case Status::Code::kNotFound:
      return Status::NotFound(message);
    case Status::Code::kAlreadyExists:
      return Status::AlreadyExists(message);
    case Status::Code::kPermissionDenied:
      return Status::PermissionDenied(message);
    default:
      return Status::InvalidArgument(message);
  }
}

bool IsValidPersonRole(std::string_view role) {
  if (role == "admin" || role == "steering" || role == "auditor") return true;
  for (std::string_view prefix : {std::string_view("direction:"), std::string_view("reader:")}) {
    if (role.starts_with(prefix)) return IsValidDirectionCode(role.substr(prefix.size()));
  }
  return false;
}

bool IsValidLogin(std::string_view login) {
  if (login.size() < 2 || login.size() > 64) return false;
  if (login[0] < 'a' || login[0] > 'z') return false;
  for (char c : login) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<Weakness> PasswordWeakness(std::string_view password, std::string_view login) {
  // Characters, not bytes: "é" is one.
  size_t chars = 0;
  for (char c : password) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  if (chars < kMinPasswordChars)
    return Weakness{
        "too short: at least " + std::to_string(kMinPasswordChars) + " characters",
        "Mot de passe trop court : au moins " + std::to_string(kMinPasswordChars) + " caractères"};
  if (password.size() > kMaxPasswordBytes)
    return Weakness{
        "too long: at most " + std::to_string(kMaxPasswordBytes) + " bytes",
        "Mot de passe trop long : au plus " + std::to_string(kMaxPasswordBytes) + " octets"};
  const std::string lower = Lower(password);
  if (!login.empty() && lower.find(Lower(login)) != std::string::npos)
    return Weakness{"contains the login", "Le mot de passe ne doit pas contenir l'identifiant"};
  if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password[0]; }))
    return Weakness{"one character repeated", "Le mot de passe répète un seul caractère"};
  static constexpr std::array<std::string_view, 8> kCommon = {
      "motdepasse", "password", "123456789", "azertyuiop",
      "qwertyuiop", "soleil",   "bonjour",   "jalon"};
  for (std::string_view common : kCommon) {
    if (lower.find(common) != std::string::npos && chars < kMinPasswordChars + 4)
      return Weakness{"built on a common word ('" + std::string(common) + "') and too short for it",
                      "Mot de passe trop courant (« " + std::string(common) +
                          " ») : ajoutez-y plusieurs mots ou allongez-le"};
  }
  int kinds = 0;
  kinds += std::any_of(password.begin(), password.end(),
                       [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  kinds += std::any_of(password.begin(), password.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  kinds += std::any_of(password.begin(), password.end(),
                       [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); });
  if (kinds < 2)
    return Weakness{"mix at least two kinds of characters (letters, digits, others)",
                    "Mélangez au moins deux sortes de caractères (lettres, chiffres, autres)"};
  return std::nullopt;
}

const std::vector<std::string>& PeopleCommandTypes() {
  static const std::vector<std::string> types = {
      "RegisterPerson", "EditPerson",       "GrantRole",       "RevokeRole",
      "SetPassword",    "DeactivatePerson", "ReactivatePerson"};
  return types;
}

bool IsPeopleCommand(std::string_view type) {
  const auto& t = PeopleCommandTypes();
  return std::find(t.begin(), t.end(), type) != t.end();
}

std::string PeopleEventOf(std::string_view type) {
  if (type == "RegisterPerson") return "PersonRegistered";
  if (type == "EditPerson") return "PersonEdited";
  if (type == "GrantRole") return "RoleGranted";
  if (type == "RevokeRole") return "RoleRevoked";
  if (type == "SetPassword") return "PasswordSet";
  if (type == "DeactivatePerson") return "PersonDeactivated";
  if (type == "ReactivatePerson") return "PersonReactivated";
  return {};
}

const Person* PeopleDirectory::Find(std::string_view login) const {
  auto it = people_.find(login);
  return it == people_.end() ? nullptr : &it->second;
}

size_t PeopleDirectory::ActiveAdmins() const {
  size_t n = 0;
  for (const auto& [login, p] : people_) n += p.active && p.HasRole("admin");
  return n;
}

Status PeopleDirectory::Apply(const EventView& event) {
  auto doc = DecodePayload(event.payload);
  if (!doc.ok()) return doc.status();
  const Json& p = *doc;
  if (!p.is_object() || !p.contains("login") || !p["login"].is_string())
    return EventDoesNotFit(event, "no login");
  const std::string login = p["login"].get<std::string>();
  if (event.type == "PersonRegistered") {
    Person person;
    person.login = login;
    person.name = p.value("name", "");
    person.email = p.value("email", "");
    if (p.contains("roles") && p["roles"].is_array()) {
      for (const Json& r : p["roles"])
        if (r.is_string()) person.roles.push_back(r.get<std::string>());
    }
    people_[login] = std::move(person);
  } else {
    auto it = people_.find(login);
    if (it == people_.end()) return EventDoesNotFit(event, "unknown login '" + login + "'");
    Person& person = it->second;
    if (event.type == "PersonEdited") {
      if (p.contains("name")) person.name = p.value("name", person.name);
      if (p.contains("email")) person.email = p.value("email", person.email);
    } else if (event.type == "RoleGranted") {
      const std::string role = p.value("role", "");
      if (!person.HasRole(role)) person.roles.push_back(role);
    } else if (event.type == "RoleRevoked") {
      const std::string role = p.value("role", "");
      std::erase(person.roles, role);
    } else if (event.type == "PasswordSet") {
      person.password_hash = p.value("hash", "");
      ++person.password_version;
    } else if (event.type == "PersonDeactivated") {
      person.active = false;
    } else if (event.type == "PersonReactivated") {
      person.active = true;
    }  // other types: a later schema's, ignored by this one
  }
  version_ = event.version;
  return Status::Ok();
}

std::optional<PeopleError> CheckPeopleCommand(const PeopleDirectory& d, std::string_view type,
                                              const Json& data) {
  std::string login;
  std::optional<PeopleError> error;
  if (type == "RegisterPerson") {
    if ((error = CheckDataKeys(data, {"login", "name", "email", "roles"}))) return error;
    if ((error = CheckLogin(data, &login))) return error;
    if (d.Find(login) != nullptr)
      return Bad("login", "the login '" + login + "' is taken",
                 "L'identifiant « " + login + " » est déjà pris", Status::Code::kAlreadyExists);
    if ((error = CheckName(data, true)) || (error = CheckEmail(data, true))) return error;
    if (!data.contains("roles")) return std::nullopt;
    if (!data["roles"].is_array())
      return Bad("roles", "must be a list of roles", "Rôles : doit être une liste");
    std::vector<std::string> seen;
    for (size_t i = 0; i < data["roles"].size(); ++i) {
      const Json& r = data["roles"][i];
      const std::string field = "roles[" + std::to_string(i) + "]";
      if (!r.is_string() || !IsValidPersonRole(r.get<std::string>()))
        return UnknownRole(field, r.is_string() ? r.get<std::string>() : r.dump());
      if (std::find(seen.begin(), seen.end(), r.get<std::string>()) != seen.end())
        return Bad(field, "given twice", "Rôle donné deux fois : " + r.get<std::string>());
      seen.push_back(r.get<std::string>());
    }
    return std::nullopt;
  }
  if (type == "EditPerson") {
    if ((error = CheckDataKeys(data, {"login", "name", "email"})) ||
        (error = CheckLogin(data, &login)))
      return error;
    if (Known(d, login, &error) == nullptr) return error;
    if ((error = CheckName(data, false)) || (error = CheckEmail(data, false))) return error;
    if (!data.contains("name") && !data.contains("email"))
      return Bad("name", "give a name or an email to change", "Indiquez un nom ou un courriel");
    return std::nullopt;
  }
  if (type == "GrantRole" || type == "RevokeRole") {
    if ((error = CheckDataKeys(data, {"login", "role"})) || (error = CheckLogin(data, &login)))
      return error;
    const Person* p = Known(d, login, &error);
    if (p == nullptr) return error;
    std::string role;
    if ((error = Text(data, "role", "Rôle", true, &role))) return error;
    if (!IsValidPersonRole(role)) return UnknownRole("role", role);
    if (type == "GrantRole" && p->HasRole(role))
      return Bad("role", login + " already holds " + role, p->name + " a déjà le rôle " + role,
                 Status::Code::kAlreadyExists);
    if (type == "RevokeRole" && !p->HasRole(role))
      return Bad("role", login + " does not hold " + role, p->name + " n'a pas le rôle " + role);
    if (type == "RevokeRole" && role == "admin" && IsLastAdmin(d, *p))
      return Bad("role", "the last active admin keeps the admin role",
                 "Impossible de retirer le rôle admin au dernier administrateur actif");
    return std::nullopt;
  }
  if (type == "SetPassword") {
    if ((error = CheckDataKeys(data, {"login", "password"})) || (error = CheckLogin(data, &login)))
      return error;
    if (Known(d, login, &error) == nullptr) return error;
    std::string password;
    if ((error = Text(data, "password", "Mot de passe", true, &password))) return error;
    if (auto weak = PasswordWeakness(password, login))
      return Bad("password", "too weak: " + weak->en, weak->fr);
    return std::nullopt;
  }
  if (type == "DeactivatePerson" || type == "ReactivatePerson") {
    if ((error = CheckDataKeys(data, {"login"})) || (error = CheckLogin(data, &login)))
      return error;
    const Person* p = Known(d, login, &error);
    if (p == nullptr) return error;
    if (type == "DeactivatePerson" && !p->active)
      return Bad("login", login + " is already deactivated", p->name + " est déjà désactivé·e");
    if (type == "ReactivatePerson" && p->active)
      return Bad("login", login + " is active", p->name + " est déjà actif·ve");
    if (type == "DeactivatePerson" && IsLastAdmin(d, *p))
      return Bad("login", "the last active admin cannot be deactivated",
                 "Impossible de désactiver le dernier administrateur actif");
    return std::nullopt;
  }
  return Bad("type", "unknown people command '" + std::string(type) + "'",
             "Commande inconnue : " + std::string(type));
}

PeopleDecision DecidePeopleCommand(std::string_view type, const Json& data,
                                   const std::string& password_hash) {
  PeopleDecision d;
  d.event_type = PeopleEventOf(type);
  if (type == "SetPassword") {
    d.payload = Json{{"login", data["login"]}, {"hash", password_hash}};
  } else if (type == "RegisterPerson" && !data.contains("roles")) {
    d.payload = data;
    d.payload["roles"] = Json::array();
  } else {
    d.payload = data;
  }
  return d;
}

std::optional<PeopleError> CheckDataKeys(const Json& data,
                                         std::initializer_list<const char*> keys) {
  if (!data.is_object())
    return Bad("data", "must be a JSON object", "Les données doivent être un objet JSON");
  for (const auto& item : data.items()) {
    const std::string& key = item.key();
    if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) ==
        keys.end())
      return Bad(key, "unknown field", "Champ inconnu : " + key);
  }
  return std::nullopt;
}

Status EventDoesNotFit(const EventView& event, const std::string& why) {
  return Status::Corruption("position " + std::to_string(event.position) + ": " +
                            std::string(event.type) + ": " + why);
}

}  // namespace jalon
