// Where the CLI's verbs run: on a data directory (the daemon stopped), or
// against a running jalond over HTTP (`--url`, `--token`). Both answer with
// the same JSON, so that the verbs print the same text either way.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "engine/plan/plan_service.h"
#include "jobs/documents/documents.h"
#include "jobs/options.h"

namespace jalon::cli {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<Json> Import(const Json& doc, const std::string& command_id) = 0;
  // `command` is {type, command_id?, expected_version?, data}.
  virtual Result<Json> Execute(const Json& command) = 0;
  virtual Result<Json> Show(const std::string& code, const TimeQuery& when) = 0;
  virtual Result<Json> Export(const std::string& code, const TimeQuery& when) = 0;
  virtual Result<Json> Dashboard(const std::string& code, std::optional<Instant> at,
                                 const TimeQuery& when) = 0;
  virtual Result<Json> History(const std::string& code, const HistoryQuery& query) = 0;
  virtual Result<Json> Diff(const std::string& code, Instant from, Instant to) = 0;
  // {ok, head_position, head_hash, ...}: the whole chain.
  virtual Result<Json> Verify() = 0;
  // {direction, occurrences}: the plan's cycle, nominal dates in [from, to].
  virtual Result<Json> Schedule(const std::string& code, std::optional<Instant> from,
                                std::optional<Instant> to) = 0;
  // {direction, reminders}.
  virtual Result<Json> Reminders(const std::string& code) = 0;
  // The evaluation dataset (jobs/evaluation/evaluation.h) as JSON.
  // `cycle` 0 is the plan's current cycle; N >= 1 an earlier one (engine/plan/cycle.h).
  virtual Result<Json> Evaluate(const std::string& code, std::optional<Instant> at, int cycle) = 0;
  // The audit flags of a plan (jobs::AuditFlags).
  virtual Result<Json> Audit(const std::string& code) = 0;
  // Why a figure ("axis/A1") is what it is.
  virtual Result<Json> Explain(const std::string& code, const std::string& figure,
                               std::optional<Instant> at) = 0;
  // The data of review N's document, and of the newcomer brief
  // (jobs/documents/documents.h); the CLI renders them. `cycle` 0 is the
  // plan's current cycle; N >= 1 an earlier one, whose review numbers are
  // its own.
  virtual Result<Json> ReviewDoc(const std::string& code, int review, int cycle) = 0;
  virtual Result<Json> Brief(const std::string& code, const jobs::BriefPoint& at) = 0;
  // A backup of the whole log into the new directory `to` (engine/log/backup.h);
  // over --url, `to` is a path on the daemon's machine.
  virtual Result<Json> Backup(const std::string& to) = 0;
  // A people command {type, command_id?, data} (engine/people/person.h):
  // {position, version, events, replayed}. Over --url, the token's or
  // session's role decides; on --data, the operator is admin.
  virtual Result<Json> PeopleCommand(const Json& command) = 0;
  // {people: [{login, name, email, roles, active, has_password}], version}.
  virtual Result<Json> People() = 0;
  // The city's political orientations, retired ones included, in the order
  // defined: {orientations: [{id, title, retired, reason?}], version}.
  // Defined and retired through PeopleCommand (DefineOrientation,
  // RetireOrientation).
  virtual Result<Json> Orientations() = 0;
};

// Opens the data directory of a stopped jalond, rebuilding the projections
// (with progress on stderr for long logs). A directory locked by a running
// daemon fails with a message naming its pid.
// `jobs` gives the cycle and reminder settings (from --config).
Result<std::unique_ptr<Backend>> OpenLocal(const std::string& data_dir,
                                           const jobs::JobsOptions& jobs);

// A running jalond at `url` (e.g. http://127.0.0.1:8080), with a bearer
// token (may be empty when the daemon allows anonymous reads).
std::unique_ptr<Backend> OpenRemote(std::string url, std::string token);

// "\rrebuilding projections: done / total events" on stderr.
void PrintRebuildProgress(uint64_t done, uint64_t total);

// {ok, head_position, head_hash, events_checked[, first_bad_position, reason]}.
Json VerifyJson(const VerifyReport& report);

// "cli:$USER", the actor of local commands.
std::string LocalActor();

}  // namespace jalon::cli
