// EventLog: the durable, append-only, hash-chained log on RocksDB.
//
// Contract
// - Positions are global, start at 1 and are gapless. Versions are dense per
//   stream, from 1. recorded_at never decreases along the log.
// - An append is one request for one stream: all of its events are written
//   or none is (one RocksDB WriteBatch).
// - Group commit: a single writer thread writes every pending request in one
//   WriteBatch with sync = true, and only then is each caller acknowledged.
//   No append is acknowledged before its batch is on disk. The batches go
//   through a pipeline of three threads (sealer, writer, completion; see
//   SealLoop), so that deciding and sealing batch N + 1 overlaps writing
//   batch N.
// - Optimistic concurrency: a request with expected_version is refused with
//   kConflict, writing nothing, unless the stream is at exactly that version
//   (0 = the stream does not exist yet).
// - Idempotency: the command_id -> result mapping is stored in RocksDB in the
//   same batch as the events. Re-sending a command_id, even after a restart,
//   appends nothing and returns the original positions (replayed = true).
// - The key layout and record format are in engine/log/format.h.
//
// Errors: kInvalidArgument (a malformed request, naming the field) and
// kConflict (expected_version does not hold) wrote nothing. kUnavailable:
// writes are refused for now (shutting down, disk full or read-only, a
// damaged log, a failed write; WriteHealth() says which). When the write
// itself failed, its batch is in the log wholly or not at all: re-sending
// the same command_id tells which. kCorruption: damage in the stored log,
// naming its position. kIOError: RocksDB failed otherwise.
//
// Thread safety: every public method may be called from any thread. Append
// blocks until durable; AppendAsync calls its callback on one of the log's
// threads (the completion thread, or the sealer for a lone append), after
// the batch is synced and the head published, so callbacks must be short
// and must not block on another Append.
//
// Lifetime: the Clock passed in options is borrowed and must outlive the
// EventLog. The destructor drains pending appends, stops the writer and
// closes the database.
//
// The definitions are spread by concern: event_log_open.cc (opening, RocksDB
// tuning, recovery, the head witness, closing), event_log_commit.cc (the
// group-commit pipeline and write health), event_log_seal.cc (deciding and
// sealing a batch), event_log_read.cc and event_log_verify.cc.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/log/event.h"
#include "engine/log/head_witness.h"
#include "engine/util/histogram.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
class WriteBatch;
}  // namespace rocksdb

namespace jalon {

struct AppendRequest {
  std::string stream;
  std::optional<uint64_t> expected_version;  // 0: the stream must not exist yet
  std::string command_id;                    // empty: not idempotent
  std::string actor;
  std::vector<NewEvent> events;  // at least one
  // Empty, or 32 bytes kept with the command record: what the caller
  // needs to tell a retry of the same request from another request that
  // reuses its command_id (PlanService stores a SHA-256 of the command).
  std::string request_hash;
};

struct AppendResult {
  std::string stream;
  uint64_t first_position = 0;
  uint64_t first_version = 0;
  uint32_t count = 0;
  bool replayed = false;     // the command_id was seen before; nothing was appended
  std::string request_hash;  // as given by the command's first append (may be empty)
  // The events as written (sealed: positions, recorded_at, hashes), so that
  // a caller can answer without reading them back. Empty for a replayed
  // command: read them with ReadRange.
  std::vector<Event> events;

