// PeopleService: the people of one city, as the HTTP API, the CLI and the
// sessions use them.
//
// It owns the people projection (PeopleDirectory), rebuilt from the log's
// `people` stream by Load() and brought up to the stream before each
// command. Commands run one at a time: each is checked against the directory,
// its password (SetPassword) hashed, and its event appended with the
// stream's version as expected_version, then applied. A command_id already in
// the log answers its first result and appends nothing.
//
// The city's political orientations (the `city` stream) are kept the same
// way: DefineOrientation and RetireOrientation run through Execute too.
//
// The `security` stream (SignedIn, SignInFailed, SignedOut) is appended
// through RecordSecurity; it is not projected.
//
// Thread-safe. Borrows the log and the clock, which must outlive it.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "engine/log/event_log.h"
#include "engine/people/orientations.h"
#include "engine/people/password.h"
#include "engine/people/person.h"

namespace jalon {

class PeopleService {
 public:
  PeopleService(EventLog& log, const Clock& clock, Argon2Params params = DefaultArgon2Params());

  // Reads the people stream into the directory.
  Status Load();

  struct Outcome {
    Status status;
    std::string field;       // the data field at fault, when there is one
    std::string message_fr;  // for a person, in French
    Json result;             // {position, version, events, replayed} on success
    bool ok() const { return status.ok(); }
  };
  // Runs a people command. Whether `actor` may run it is the caller's to
  // check (MayRunPeopleCommand). `command_id` empty: one is made up.
  Outcome Execute(const std::string& type, const Json& data, std::string command_id,
                  const std::string& actor);

  std::optional<Person> Find(std::string_view login) const;
  // Calls fn under the shared lock, without a copy; false if unknown.
  bool With(std::string_view login, const std::function<void(const Person&)>& fn) const;
  std::vector<Person> List() const;
  // The city's orientations, in the order defined, and the city stream's
  // version.
  std::vector<Orientation> Orientations(uint64_t* version = nullptr) const;
  // The titles of the live orientations (ValidateAxis checks against them).
  std::vector<std::string> LiveOrientationTitles() const;
  uint64_t version() const;
  // "Camille Durand" for "person:c.durand"; "" when the actor is no person
  // known here.
  std::string DisplayName(std::string_view actor) const;

  // Appends one event to the security stream; blocks until it is durable.
  Status RecordSecurity(const std::string& type, Json payload, const std::string& actor);

  // The checker sign-ins ask: LocalPasswordChecker unless set (the LDAP
  // bind). `checker` is borrowed and must outlive this service.
  void SetPasswordChecker(const PasswordChecker* checker) { checker_ = checker; }
  const PasswordChecker& password_checker() const { return *checker_; }

 private:
  // Applies the stream's events past the directory's version.
  // REQUIRES: write_mu_ held.
  Status CatchUp();

  EventLog& log_;
  const Clock& clock_;
  const Argon2Params params_;
  std::mutex write_mu_;  // serializes commands and CatchUp
  mutable std::shared_mutex mu_;
  PeopleDirectory directory_;  // GUARDED_BY(mu_)
  CityOrientations city_;      // GUARDED_BY(mu_)
  LocalPasswordChecker local_checker_;
  const PasswordChecker* checker_ = &local_checker_;
};

// Who may run a people or city command: admin; and anyone may SetPassword their own
// (`self_login` is the principal's login when it is a person, else "").
bool MayRunPeopleCommand(bool admin, const std::string& self_login, const std::string& type,
                         const Json& data);

}  // namespace jalon
