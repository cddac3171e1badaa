// HeadWitness: a copy of the log's head kept outside RocksDB, in the file
// `head-witness` of the data directory, so that a log that comes back
// shorter than what it acknowledged says so.
//
// Why: RocksDB keeps the events and meta/head in the same write-ahead-log
// record, so a damaged or truncated WAL loses both together and the log
// looks whole, only shorter. The witness is written after each group commit
// is synced, so it never runs ahead of the durable log: a witness past the
// head after an open is damage, never a crash (a kill -9 leaves the witness
// at or behind the head).
//
// Format: two 64-byte slots, written alternately, so that a torn write of
// one leaves the other readable. A slot:
//   "JWIT" | format u8 = 1 | 3 zero bytes | sequence u64 | position u64
//   | hash 32 bytes | check u64 (the first 8 bytes of SHA-256 of the 56
//   bytes before it)
// little-endian. The readable slot with the higher sequence wins.
//
// Durability: Record is a pwrite (a few microseconds on the writer's path);
// a thread of its own fdatasyncs the file whenever it changed, coalescing
// commits, and the destructor syncs the last one. After a power loss the
// witness may trail the head by the commits of one fdatasync; it never
// leads it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "engine/util/sha256.h"
#include "engine/util/status.h"

namespace jalon {

struct WitnessRecord {
  uint64_t position = 0;
  Hash hash{};
};

class HeadWitness {
 public:
  static constexpr std::string_view kFileName = "head-witness";
  static std::string PathIn(const std::string& dir);

  // The witness of `dir`: nullopt if the file does not exist; kCorruption if
  // it exists but neither slot is readable (the message says why).
  static Result<std::optional<WitnessRecord>> Read(const std::string& dir);

  // Opens (creating) the witness of `dir` for Record; sequences continue
  // from what the file holds.
  static Result<std::unique_ptr<HeadWitness>> Open(const std::string& dir);
  ~HeadWitness();  // syncs the last record and closes the file
  HeadWitness(const HeadWitness&) = delete;
  HeadWitness& operator=(const HeadWitness&) = delete;

  // Records the head into the older slot. Best effort: a failed write is
  // retried by the next record, and the sync thread reports nothing; the
  // log's own writes are what tell the disk is failing.
  // REQUIRES: calls are serialized (the log's writer, one at a time).
  void Record(uint64_t position, const Hash& hash);
  // Writes and fdatasyncs now (the repair's reset, and the tests).
  Status RecordAndSync(uint64_t position, const Hash& hash);

 private:
  HeadWitness(int fd, uint64_t sequence);
  bool WriteSlot(uint64_t position, const Hash& hash);
  void SyncLoop();

  const int fd_;
  uint64_t sequence_;  // of the last slot written

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> written_{0};
  std::atomic<bool> sleeping_{false};
  std::thread syncer_;
};

}  // namespace jalon
