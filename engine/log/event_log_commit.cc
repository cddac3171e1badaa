// EventLog: the group-commit pipeline. Appends queue; the sealer thread
// decides and seals them (event_log_seal.cc), the writer thread writes and
// syncs each batch, and the completion thread answers the callers.
#include <pthread.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <future>

#include "engine/log/event_log.h"
#include "engine/log/format.h"
#include "engine/log/log_errors.h"

namespace jalon {

namespace lf = log_format;

namespace {

Status ValidateRequest(const AppendRequest& r) {
  if (r.stream.empty()) return Status::InvalidArgument("stream: must not be empty");
  if (r.stream.size() > lf::kMaxStreamBytes) return Status::InvalidArgument("stream: too long");
  if (r.stream.find('\0') != std::string::npos) {
    return Status::InvalidArgument("stream: must not contain NUL");
  }
  if (r.events.empty()) return Status::InvalidArgument("events: an append needs at least one");
  if (r.command_id.size() > lf::kMaxCommandIdBytes) {
    return Status::InvalidArgument("command_id: longer than 256 bytes");
  }
  if (r.actor.size() > lf::kMaxActorBytes) return Status::InvalidArgument("actor: too long");
  if (!r.request_hash.empty() &&
      (r.command_id.empty() || r.request_hash.size() != lf::kCommandRequestHashBytes)) {
    return Status::InvalidArgument("request_hash: 32 bytes, with a command_id");
  }
  for (size_t i = 0; i < r.events.size(); ++i) {
    const NewEvent& e = r.events[i];
    const std::string field = "events[" + std::to_string(i) + "]";
    if (e.type.empty() || e.type.size() > lf::kMaxTypeBytes) {
      return Status::InvalidArgument(field + ".type: must be 1 to 128 bytes");
    }
    if (e.payload.size() > lf::kMaxPayloadBytes) {
      return Status::InvalidArgument(field + ".payload: larger than 4 MiB");
    }
    if (e.schema_version == 0)
      return Status::InvalidArgument(field + ".schema_version: must be >= 1");
  }
  return Status::Ok();
}

}  // namespace

Result<AppendResult> EventLog::Append(AppendRequest request) {
  // The callback owns the promise: set_value still touches the shared state
  // after the waiter wakes, so a promise on this stack could be destroyed
  // under it.
  auto promise = std::make_shared<std::promise<Result<AppendResult>>>();
  auto future = promise->get_future();
  AppendAsync(std::move(request),
              [promise](Result<AppendResult> r) { promise->set_value(std::move(r)); });
  return future.get();
}

void EventLog::AppendAsync(AppendRequest request, AppendCallback done) {
  Status valid = ValidateRequest(request);
  if (!valid.ok()) {
    done(valid);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    if (stopping_) {
      done(Status::Unavailable("the event log is shutting down"));
      return;
    }
    outstanding_.fetch_add(1);
    queue_.push_back(
        Pending{std::move(request), std::move(done), std::chrono::steady_clock::now()});
  }
  queue_cv_.notify_one();
}

// The pipeline. The sealer takes every queued request once the writer has
// taken the previous batch, decides and seals them (command-id lookups,
// version checks, SHA-256, encoding) while the writer syncs that previous
// batch, and hands the writer a ready WriteBatch. The completion thread
// answers the callers. Each stage works on one batch at a time, so the
// order of batches, and of their acknowledgements, is the order of the log.
void EventLog::SealLoop() {
  pthread_setname_np(pthread_self(), "jalon-seal");
  std::vector<Pending> batch;
  for (;;) {
    {
      // Take requests only when the writer is free to take what we seal:
      // those that arrive meanwhile make the batch larger.
      std::unique_lock<std::mutex> lock(write_mu_);
      write_cv_.wait(lock, [this] { return sealed_.empty(); });
    }
    size_t bytes = kBatchOverheadBytes;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything before it was sealed
      batch.reserve(std::min(queue_.size(), options_.max_batch_requests));
      while (!queue_.empty() && batch.size() < options_.max_batch_requests) {
        const size_t next = SealedBytes(queue_.front().request);
        if (!batch.empty() && bytes + next > options_.max_batch_bytes) break;
        bytes += next;
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Prepared sealed = Seal(std::move(batch), bytes);
    batch.clear();
    // With the writer idle and no other append anywhere in the pipeline
    // (queued, or being answered), there is nothing to overlap: write here,
    // and spare the batch the wake-up of the writer (30 to 50 us on a
    // virtual machine). A lone append is answered here too, sparing the
    // wake-up of the completion thread; the answers stay in log order, as
    // every earlier append has been answered. A larger batch is answered on
    // the completion thread all the same: answering here would have its
    // callers' next appends gather while this thread is busy, into one
    // batch that is again alone, and the pipeline would never start.
    const size_t requests = sealed.batch.size();
    bool write_here;
    {
      std::lock_guard<std::mutex> lock(write_mu_);
      write_here = !writing_ && outstanding_.load() <= requests;
      if (write_here) {
        writing_ = true;
      } else {
        sealed_.push_back(std::move(sealed));
      }
    }
    if (write_here) {
      WriteAndAnswer(std::move(sealed), /*answer_here=*/requests == 1);
    } else {
      write_cv_.notify_all();
    }
  }
}

void EventLog::WriterLoop() {
  pthread_setname_np(pthread_self(), "jalon-writer");
  for (;;) {
    Prepared next;
    {
      std::unique_lock<std::mutex> lock(write_mu_);
      write_cv_.wait(lock, [this] { return sealer_done_ || !sealed_.empty(); });
      if (sealed_.empty()) return;  // the sealer stopped, and all it sealed is written
      next = std::move(sealed_.front());
      sealed_.pop_front();
      writing_ = true;
    }
    write_cv_.notify_all();  // the sealer may take the next requests
    WriteAndAnswer(std::move(next), /*answer_here=*/false);
  }
}

void EventLog::WriteAndAnswer(Prepared batch, bool answer_here) {
  Completion done = Write(std::move(batch));
  bool idle;
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    writing_ = false;
    idle = sealed_.empty();
  }
  // Only the sealer waits on write_cv_, and only WaitWriterIdle waits for
  // writing_ to clear, which needs sealed_ empty too. With a sealed batch
  // queued (the pipeline's steady state) the wake-up would find nothing to
  // do: the sealer waits for the writer to take that batch, and is woken
  // then. Sparing it takes a futex wake (20 to 30 us on a virtual machine) off the
  // writer's path between two synced writes.
  if (idle) write_cv_.notify_all();
  if (answer_here) {
    Answer(done);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(completion_mu_);
    completions_.push_back(std::move(done));
  }
  completion_cv_.notify_one();
}

void EventLog::Answer(Completion& c) {
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < c.batch.size(); ++i) {
    append_latency_.Record(std::chrono::duration<double>(now - c.batch[i].arrived).count());
    c.batch[i].done(std::move(c.outcomes[i]));
    outstanding_.fetch_sub(1);
  }
}