  uint64_t last_position() const { return first_position + count - 1; }
  uint64_t last_version() const { return first_version + count - 1; }
};

struct LogHead {
  uint64_t position = 0;  // 0 for an empty log; also the number of events
  Hash hash{};            // kGenesisHash for an empty log
  Instant recorded_at{};
};

struct VerifyReport {
  bool ok = true;
  uint64_t head_position = 0;  // the last position checked and found good
  Hash head_hash{};
  uint64_t events_checked = 0;
  uint64_t first_bad_position = 0;  // 0 when ok
  std::string reason;               // why first_bad_position is bad
};

struct LogStats {
  uint64_t appends = 0;  // requests acknowledged with new events
  uint64_t events = 0;   // events appended since open
  uint64_t batches = 0;  // synced WriteBatches since open
  uint64_t replays = 0;  // idempotent replays answered
  uint64_t conflicts = 0;
};

struct EventLogOptions {
  const Clock* clock = nullptr;  // required; borrowed
  bool sync = true;              // fsync each group commit; only benchmarks turn it off
  size_t max_batch_requests = 4096;
  // A group commit also stops at about this many bytes (a single larger
  // append still goes whole), so that a burst of appends (the scheduler's
  // firing pass) is sealed and written in pieces that overlap, the first
  // durable early, instead of one batch of megabytes sealed before any is
  // written; and so that the WriteBatch kept for reuse covers the next one.
  // RocksDB caps its own write groups at 1 MiB for the same reasons.
  size_t max_batch_bytes = size_t{1} << 20;
  // When true, Open succeeds on a damaged log, so that `jalon verify` can
  // report the damage and jalond can serve reads: a head that does not
  // match its last event, a head behind its witness, or a write-ahead log
  // that cannot be replayed whole (then the database is opened read-only, up
  // to the first bad record). Writes are refused; damage() says what.
  bool allow_damaged = false;
  // Opens with DB::OpenForReadOnly and changes nothing in the directory (no
  // lock, no pid file, no RocksDB info log, no witness write): `jalon verify`
  // must not alter what it checks.
  bool read_only = false;
  // For `jalon repair --accept-loss` only: point-in-time recovery, which cuts
  // a damaged write-ahead log at its first bad record for good, and a head
  // behind its witness is reported (witness_at_open) rather than refused.
  // The caller records the loss in the log.
  bool accept_loss = false;
  // Appends are refused (kUnavailable) while the filesystem of the log has
  // less free space than this; 0 turns the check off. RocksDB must never be
  // the one to find the disk full: Debian's librocksdb keeps its assertions
  // and aborts on a failed write-ahead-log write.
  uint64_t min_free_bytes = 0;
};

enum class ScanMode { kTail, kBulk };

class EventLog {
 public:
  // Opens or creates the log in `dir`. If another process holds the
  // directory, the error names that process's pid. On a read-only
  // filesystem (a mounted backup, a disk the kernel remounted read-only)
  // the log is opened for reading, and appends are refused.
  static Result<std::unique_ptr<EventLog>> Open(const std::string& dir, EventLogOptions options);

  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Blocks until the events are durable, or the request is refused.
  Result<AppendResult> Append(AppendRequest request);
  using AppendCallback = std::function<void(Result<AppendResult>)>;
  void AppendAsync(AppendRequest request, AppendCallback done);

  // What the first append of `command_id` produced (replayed = true), or
  // nullopt if the id was never appended.
  Result<std::optional<AppendResult>> FindCommand(const std::string& command_id) const {
    return LookupCommand(command_id);
  }

  LogHead Head() const;
  LogStats Stats() const;
  // Not OK when the log was opened damaged or read-only (until a restart),
  // when a write failed (until the disk takes writes again), when free
  // space is below options.min_free_bytes (until it is back), or when the
  // filesystem turned read-only (a kernel remounts a failing disk so).
  Status WriteHealth() const;
  // True when the data directory was on a read-only filesystem at Open:
  // the log was opened for reading only, and every append is refused.
  bool read_only() const { return read_only_; }
  // The free space kept in reserve on the log's filesystem (options).
  uint64_t min_free_bytes() const { return options_.min_free_bytes; }
  // Refuses every later append with `why` (a damaged log found by a verify).
  void RefuseWrites(Status why);
  // The damage found at Open (kCorruption, naming what, where and how much),
  // or OK. With allow_damaged the log opens anyway and refuses writes; with
  // accept_loss it is only reported (a head behind its witness).
  Status damage() const { return damage_; }
  // What RocksDB's recovery said of the write-ahead log when it could not
  // replay it whole: the file, the bytes dropped and the reason; "" if the
  // WAL replayed (a torn last write is no damage: it was never acknowledged).
  const std::string& wal_damage() const { return wal_damage_; }
  // With accept_loss: what point-in-time recovery cut from the write-ahead
  // log (the files and bytes dropped), "" if nothing.
  const std::string& wal_cut() const { return wal_cut_; }
  // The head witness as Open found it (nullopt: the directory had none).
  const std::optional<WitnessRecord>& witness_at_open() const { return witness_at_open_; }
  // Checks every block checksum of every table file, all column families
  // (Verify walks the events; damage elsewhere is found here).
  Status VerifyFiles() const;

  // Events with position in [from, from + limit), stopping at the head. A
  // missing or undecodable record is kCorruption naming its position.
  Result<std::vector<Event>> ReadRange(uint64_t from, size_t limit) const;
  // Events of `stream` with version >= from_version, at most `limit`.
  Result<std::vector<Event>> ReadStream(std::string_view stream, uint64_t from_version,
                                        size_t limit) const;
  // Calls fn on the events of `stream` with version >= from_version and
  // position <= max_position, at most `limit` of them, in order, until fn
  // returns false; views valid during the call. Reads only those events
  // (the stream index gives their positions), a MultiGet of up to 1,000 at
  // a time.
  Status ScanStream(std::string_view stream, uint64_t from_version, uint64_t max_position,
                    const std::function<bool(const EventView&)>& fn, size_t limit = SIZE_MAX) const;
  // The durable version of `stream` (0 if it does not exist).
  Result<uint64_t> StreamVersion(std::string_view stream) const;
  // The position of the first event with recorded_at >= t, or head + 1 if
  // none. Binary search: recorded_at is non-decreasing along the log.
  Result<uint64_t> FirstPositionAtOrAfter(Instant t) const;

