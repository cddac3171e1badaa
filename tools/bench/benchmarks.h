// The benchmarks of jalon-bench, one per subcommand, each in its own file
// (append.cc, replay.cc, rebuild.cc, jobs.cc). Each creates its databases in
// a fresh directory under `base`, removes them when done, prints its result
// lines on stdout (bench.h) and returns the process's exit code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace jalon::bench {

struct AppendOptions {
  int clients = 64;            // appends in flight at once
  uint64_t events = 200000;    // in all, cut into rounds
  size_t payload = 200;        // bytes per event
  std::string mode = "async";  // "async" (AppendAsync) or "threads" (blocking Append)
  int rounds = 4;
  // false: both sides write without fsync, to compare CPU paths apart from
  // the disk (whose sync time varies a lot on a shared virtual disk).
  bool sync = true;
  // Clients send random-looking ids (UUIDs in practice), not sequential
  // ones: their index inserts land all over the key space, as in production.
  bool command_ids = true;
};
// Durable appends: the engine's group commit against raw synced
// WriteBatches, and the ceiling of raw writes of one event per client.
int Append(const std::string& base, const AppendOptions& options);

// Read, decode and verify the chain of `events` events against a raw
// RocksDB scan.
int Replay(const std::string& base, uint64_t events, size_t payload);

// Every projection rebuilt from scratch against a decode-and-verify replay,
// `rounds` times, then `as_of_queries` as-of queries.
int Rebuild(const std::string& base, int directions, int as_of_queries, int rounds);

// The scheduler over `directions` plans holding `reminders` open reminders:
// planning at startup, pass times, firing lag, memory.
int Jobs(const std::string& base, int directions, uint64_t reminders);

// A filled update sheet of `rows` rows previewed and applied through its
// routes, against the same commands appended as one batch and one by one.
int Sheet(const std::string& base, size_t rows, int rounds);
// GET of a dashboard over HTTP with a session cookie against a bearer token,
// `rounds` times in one run (session.cc); also one sign-in's cost.
int Session(const std::string& base, int clients, uint64_t requests, int rounds);

}  // namespace jalon::bench