void EventLog::WaitWriterIdle() {
  std::unique_lock<std::mutex> lock(write_mu_);
  write_cv_.wait(lock, [this] { return sealed_.empty() && !writing_; });
}

void EventLog::ResetSealState() {
  WaitWriterIdle();
  seal_head_ = Head();
  seal_versions_.clear();
  {
    std::lock_guard<std::mutex> lock(inflight_mu_);
    inflight_commands_.clear();
  }
  seal_epoch_ = write_epoch_.load();
}

void EventLog::CompletionLoop() {
  pthread_setname_np(pthread_self(), "jalon-ack");
  for (;;) {
    Completion c;
    {
      std::unique_lock<std::mutex> lock(completion_mu_);
      completion_cv_.wait(lock, [this] { return completion_stopping_ || !completions_.empty(); });
      if (completions_.empty()) return;  // stopping, and every caller was answered
      c = std::move(completions_.front());
      completions_.pop_front();
    }
    Answer(c);
  }
}

Status EventLog::TryRecover() {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_recovery_ || read_only_) return StoredHealth();
  next_recovery_ = now + std::chrono::seconds(1);  // at most one attempt a second
  WaitWriterIdle();
  // RocksDB stops writing after a failed write until Resume() succeeds,
  // which it does once the disk takes the flush again.
  if (!db_->Resume().ok()) return StoredHealth();
  // The failed batch is in the database wholly or not at all (one
  // WriteBatch): take the head as stored, and forget cached versions.
  JALON_RETURN_IF_ERROR(LoadHead());
  ResetSealState();
  return StoredHealth();
}

std::unique_ptr<rocksdb::WriteBatch> EventLog::TakeWriteBatch(size_t bytes, size_t* capacity) {
  {
    std::lock_guard<std::mutex> lock(spare_mu_);
    if (spare_writes_ != nullptr && spare_capacity_ >= bytes) {
      *capacity = spare_capacity_;
      return std::move(spare_writes_);
    }
  }
  // Room for any batch under the cap, so that the storage kept fits the
  // next ones: a burst then writes into pages touched already.
  *capacity = std::max(bytes, options_.max_batch_bytes);
  return std::make_unique<rocksdb::WriteBatch>(*capacity);
}

void EventLog::GiveBackWriteBatch(std::unique_ptr<rocksdb::WriteBatch> writes, size_t capacity) {
  // A batch far larger than usual (a bulk import) is not kept.
  constexpr size_t kMaxKept = size_t{64} << 20;
  capacity = std::max(capacity, writes->GetDataSize());
  if (capacity > kMaxKept) return;
  writes->Clear();  // keeps the storage
  std::lock_guard<std::mutex> lock(spare_mu_);
  if (spare_writes_ == nullptr || spare_capacity_ < capacity) {
    spare_writes_ = std::move(writes);
    spare_capacity_ = capacity;
  }
}

