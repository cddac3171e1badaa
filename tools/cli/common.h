// What the CLI's verbs share: the options several verbs register the same way
// (--data/--url/--token, --json, --config, a direction, a past point of the
// log), how a verb is declared, and the helpers that read a verb's input, open
// where it runs and print its answer.
//
// A verb reports an error as "jalon VERB: reason" on stderr and exits 2 (see
// cli.h for the exit codes). Not thread-safe: the CLI runs one verb per process.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/plan/plan_service.h"
#include "jobs/options.h"
#include "tools/cli/backend.h"

namespace jalon::cli {

// The options that mean the same for every verb that registers them.
struct CommonOptions {
  std::string data_dir;  // --data: the data directory of a stopped jalond
  std::string url;       // --url: a running jalond; exclusive with data_dir
  std::string token;     // --token: its bearer token
  bool json = false;     // --json: print JSON instead of text
  std::string config;    // --config: jalon.toml for the cycle, reminder and delivery settings
};

// A group of verbs, such as `schedule`: one of its subcommands is required.
CLI::App* AddVerbGroup(CLI::App& app, const std::string& name, const std::string& description);

// A verb: its CLI11 subcommand, and what runs when the command line names it.
// `run` returns the exit code. It reads the CommonOptions the verb was
// registered with, which must outlive it, and its own options, which it owns.
// Main refuses --url together with --data before any `run`.
struct Verb {
  CLI::App* command;
  std::function<int()> run;
};

// Which of the common options a verb takes besides where it runs.
struct CommonUse {
  bool config = false;  // -c,--config (also JALON_CONFIG)
  bool json = false;    // --json
};
// -d,--data, -u,--url and -t,--token (also JALON_DATA, JALON_URL and
// JALON_TOKEN), then what `use` asks for, in that order.
void AddCommon(CLI::App* verb, CommonOptions& common, CommonUse use);
// --json alone, for the verbs that name their data directory themselves.
void AddJsonFlag(CLI::App* verb, CommonOptions& common);
// The required positional direction code.
void AddDirection(CLI::App* verb, std::string& direction);

// --as-of, --position, --effective-at: read the plan at a past point of the log.
struct TimeTravel {
  std::string as_of;
  uint64_t position = 0;
  std::string effective_at;
};
void AddTimeTravel(CLI::App* verb, TimeTravel& flags);
// At most one of the three; none gives "now".
Result<TimeQuery> ParseTimeQuery(const TimeTravel& flags);

// `text` empty gives no instant; else a date (date_only) or an ISO 8601
// instant, whose error names `flag`.
Result<std::optional<Instant>> OptionalInstant(const std::string& flag, const std::string& text,
                                               bool date_only);

// Prints "jalon VERB: message" on stderr and returns exit code 2.
int Fail(const std::string& verb, const std::string& message);
int Fail(const std::string& verb, const Status& s);

using TextOf = std::function<std::string(const Json&)>;
// Prints `j` as indented JSON (as_json) or as `text(j)`; returns 0.
int Print(const Json& j, bool as_json, const TextOf& text);
// Print for an answer, Fail for an error.
int PrintResult(const std::string& verb, const Result<Json>& answer, bool as_json,
                const TextOf& text);

// A JSON document from a file, or from standard input for "-".
Result<Json> ReadJsonFile(const std::string& path);
// Writes `text` to `path` through a temporary file: all of it or nothing.
Status WriteFileAtomically(const std::string& path, const std::string& text);
// Prints `text`, or with `output` (-o) writes it there atomically; returns
// the exit code, failing `verb` when the file cannot be written.
int PrintOrWrite(const std::string& verb, const std::string& text, const std::string& output);

// The jobs' settings from --config (or JALON_CONFIG), else the defaults.
Result<jobs::JobsOptions> JobsSettings(const CommonOptions& common);
// Where a verb runs: the jalond at --url, or the data directory --data opened
// with the jobs' settings.
Result<std::unique_ptr<Backend>> Connect(const CommonOptions& common);
// Runs `body` on the backend Connect opens and returns its exit code; failing
// to open it fails `verb`.
int OnBackend(const std::string& verb, const CommonOptions& common,
              const std::function<int(Backend&)>& body);

}  // namespace jalon::cli