  // Blocks until the head reaches `position` or `timeout` passes; returns
  // whether it did. Woken by each commit: no polling.
  bool WaitForPosition(uint64_t position, std::chrono::milliseconds timeout) const;

  // Walks the chain from `from` (1, or a trusted checkpoint's position + 1
  // with that checkpoint's hash as `prev`), then checks the stored head.
  // `progress` (optional) is called every `progress_every` events.
  VerifyReport Verify(uint64_t from = 1, const Hash& prev = Hash{},
                      const std::function<void(uint64_t checked, uint64_t head)>& progress = {},
                      uint64_t progress_every = 100000) const;

  // Forward scan of every event from `from`, in order, for replays. Stops at
  // the first error (which names the position) or when `fn` returns false.
  Status Scan(uint64_t from, const std::function<bool(const Event&)>& fn) const;
  // The same without copying: each view is valid only during its call of fn.
  // kBulk is for scans of a large part of the log (a rebuild, a verify): it
  // reads ahead and leaves the block cache to the reads that come back.
  Status ScanViews(uint64_t from, const std::function<bool(const EventView&)>& fn,
                   ScanMode mode = ScanMode::kTail) const;

  // Events per synced batch, and the time from an append's arrival to its
  // acknowledgement, in seconds: for /metrics.
  const Histogram& batch_sizes() const { return batch_sizes_; }
  const Histogram& append_latency() const { return append_latency_; }

  const std::string& dir() const { return dir_; }
  // For the plan model's snapshot store, which shares this database.
  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* snapshots_cf() const { return snapshots_cf_; }

 private:
  struct Pending {
    AppendRequest request;
    AppendCallback done;
    std::chrono::steady_clock::time_point arrived;
  };

  // One group commit on its way through the pipeline: decided and sealed on
  // the sealer thread, written on the writer thread, answered on the
  // completion thread.
  struct Prepared {
    Prepared();
    ~Prepared();
    Prepared(Prepared&&) noexcept;
    Prepared& operator=(Prepared&&) noexcept;

    std::vector<Pending> batch;
    std::vector<std::optional<Result<AppendResult>>> outcome;  // one per request
    std::unique_ptr<rocksdb::WriteBatch> writes;               // empty when nothing is appended
    size_t writes_capacity = 0;  // bytes `writes` can hold without growing
    LogHead head;                // the head once this batch is durable
    uint64_t epoch = 0;          // write_epoch_ when it was sealed
    uint64_t new_events = 0, new_appends = 0;
  };
  struct Completion {
    std::vector<Pending> batch;
    std::vector<Result<AppendResult>> outcomes;
  };

  // Opening and closing (event_log_open.cc).
  EventLog(std::string dir, EventLogOptions options);
  Status OpenDb();
  Status LoadHead();
  // After LoadHead at Open: compares the head with the witness, and opens the
  // witness for writing when the log may be written.
  Status CheckWitness();

  // The pipeline (event_log_commit.cc).
  void SealLoop();
  void WriterLoop();
  void CompletionLoop();
  // Writes one sealed batch and publishes the head: on the writer thread,
  // or on the sealer when the writer is idle and no request waits.
  // REQUIRES: writing_ was set by the caller under write_mu_.
  Completion Write(Prepared batch);
  // Write, then clears writing_ and answers the callers: on this thread if
  // `answer_here`, else on the completion thread.
  void WriteAndAnswer(Prepared batch, bool answer_here);
  // Calls each request's callback with its outcome, in order.
  void Answer(Completion& c);
  // Sealer thread: an empty WriteBatch that holds `bytes` without growing:
  // the one the writer gave back if it is large enough, else a new one.
  std::unique_ptr<rocksdb::WriteBatch> TakeWriteBatch(size_t bytes, size_t* capacity);
  // Writer: keeps a written batch's storage for the sealer to fill again.
  void GiveBackWriteBatch(std::unique_ptr<rocksdb::WriteBatch> writes, size_t capacity);
  // Sealer thread: waits until no sealed batch is queued or being written.
  void WaitWriterIdle();
  // Sealer thread: after a failed write (or a recovery), forgets what was
  // sealed on top of the durable head and starts again from it.
  void ResetSealState();
  // After a failed write: at most once a second, asks RocksDB to resume and,
  // if it does, re-reads the head and accepts writes again. Returns the
  // write health. REQUIRES: called on the sealer thread, the writer idle.
  Status TryRecover();
  // kUnavailable when the log's filesystem has less than min_free_bytes free.
  Status DiskReserve() const;
  Status StoredHealth() const;  // write_health_ alone