EventLog::Prepared::Prepared() = default;
EventLog::Prepared::~Prepared() = default;
EventLog::Prepared::Prepared(Prepared&&) noexcept = default;
EventLog::Prepared& EventLog::Prepared::operator=(Prepared&&) noexcept = default;

EventLog::Completion EventLog::Write(Prepared p) {
  Status refused;
  if (p.epoch != write_epoch_.load()) {
    // Sealed on top of a batch whose write failed: its positions and hashes
    // follow events that do not exist. Nothing of it is written.
    refused = Status::Unavailable("writes are refused: " + StoredHealth().message());
  } else if (p.writes != nullptr) {
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    Status written = FromRocks(db_->Write(wo, p.writes.get()), "appending to the event log");
    GiveBackWriteBatch(std::move(p.writes), p.writes_capacity);
    if (written.ok()) {
      // Outside RocksDB, after the sync and before any caller is answered:
      // a log that comes back shorter than this was damaged.
      if (witness_ != nullptr) witness_->Record(p.head.position, p.head.hash);
      {
        std::lock_guard<std::mutex> lock(head_mu_);
        head_ = p.head;
      }
      head_cv_.notify_all();
      stat_batches_.fetch_add(1, std::memory_order_relaxed);
      stat_events_.fetch_add(p.new_events, std::memory_order_relaxed);
      batch_sizes_.Record(static_cast<double>(p.new_events));
      stat_appends_.fetch_add(p.new_appends, std::memory_order_relaxed);
    } else {
      // A failed write (a full disk, a read-only or vanished directory)
      // refuses writes until TryRecover finds the disk usable again;
      // anything else (corruption) until a restart re-reads the head.
      if (!written.IsCorruption()) {
        written = Status::Unavailable("cannot write the event log (" + written.message() +
                                      "); writes resume once the disk accepts them again");
      }
      {
        std::lock_guard<std::mutex> lock(head_mu_);
        write_health_ = written;
      }
      write_epoch_.fetch_add(1);
      refused = written;
    }
  }
  if (p.new_events > 0) {
    // Written, or refused: either way RocksDB is now the one to ask. The
    // batch's other ids (replays) name commands of earlier batches, which
    // were written, and their entries are gone already.
    std::lock_guard<std::mutex> lock(inflight_mu_);
    for (const Pending& pending : p.batch) inflight_commands_.erase(pending.request.command_id);
  }
  Completion done;
  done.outcomes.reserve(p.batch.size());
  for (auto& o : p.outcome) {
    // A refused batch answers the refusal alone: its replays may name a
    // command that was never written, its conflicts a version that never
    // existed.
    if (!refused.ok()) o = refused;
    if (o->ok() && (*o)->replayed) stat_replays_.fetch_add(1, std::memory_order_relaxed);
    if (o->status().IsConflict()) stat_conflicts_.fetch_add(1, std::memory_order_relaxed);
    done.outcomes.push_back(std::move(*o));
  }
  done.batch = std::move(p.batch);
  return done;
}

Status EventLog::StoredHealth() const {
  std::lock_guard<std::mutex> lock(head_mu_);
  return write_health_;
}

Status EventLog::WriteHealth() const {
  Status stored = StoredHealth();
  return stored.ok() ? DiskReserve() : stored;
}

Status EventLog::DiskReserve() const {
  struct statvfs fs;
  if (::statvfs(dir_.c_str(), &fs) != 0) return Status::Ok();  // the write will tell
  if ((fs.f_flag & ST_RDONLY) != 0 && !read_only_) {
    // Remounted read-only under us (a kernel does so on disk errors): the
    // write would fail, and Debian's RocksDB aborts on a failed log write.
    return Status::Unavailable("the filesystem of " + dir_ +
                               " became read-only: writes resume once it is read-write again");
  }
  if (options_.min_free_bytes == 0) return Status::Ok();
  const uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free_bytes >= options_.min_free_bytes) return Status::Ok();
  return Status::Unavailable("disk nearly full: " + std::to_string(free_bytes >> 20) +
                             " MiB free on the filesystem of " + dir_ + ", " +
                             std::to_string(options_.min_free_bytes >> 20) +
                             " MiB are kept in reserve (storage.min_free_mb); writes resume "
                             "once space is freed");
}

void EventLog::RefuseWrites(Status why) {
  std::lock_guard<std::mutex> lock(head_mu_);
  if (write_health_.ok()) write_health_ = std::move(why);
}

LogStats EventLog::Stats() const {
  LogStats s;
  s.appends = stat_appends_.load(std::memory_order_relaxed);
  s.events = stat_events_.load(std::memory_order_relaxed);
  s.batches = stat_batches_.load(std::memory_order_relaxed);
  s.replays = stat_replays_.load(std::memory_order_relaxed);
  s.conflicts = stat_conflicts_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace jalon
