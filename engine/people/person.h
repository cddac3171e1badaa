// People: the members of staff who sign in (DESIGN.md, "People, sign-in…").
//
// A person lives in the log's `people` stream. PeopleDirectory is the
// projection of that stream: every person as the events left them, rebuilt
// from the log and updated by Apply. DecidePeopleCommand validates a people
// command against the directory and returns the one event it appends; it is
// a pure function (the password hash is computed by the caller, so that the
// rule checks stay cheap and testable).
//
// Errors name the field and the rule in English, and carry a French message
// the web UI shows as it is (PeopleError).
//
// PeopleDirectory is a plain value: not thread-safe (PeopleService guards it).
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/event.h"
#include "engine/log/payload.h"
#include "engine/util/status.h"

namespace jalon {

using Json = nlohmann::json;

inline constexpr std::string_view kPeopleStream = "people";
inline constexpr std::string_view kSecurityStream = "security";

struct Person {
  std::string login;
  std::string name;
  std::string email;
  std::vector<std::string> roles;  // in the order granted
  std::string password_hash;       // argon2id, encoded; empty: no password yet
  uint64_t password_version = 0;   // PasswordSet events so far: sessions remember it
  bool active = true;

  bool HasRole(std::string_view role) const;
  // {login, name, email, roles, active, has_password}: never the hash.
  Json ToJson() const;
};

// A refused people command: the field (relative to `data`), the rule in
// English, and the same for a person in French.
struct PeopleError {
  Status::Code code = Status::Code::kInvalidArgument;
  std::string field;
  std::string rule;
  std::string message_fr;

  Status ToStatus() const;  // "data.<field>: <rule>"
};

// admin | steering | auditor | direction:<CODE> | reader:<CODE>.
bool IsValidPersonRole(std::string_view role);
// 2 to 64 of [a-z0-9._-], starting with a letter.
bool IsValidLogin(std::string_view login);
// Why a password is too weak, in English and French; nullopt if it is not.
struct Weakness {
  std::string en;
  std::string fr;
};
std::optional<Weakness> PasswordWeakness(std::string_view password, std::string_view login);

// The people command types, in DESIGN.md order, and their events.
const std::vector<std::string>& PeopleCommandTypes();
bool IsPeopleCommand(std::string_view type);
std::string PeopleEventOf(std::string_view command_type);

class PeopleDirectory {
 public:
  // Applies one event of the people stream. kCorruption for a payload that
  // does not fit its type.
  Status Apply(const EventView& event);
  const Person* Find(std::string_view login) const;
  const std::map<std::string, Person, std::less<>>& all() const { return people_; }
  uint64_t version() const { return version_; }
  // Active people holding `admin`.
  size_t ActiveAdmins() const;

 private:
  std::map<std::string, Person, std::less<>> people_;
  uint64_t version_ = 0;
};

// The Corruption of an event of the people or city stream that does not
// fit its projection, naming its position and type.
Status EventDoesNotFit(const EventView& event, const std::string& why);

// The refusal of a command's `data` that is not an object or holds a key
// outside `keys`, naming the key; nullopt if it is fine.
std::optional<PeopleError> CheckDataKeys(const Json& data, std::initializer_list<const char*> keys);

// A people command, checked against `directory`. For SetPassword, `data`
// holds the password, and `password_hash` is what its event records
// (computed by the caller only once the checks pass: see
// CheckPeopleCommand). Returns the event's payload.
struct PeopleDecision {
  std::string event_type;
  Json payload;
};
// The rules alone, without hashing: unknown login, duplicate login, weak
// password, unknown role, bad email, the last admin.
std::optional<PeopleError> CheckPeopleCommand(const PeopleDirectory& directory,
                                              std::string_view type, const Json& data);
// The event, once CheckPeopleCommand passed.
PeopleDecision DecidePeopleCommand(std::string_view type, const Json& data,
                                   const std::string& password_hash);

}  // namespace jalon