  // Sealing (event_log_seal.cc).
  // Sealer thread: decides each request of `batch` against the durable log
  // plus every batch sealed but not yet written, and seals the events.
  Prepared Seal(std::vector<Pending> batch, size_t bytes);
  // At least what sealing `request` writes into a WriteBatch: per event
  // the record (envelope, payload, hashes) and its key, the stream index
  // entry; the command's entry; RocksDB's tags and lengths.
  static size_t SealedBytes(const AppendRequest& request);
  // A WriteBatch's header and the head's entry.
  static constexpr size_t kBatchOverheadBytes = 256;
  // REQUIRES: called on the sealer thread.
  Result<uint64_t> CachedStreamVersion(const std::string& stream);

  // Reads (event_log_read.cc).
  Result<std::optional<AppendResult>> LookupCommand(const std::string& command_id) const;

  const std::string dir_;
  const EventLogOptions options_;

  rocksdb::DB* db_ = nullptr;  // owned; deleted in the destructor
  rocksdb::ColumnFamilyHandle* default_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* events_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* streams_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* commands_cf_ = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots_cf_ = nullptr;

  // Queue of requests waiting for the writer.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Pending> queue_;  // GUARDED_BY(queue_mu_)
  bool stopping_ = false;      // GUARDED_BY(queue_mu_)

  // The durable head, published after each synced batch.
  mutable std::mutex head_mu_;
  mutable std::condition_variable head_cv_;
  LogHead head_;         // GUARDED_BY(head_mu_)
  Status write_health_;  // GUARDED_BY(head_mu_)

  // Sealer thread only: the head and stream versions as they will be once
  // every sealed batch is written (durable state plus batches in flight).
  LogHead seal_head_;
  std::unordered_map<std::string, uint64_t> seal_versions_;
  uint64_t seal_epoch_ = 0;
  std::chrono::steady_clock::time_point next_recovery_{};  // see TryRecover
  // Bumped by the writer when a write fails: batches sealed before it chain
  // onto events that were never written, and are refused.
  std::atomic<uint64_t> write_epoch_{0};
  // Command ids of sealed batches not yet written: a replay of one must be
  // answered from here, as RocksDB does not hold it yet.
  std::mutex inflight_mu_;
  std::unordered_map<std::string, AppendResult> inflight_commands_;  // GUARDED_BY(inflight_mu_)

  // Sealed batches waiting for the writer: at most one, so that requests
  // arriving meanwhile gather into the next batch.
  std::mutex write_mu_;
  std::condition_variable write_cv_;
  std::deque<Prepared> sealed_;  // GUARDED_BY(write_mu_)
  bool writing_ = false;         // GUARDED_BY(write_mu_)
  bool sealer_done_ = false;     // GUARDED_BY(write_mu_)
  // One written batch's storage, cleared, for the next one to be sealed:
  // growing a batch of megabytes by doubling into fresh pages costs page
  // faults and copies, a sixth of the scheduler's firing pass under
  // jalon-bench jobs. Two batches are alive at a time (one sealed, one
  // written), so one kept is enough.
  std::mutex spare_mu_;
  std::unique_ptr<rocksdb::WriteBatch> spare_writes_;  // GUARDED_BY(spare_mu_)
  size_t spare_capacity_ = 0;                          // GUARDED_BY(spare_mu_)
  // Appends accepted and not yet answered.
  std::atomic<uint64_t> outstanding_{0};

  std::atomic<uint64_t> stat_appends_{0}, stat_events_{0}, stat_batches_{0}, stat_replays_{0},
      stat_conflicts_{0};

  // Acknowledgements run on their own thread, so that waking the callers of
  // batch N overlaps with writing batch N + 1 (see CompletionLoop).
  std::mutex completion_mu_;
  std::condition_variable completion_cv_;
  std::deque<Completion> completions_;  // GUARDED_BY(completion_mu_)
  bool completion_stopping_ = false;    // GUARDED_BY(completion_mu_)

  Histogram batch_sizes_{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096}};
  Histogram append_latency_{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}};

  std::thread sealer_;
  std::thread writer_;
  std::thread completer_;
  bool owns_pid_file_ = false;
  bool read_only_ = false;
  Status damage_;
  std::string wal_damage_;
  std::string wal_cut_;
  std::optional<WitnessRecord> witness_at_open_;
  // Written by the writer after each synced batch; null when read-only or
  // damaged (the witness is evidence then, and is left as it is).
  std::unique_ptr<HeadWitness> witness_;
};

}  // namespace jalon
