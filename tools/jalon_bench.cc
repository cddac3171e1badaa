// jalon-bench: measures the engine against raw RocksDB on the same machine,
// in the same run, and prints one `key=value` line per case (DESIGN.md,
// "Benchmark output"). One subcommand per benchmark, each in tools/bench/.
//
//   jalon-bench append --clients 64 --events 200000 --payload 200
//   jalon-bench replay --events 1000000
//   jalon-bench rebuild --directions 3000
//   jalon-bench jobs --directions 30000 --reminders 1000000
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tools/bench/bench.h"
#include "tools/bench/benchmarks.h"

int main(int argc, char** argv) {
  CLI::App app{"jalon-bench: the engine against raw RocksDB, same machine, same run"};
  app.require_subcommand(1);
  std::string base = std::filesystem::temp_directory_path().string();
  app.add_option("--dir", base, "Where to create the temporary databases")
      ->check(CLI::ExistingDirectory);

  auto* append =
      app.add_subcommand("append", "Durable appends: group commit vs raw synced WriteBatches");
  jalon::bench::AppendOptions append_options;
  append->add_option("--clients", append_options.clients, "Concurrent appending threads")
      ->check(CLI::Range(1, 4096));
  append->add_option("--events", append_options.events, "Total events to append")
      ->check(CLI::PositiveNumber);
  append->add_option("--payload", append_options.payload, "Payload bytes per event")
      ->check(CLI::Range(1, 1 << 20));
  bool no_command_ids = false;
  append->add_flag("--no-command-ids", no_command_ids,
                   "Send appends without command ids (no idempotency index)");
  bool no_sync = false;
  append->add_flag("--no-sync", no_sync,
                   "Both sides write without fsync: compares the CPU paths apart from the disk "
                   "(not a durability figure)");
  append
      ->add_option("--rounds", append_options.rounds,
                   "Alternate the engine and the raw side this many times, each with its share "
                   "of the events, so that both meet the same moods of the disk")
      ->check(CLI::Range(1, 1000));
  append
      ->add_option("--mode", append_options.mode,
                   "async: appends in flight through AppendAsync, as jalond does; "
                   "threads: one blocking thread per client")
      ->check(CLI::IsMember({"async", "threads"}));

  auto* replay =
      app.add_subcommand("replay", "Read, decode and verify the chain vs a raw RocksDB scan");
  uint64_t replay_events = 1000000;
  size_t replay_payload = 200;
  replay->add_option("--events", replay_events, "Events in the log")->check(CLI::PositiveNumber);
  replay->add_option("--payload", replay_payload, "Payload bytes per event")
      ->check(CLI::Range(1, 1 << 20));

  auto* rebuild = app.add_subcommand(
      "rebuild",
      "Rebuild every projection from scratch vs a decode-and-verify replay; then as-of latency");
  int directions = 3000;
  int queries = 2000;
  rebuild
      ->add_option("--directions", directions,
                   "Directions of about 3,300 events each (3,000: 10M events)")
      ->check(CLI::Range(1, 100000));
  rebuild->add_option("--queries", queries, "as-of queries at random points")
      ->check(CLI::Range(1, 1000000));
  int rounds = 1;
  rebuild
      ->add_option("--rounds", rounds,
                   "Measure both sides this many times on the same log (one line each)")
      ->check(CLI::Range(1, 100));

  auto* jobs = app.add_subcommand(
      "jobs", "The scheduler over many plans: planning at startup, pass times, firing lag, memory");
  int jobs_directions = 30000;
  uint64_t jobs_reminders = 1000000;
  jobs->add_option("--directions", jobs_directions, "Directions (plans)")
      ->check(CLI::Range(1, 1000000));
  jobs->add_option("--reminders", jobs_reminders, "Open reminders across them")
      ->check(CLI::PositiveNumber);

  auto* sheet = app.add_subcommand(
      "sheet", "A filled update sheet previewed and applied vs the same commands appended raw");
  size_t sheet_rows = 500;
  int sheet_rounds = 3;
  sheet->add_option("--rows", sheet_rows, "Filled rows (half actions, half indicators)")
      ->check(CLI::Range(2, 4000));
  sheet->add_option("--rounds", sheet_rounds, "Workbooks applied, one line in all")
      ->check(CLI::Range(1, 9));
  auto* session = app.add_subcommand(
      "session", "GET dashboard req/s with a session cookie vs a bearer token, one run");
  int session_clients = 8;
  uint64_t session_requests = 40000;
  int session_rounds = 1;
  session->add_option("--clients", session_clients, "Keep-alive connections")
      ->check(CLI::Range(1, 256));
  session->add_option("--requests", session_requests, "Requests per side and round")
      ->check(CLI::PositiveNumber);
  session->add_option("--rounds", session_rounds, "Token then cookie, this many times")
      ->check(CLI::Range(1, 100));

  CLI11_PARSE(app, argc, argv);
  std::printf("%s\n", jalon::bench::MachineLine().c_str());
  std::fflush(stdout);  // before the progress lines on stderr
  if (sheet->parsed()) return jalon::bench::Sheet(base, sheet_rows, sheet_rounds);
  if (jobs->parsed()) return jalon::bench::Jobs(base, jobs_directions, jobs_reminders);
  if (session->parsed())
    return jalon::bench::Session(base, session_clients, session_requests, session_rounds);
  append_options.command_ids = !no_command_ids;
  append_options.sync = !no_sync;
  if (append->parsed()) return jalon::bench::Append(base, append_options);
  if (replay->parsed()) return jalon::bench::Replay(base, replay_events, replay_payload);
  if (rebuild->parsed()) return jalon::bench::Rebuild(base, directions, queries, rounds);
  return 2;
}
