#include "engine/log/event_log.h"

#include <pthread.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>

#include "engine/log/format.h"
#include "engine/util/coding.h"

namespace jalon {

namespace fs = std::filesystem;
namespace lf = log_format;

namespace {

constexpr std::string_view kPidFile = "jalon.pid";

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  return Status::IOError(msg);
}

// The stream part of a "streams" key (up to and including the NUL). Each
// stream's versions are inserted in order, so RocksDB can keep one insert
// hint per stream and skip most of the skiplist search.
class StreamPrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "jalon.StreamPrefix"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    const void* nul = std::memchr(key.data(), '\0', key.size());
    return rocksdb::Slice(
        key.data(), nul == nullptr ? key.size() : static_cast<const char*>(nul) - key.data() + 1);
  }
  bool InDomain(const rocksdb::Slice& /*key*/) const override { return true; }
};

std::string EncodeHead(const LogHead& h) {
  std::string v;
  coding::PutFixed64(&v, h.position);
  v.append(AsBytes(h.hash));
  coding::PutFixed64(&v, static_cast<uint64_t>(ToMicros(h.recorded_at)));
  return v;
}

bool DecodeHead(std::string_view v, LogHead* h) {
  uint64_t rec = 0;
  if (!coding::GetFixed64(&v, &h->position) || !coding::GetBytes(&v, 32, h->hash.data()) ||
      !coding::GetFixed64(&v, &rec) || !v.empty()) {
    return false;
  }
  h->recorded_at = FromMicros(static_cast<int64_t>(rec));
  return true;
}

std::string EncodeCommand(const AppendResult& r) {
  std::string v;
  const bool hashed = !r.request_hash.empty();
  v.push_back(
      static_cast<char>(hashed ? lf::kCommandRecordHashedFormat : lf::kCommandRecordFormat));
  coding::PutLengthPrefixed(&v, r.stream);
  coding::PutFixed64(&v, r.first_position);
  coding::PutFixed32(&v, r.count);
  coding::PutFixed64(&v, r.first_version);
  if (hashed) v += r.request_hash;
  return v;
}

bool DecodeCommand(std::string_view v, AppendResult* r) {
  if (v.empty()) return false;
  const uint8_t format = static_cast<uint8_t>(v[0]);
  if (format != lf::kCommandRecordFormat && format != lf::kCommandRecordHashedFormat) return false;
  v.remove_prefix(1);
  std::string_view stream;
  if (!coding::GetLengthPrefixed(&v, &stream) || !coding::GetFixed64(&v, &r->first_position) ||
      !coding::GetFixed32(&v, &r->count) || !coding::GetFixed64(&v, &r->first_version)) {
    return false;
  }
  if (format == lf::kCommandRecordHashedFormat) {
    if (v.size() != lf::kCommandRequestHashBytes) return false;
    r->request_hash.assign(v);
  } else if (!v.empty()) {
    return false;
  }
  r->stream.assign(stream);
  return true;
}

std::string PositionCorruption(uint64_t position, std::string_view why) {
  return "position " + std::to_string(position) + ": " + std::string(why);
}

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

EventLog::EventLog(std::string dir, EventLogOptions options)
    : dir_(std::move(dir)), options_(options) {}

namespace {

bool OnReadOnlyFilesystem(const std::string& dir) {
  struct statvfs fs;
  return ::statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
}

}  // namespace

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, EventLogOptions options) {
  if (options.clock == nullptr) return Status::InvalidArgument("EventLogOptions.clock is required");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IOError("cannot create data directory " + dir + ": " + ec.message());
  std::unique_ptr<EventLog> log(new EventLog(dir, options));
  JALON_RETURN_IF_ERROR(log->OpenDb());
  JALON_RETURN_IF_ERROR(log->LoadHead());
  log->seal_head_ = log->Head();
  log->sealer_ = std::thread([raw = log.get()] { raw->SealLoop(); });
  log->writer_ = std::thread([raw = log.get()] { raw->WriterLoop(); });
  log->completer_ = std::thread([raw = log.get()] { raw->CompletionLoop(); });
  return log;
}

Status EventLog::OpenDb() {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  // All families' memtables share one budget: each family's own 64 MiB
  // (twice, while one flushes) let a burst of appends, such as the
  // scheduler's first pass over a city, hold over 100 MiB in memtables.
  // The events family fills it; the others are small. 64 and 32 MiB gave
  // the same append rates (jalon-bench append, 64 clients, A/B/C three
  // times, 2026-11-29): the smaller one leaves the memory to the plans.
  db_options.db_write_buffer_size = 32 << 20;
  // One writer thread: concurrent memtable writes buy nothing, and the
  // hash memtable of "commands" (below) needs them off.
  db_options.allow_concurrent_memtable_write = false;
  // Point lookups on command ids and stream heads: keep a bloom filter.
  rocksdb::BlockBasedTableOptions lookup_table;
  lookup_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions lookup_cf;
  lookup_cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(lookup_table));
  // Most command-id lookups miss (a new command): a memtable bloom filter
  // answers those without walking the skiplist.
  lookup_cf.memtable_whole_key_filtering = true;
  lookup_cf.memtable_prefix_bloom_size_ratio = 0.05;
  rocksdb::ColumnFamilyOptions plain_cf;
  // Command ids are random (UUIDs): in a skiplist memtable each insert is a
  // full search, which halved append throughput. A hash-bucketed memtable
  // makes it O(1); the "commands" family is only ever read by Get, never
  // iterated, so it needs no total order in memory.
  rocksdb::ColumnFamilyOptions commands_cf = lookup_cf;
  commands_cf.prefix_extractor.reset(rocksdb::NewCappedPrefixTransform(16));
  commands_cf.memtable_factory.reset(rocksdb::NewHashLinkListRepFactory(1 << 16));
  rocksdb::ColumnFamilyOptions streams_cf = lookup_cf;
  streams_cf.memtable_whole_key_filtering = false;  // read by seeks, not by Get
  streams_cf.memtable_prefix_bloom_size_ratio = 0;
  streams_cf.memtable_insert_with_hint_prefix_extractor = std::make_shared<StreamPrefix>();

  std::vector<rocksdb::ColumnFamilyDescriptor> cfs = {
      {rocksdb::kDefaultColumnFamilyName, plain_cf}, {std::string(lf::kEventsCf), plain_cf},
      {std::string(lf::kStreamsCf), streams_cf},     {std::string(lf::kCommandsCf), commands_cf},
      {std::string(lf::kSnapshotsCf), plain_cf},
  };
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  read_only_ = OnReadOnlyFilesystem(dir_);
  rocksdb::Status s = read_only_
                          ? rocksdb::DB::OpenForReadOnly(db_options, dir_, cfs, &handles, &db_)
                          : rocksdb::DB::Open(db_options, dir_, cfs, &handles, &db_);
  if (!s.ok() && read_only_) {
    return Status::IOError("data directory " + dir_ +
                           " is on a read-only filesystem and holds no readable log (" +
                           s.ToString() + ")");
  }
  if (!s.ok()) {
    const std::string text = s.ToString();
    if (text.find("lock") != std::string::npos || text.find("LOCK") != std::string::npos) {
      std::ifstream pid_in(fs::path(dir_) / kPidFile);
      std::string pid;
      pid_in >> pid;
      return Status::Unavailable(
          "data directory " + dir_ + " is locked by another process" +
          (pid.empty() ? std::string() : " (pid " + pid + ", probably jalond)") +
          "; stop it first, or talk to the daemon with --url");
    }
    return FromRocks(s, "opening " + dir_);
  }
  default_cf_ = handles[0];
  events_cf_ = handles[1];
  streams_cf_ = handles[2];
  commands_cf_ = handles[3];
  snapshots_cf_ = handles[4];

  std::string format;
  s = db_->Get(rocksdb::ReadOptions(), default_cf_, lf::kMetaFormatKey, &format);
  if (s.IsNotFound() && read_only_) {
    return Status::Corruption("data directory " + dir_ + " has no format marker");
  } else if (s.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    JALON_RETURN_IF_ERROR(
        FromRocks(db_->Put(wo, default_cf_, lf::kMetaFormatKey, lf::kLogFormatName),
                  "writing format marker"));
  } else if (!s.ok()) {
    return FromRocks(s, "reading format marker");
  } else if (format != lf::kLogFormatName) {
    return Status::Corruption("data directory " + dir_ + " holds format '" + format +
                              "', this build reads " + std::string(lf::kLogFormatName));
  }

  if (read_only_) return Status::Ok();  // no lock and no pid file: nothing can be written
  std::ofstream pid_out(fs::path(dir_) / kPidFile, std::ios::trunc);
  pid_out << ::getpid() << "\n";
  owns_pid_file_ = static_cast<bool>(pid_out);
  return Status::Ok();
}

// Loads meta/head and checks it against the last stored event. A mismatch
// means the log was damaged outside of Jalon: refuse writes, keep reads.
Status EventLog::LoadHead() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), default_cf_, lf::kMetaHeadKey, &value);
  LogHead head;
  Status health;
  if (s.ok()) {
    if (!DecodeHead(value, &head)) health = Status::Corruption("meta/head record is malformed");
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading meta/head");
  }

  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), events_cf_));
  it->SeekToLast();
  JALON_RETURN_IF_ERROR(FromRocks(it->status(), "reading the last event"));
  if (health.ok()) {
    if (!it->Valid()) {
      if (head.position != 0) {
        health = Status::Corruption(PositionCorruption(
            1,
            "missing: the head says " + std::to_string(head.position) + " but the log is empty"));
      }
    } else {
      const uint64_t last = it->key().size() == 8 ? coding::DecodeBigEndian64(it->key().data()) : 0;
      Event e;
      Status d = DecodeRecord(std::string_view(it->value().data(), it->value().size()), &e);
      if (last != head.position) {
        health = Status::Corruption(PositionCorruption(
            std::min(last, head.position) + 1, "the head says " + std::to_string(head.position) +
                                                   " but the last stored event is " +
                                                   std::to_string(last)));
      } else if (!d.ok() || e.hash != head.hash) {
        health = Status::Corruption(
            PositionCorruption(last, "the last event does not match the head hash"));
      }
    }
  }
  if (!health.ok() && !options_.allow_damaged) {
    return health.WithContext(
        "the log in " + dir_ +
        " is damaged; run `jalon verify --data DIR` and restore from a backup");
  }
  if (health.ok() && read_only_) {
    health = Status::Unavailable("the data directory " + dir_ +
                                 " is on a read-only filesystem: reads are served, writes are "
                                 "refused; once it is writable again, restart");
  }
  std::lock_guard<std::mutex> lock(head_mu_);
  head_ = head;
  write_health_ = health;
  return Status::Ok();
}

EventLog::~EventLog() {
  // Drain the pipeline stage by stage: every request queued before this
  // point is sealed, written and answered.
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (sealer_.joinable()) sealer_.join();
  {
    std::lock_guard<std::mutex> lock(write_mu_);
    sealer_done_ = true;
  }
  write_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard<std::mutex> lock(completion_mu_);
    completion_stopping_ = true;
  }
  completion_cv_.notify_all();
  if (completer_.joinable()) completer_.join();
  if (db_ != nullptr) {
    for (auto* h : {events_cf_, streams_cf_, commands_cf_, snapshots_cf_, default_cf_}) {
      if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    }
    db_->Close().PermitUncheckedError();
    delete db_;
  }
  if (owns_pid_file_) {
    std::error_code ec;
    fs::remove(fs::path(dir_) / kPidFile, ec);
  }
}

Result<AppendResult> EventLog::Append(AppendRequest request) {
  // The callback owns the promise: set_value still touches the shared state
  // after the waiter wakes, so a promise on this stack could be destroyed
  // under it (a use-after-free seen once under load).
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
  // then. Sparing it takes a futex wake (20 to 30 us on this VM) off the
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

Result<uint64_t> EventLog::CachedStreamVersion(const std::string& stream) {
  auto it = seal_versions_.find(stream);
  if (it != seal_versions_.end()) return it->second;
  // Not in the cache: no batch in flight touches the stream, and the
  // durable version is the one to build on.
  auto v = StreamVersion(stream);
  if (v.ok()) seal_versions_.emplace(stream, *v);
  return v;
}

Result<std::optional<AppendResult>> EventLog::LookupCommand(const std::string& command_id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), commands_cf_, command_id, &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  JALON_RETURN_IF_ERROR(FromRocks(s, "reading command " + command_id));
  AppendResult r;
  if (!DecodeCommand(value, &r))
    return Status::Corruption("command record " + command_id + " is malformed");
  r.replayed = true;
  return std::optional<AppendResult>(std::move(r));
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

size_t EventLog::SealedBytes(const AppendRequest& r) {
  const size_t per_event = 256 + 2 * r.stream.size() + r.actor.size() + r.command_id.size();
  size_t bytes = 128 + r.command_id.size() + r.stream.size();
  for (const NewEvent& e : r.events) bytes += per_event + e.type.size() + e.payload.size();
  return bytes;
}

// Decides each request against the durable log plus every batch sealed
// before it (seal_head_, seal_versions_, inflight_commands_) plus what
// earlier requests of this batch staged, and seals the new events into one
// WriteBatch. Nothing is durable yet: the writer writes it, or refuses it
// if an earlier batch failed.
EventLog::Prepared EventLog::Seal(std::vector<Pending> batch, size_t bytes) {
  Prepared p;
  p.outcome.resize(batch.size());
  p.batch = std::move(batch);
  if (write_epoch_.load() != seal_epoch_) {
    // A write failed: what was sealed on top of it was refused. Wait for
    // the writer to settle, then build on the durable head again.
    next_recovery_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    ResetSealState();
  }
  Status health = StoredHealth();
  if (health.IsUnavailable()) health = TryRecover();
  if (health.ok()) health = DiskReserve();
  p.epoch = seal_epoch_;
  if (!health.ok()) {
    for (auto& o : p.outcome) o = Status::Unavailable("writes are refused: " + health.message());
    return p;
  }

  LogHead staged = seal_head_;
  const Instant recorded_at = std::max(options_.clock->Now(), staged.recorded_at);
  staged.recorded_at = recorded_at;
  std::unordered_map<std::string, uint64_t> staged_versions;
  std::unordered_map<std::string, AppendResult> staged_commands;
  p.writes = TakeWriteBatch(bytes, &p.writes_capacity);
  rocksdb::WriteBatch& wb = *p.writes;
  // Index entries are added to the batch sorted, after the events: the
  // memtable skiplist inserts neighbouring keys much faster than scattered ones.
  std::vector<std::pair<std::string, std::string>> stream_index, command_index;

  for (size_t i = 0; i < p.batch.size(); ++i) {
    AppendRequest& req = p.batch[i].request;
    auto& outcome = p.outcome[i];
    if (!req.command_id.empty()) {
      if (auto it = staged_commands.find(req.command_id); it != staged_commands.end()) {
        AppendResult replay = it->second;
        replay.replayed = true;
        outcome = std::move(replay);
        continue;
      }
      // In flight before durable: a command id leaves inflight_commands_
      // only after its batch is in RocksDB, so one of the two has it.
      std::optional<AppendResult> inflight;
      {
        std::lock_guard<std::mutex> lock(inflight_mu_);
        if (auto it = inflight_commands_.find(req.command_id); it != inflight_commands_.end()) {
          inflight = it->second;
        }
      }
      if (inflight) {
        inflight->replayed = true;
        outcome = std::move(*inflight);
        continue;
      }
      auto found = LookupCommand(req.command_id);
      if (!found.ok()) {
        outcome = found.status();
        continue;
      }
      if (found->has_value()) {
        outcome = **found;
        continue;
      }
    }
    uint64_t current = 0;
    if (auto it = staged_versions.find(req.stream); it != staged_versions.end()) {
      current = it->second;
    } else {
      auto v = CachedStreamVersion(req.stream);
      if (!v.ok()) {
        outcome = v.status();
        continue;
      }
      current = *v;
    }
    if (req.expected_version && *req.expected_version != current) {
      outcome =
          Status::Conflict("stream " + req.stream + " is at version " + std::to_string(current) +
                           ", expected " + std::to_string(*req.expected_version));
      continue;
    }
    AppendResult result;
    result.stream = req.stream;
    result.first_position = staged.position + 1;
    result.first_version = current + 1;
    result.count = static_cast<uint32_t>(req.events.size());
    result.request_hash = req.request_hash;
    std::vector<Event> sealed;
    sealed.reserve(req.events.size());
    for (NewEvent& ne : req.events) {
      Event e;
      e.position = ++staged.position;
      e.stream = req.stream;
      e.version = ++current;
      e.type = std::move(ne.type);
      e.schema_version = ne.schema_version;
      e.recorded_at = recorded_at;
      e.effective_at = ne.effective_at;
      e.actor = req.actor;
      e.command_id = req.command_id;
      e.payload = std::move(ne.payload);
      e.prev_hash = staged.hash;
      const std::string record = SealAndEncode(&e);
      staged.hash = e.hash;
      std::string pos_value;
      coding::PutBigEndian64(&pos_value, e.position);
      wb.Put(events_cf_, lf::EventKey(e.position), record);
      stream_index.emplace_back(lf::StreamKey(e.stream, e.version), std::move(pos_value));
      sealed.push_back(std::move(e));
    }
    staged_versions[req.stream] = current;
    if (!req.command_id.empty()) {
      command_index.emplace_back(req.command_id, EncodeCommand(result));
      staged_commands.emplace(req.command_id, result);
    }
    p.new_events += result.count;
    ++p.new_appends;
    result.events = std::move(sealed);  // after the copies kept for in-batch replays
    outcome = std::move(result);
  }

  if (p.new_events == 0) {
    GiveBackWriteBatch(std::move(p.writes), p.writes_capacity);
    return p;
  }
  std::sort(stream_index.begin(), stream_index.end());
  std::sort(command_index.begin(), command_index.end());
  for (const auto& [k, v] : stream_index) wb.Put(streams_cf_, k, v);
  for (const auto& [k, v] : command_index) wb.Put(commands_cf_, k, v);
  wb.Put(default_cf_, lf::kMetaHeadKey, EncodeHead(staged));
  p.head = staged;
  seal_head_ = staged;
  for (auto& [stream, version] : staged_versions) seal_versions_[stream] = version;
  if (!staged_commands.empty()) {
    std::lock_guard<std::mutex> lock(inflight_mu_);
    for (auto& [id, result] : staged_commands) {
      inflight_commands_.insert_or_assign(id, std::move(result));
    }
  }
  return p;
}

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

LogHead EventLog::Head() const {
  std::lock_guard<std::mutex> lock(head_mu_);
  return head_;
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

bool EventLog::WaitForPosition(uint64_t position, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(head_mu_);
  return head_cv_.wait_for(lock, timeout, [&] { return head_.position >= position; });
}

Result<std::vector<Event>> EventLog::ReadRange(uint64_t from, size_t limit) const {
  std::vector<Event> out;
  if (from == 0) from = 1;
  const uint64_t head = Head().position;
  if (limit == 0 || from > head) return out;
  const uint64_t end = std::min<uint64_t>(head, from + limit - 1);
  out.reserve(end - from + 1);
  Status s = Scan(from, [&](const Event& e) {
    out.push_back(e);
    return e.position < end;
  });
  if (!s.ok()) return s;
  if (out.empty() || out.back().position != end) {
    return Status::Corruption(PositionCorruption(out.empty() ? from : out.back().position + 1,
                                                 "missing: the log ends before its head"));
  }
  return out;
}

Status EventLog::Scan(uint64_t from, const std::function<bool(const Event&)>& fn) const {
  return ScanViews(from, [&fn](const EventView& v) { return fn(v.ToEvent()); });
}

Status EventLog::ScanViews(uint64_t from, const std::function<bool(const EventView&)>& fn,
                           ScanMode mode) const {
  rocksdb::ReadOptions ro;
  if (mode == ScanMode::kBulk) {
    ro.readahead_size = 2 << 20;
    ro.fill_cache = false;
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_cf_));
  uint64_t expected = from == 0 ? 1 : from;
  EventView e;
  for (it->Seek(lf::EventKey(expected)); it->Valid(); it->Next(), ++expected) {
    const rocksdb::Slice key = it->key();
    const uint64_t pos = key.size() == 8 ? coding::DecodeBigEndian64(key.data()) : 0;
    if (pos != expected) {
      return Status::Corruption(PositionCorruption(
          expected, "missing (the next stored event is " + std::to_string(pos) + ")"));
    }
    Status d = DecodeRecordView(std::string_view(it->value().data(), it->value().size()), &e);
    if (!d.ok()) return Status::Corruption(PositionCorruption(pos, d.message()));
    if (e.position != pos) {
      return Status::Corruption(PositionCorruption(
          pos, "the record says position " + std::to_string(e.position) + " (moved or reordered)"));
    }
    if (!fn(e)) return Status::Ok();
  }
  return FromRocks(it->status(), "scanning the event log");
}

Result<std::vector<Event>> EventLog::ReadStream(std::string_view stream, uint64_t from_version,
                                                size_t limit) const {
  std::vector<Event> out;
  JALON_RETURN_IF_ERROR(ScanStream(
      stream, from_version, UINT64_MAX,
      [&](const EventView& e) {
        out.push_back(e.ToEvent());
        return true;
      },
      limit));
  return out;
}

Status EventLog::ScanStream(std::string_view stream, uint64_t from_version, uint64_t max_position,
                            const std::function<bool(const EventView&)>& fn, size_t limit) const {
  // The stream index gives the positions; a sorted MultiGet reads a batch.
  constexpr size_t kBatch = 1000;
  const std::string prefix = lf::StreamPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  uint64_t expected = std::max<uint64_t>(from_version, 1);
  it->Seek(lf::StreamKey(stream, expected));
  std::vector<std::string> keys;
  std::vector<rocksdb::PinnableSlice> values;
  std::vector<rocksdb::Status> statuses;
  EventView e;
  for (bool more = limit > 0; more;) {
    keys.clear();
    const uint64_t first_version = expected;
    const size_t batch = std::min(kBatch, limit);
    for (; it->Valid() && keys.size() < batch; it->Next(), ++expected) {
      const rocksdb::Slice key = it->key();
      if (!key.starts_with(prefix)) break;
      const uint64_t version = coding::DecodeBigEndian64(key.data() + prefix.size());
      if (version != expected || it->value().size() != 8) {
        return Status::Corruption("stream " + std::string(stream) + " version " +
                                  std::to_string(expected) + ": missing from the stream index");
      }
      const uint64_t position = coding::DecodeBigEndian64(it->value().data());
      if (position > max_position) break;
      keys.push_back(lf::EventKey(position));
    }
    JALON_RETURN_IF_ERROR(FromRocks(it->status(), "reading stream"));
    limit -= keys.size();
    more = keys.size() == batch && limit > 0;  // else the index or the positions ended
    if (keys.empty()) break;
    std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
    values.clear();
    values.resize(keys.size());
    statuses.assign(keys.size(), rocksdb::Status());
    db_->MultiGet(rocksdb::ReadOptions(), events_cf_, keys.size(), slices.data(), values.data(),
                  statuses.data(), /*sorted_input=*/true);
    for (size_t i = 0; i < keys.size(); ++i) {
      const uint64_t position = coding::DecodeBigEndian64(keys[i].data());
      if (!statuses[i].ok()) {
        return Status::Corruption(
            PositionCorruption(position, "indexed but not readable: " + statuses[i].ToString()));
      }
      Status d = DecodeRecordView(std::string_view(values[i].data(), values[i].size()), &e);
      if (!d.ok()) return Status::Corruption(PositionCorruption(position, d.message()));
      if (e.stream != stream || e.version != first_version + i || e.position != position) {
        return Status::Corruption(PositionCorruption(position, "does not match the stream index"));
      }
      if (!fn(e)) return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<uint64_t> EventLog::StreamVersion(std::string_view stream) const {
  const std::string prefix = lf::StreamPrefix(stream);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams_cf_));
  it->SeekForPrev(lf::StreamKey(stream, UINT64_MAX));
  JALON_RETURN_IF_ERROR(FromRocks(it->status(), "reading stream version"));
  if (!it->Valid() || !it->key().starts_with(prefix) || it->key().size() != prefix.size() + 8) {
    return uint64_t{0};
  }
  return coding::DecodeBigEndian64(it->key().data() + prefix.size());
}

Result<uint64_t> EventLog::FirstPositionAtOrAfter(Instant t) const {
  uint64_t lo = 1, hi = Head().position + 1;  // answer in [lo, hi]
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    std::string record;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), events_cf_, lf::EventKey(mid), &record);
    if (!s.ok()) return Status::Corruption(PositionCorruption(mid, "missing: " + s.ToString()));
    Event e;
    Status d = DecodeRecord(record, &e);
    if (!d.ok()) return Status::Corruption(PositionCorruption(mid, d.message()));
    if (e.recorded_at >= t) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

namespace {

// What one slice of a parallel verify found. Within the slice every record's
// hash and its link to the previous record are checked; the links between
// slices are stitched afterwards.
struct SliceCheck {
  uint64_t from = 0, to = 0;  // inclusive range of positions
  bool ok = true;
  uint64_t first_bad = 0;
  std::string reason;
  bool saw_first = false;
  Hash first_prev{};
  Instant first_recorded{};
  uint64_t last_good_position = 0;  // from - 1 until a record passes
  Hash last_good_hash{};
  Instant last_recorded{};
  uint64_t checked = 0;
};

}  // namespace

VerifyReport EventLog::Verify(uint64_t from, const Hash& prev,
                              const std::function<void(uint64_t, uint64_t)>& progress,
                              uint64_t progress_every) const {
  if (from == 0) from = 1;
  // The chain is checked up to the head as it stands now. Appends made while
  // the check runs (jalond serving GET /v1/verify) are after it, and are not
  // mistaken for damage.
  const LogHead start_head = Head();
  const uint64_t stored_head = start_head.position;
  // Slices of at least 64k events, one per core.
  const uint64_t span = stored_head >= from ? stored_head - from + 1 : 0;
  const uint64_t cores = std::max(1u, std::thread::hardware_concurrency());
  const uint64_t slices = std::clamp<uint64_t>(span / 65536, 1, cores);
  std::vector<SliceCheck> checks(slices);
  std::atomic<uint64_t> total_checked{0};
  std::mutex progress_mu;
  for (uint64_t k = 0; k < slices; ++k) {
    checks[k].from = from + k * (span / slices);
    checks[k].to =
        k + 1 == slices ? std::max(stored_head, from) : from + (k + 1) * (span / slices) - 1;
    checks[k].last_good_position = checks[k].from - 1;
  }
  auto run_slice = [&](SliceCheck& c) {
    auto fail = [&c](uint64_t position, std::string why) {
      c.ok = false;
      c.first_bad = position;
      c.reason = std::move(why);
      return false;
    };
    Status s = ScanViews(
        c.from,
        [&](const EventView& e) {
          // Past the head of the moment: appended while we check (or damage,
          // which the check after the slices tells apart).
          if (e.position > stored_head) return false;
          if (!c.saw_first) {
            c.saw_first = true;
            c.first_prev = e.prev_hash;
            c.first_recorded = e.recorded_at;
          } else if (e.prev_hash != c.last_good_hash) {
            return fail(e.position, "prev_hash does not match the hash of position " +
                                        std::to_string(e.position - 1));
          } else if (e.recorded_at < c.last_recorded) {
            return fail(e.position, "recorded_at goes backwards");
          }
          if (ChainHash(e.prev_hash, e.canonical) != e.hash) {
            return fail(e.position, "hash mismatch: the record was altered");
          }
          c.last_good_position = e.position;
          c.last_good_hash = e.hash;
          c.last_recorded = e.recorded_at;
          ++c.checked;
          const uint64_t done = total_checked.fetch_add(1, std::memory_order_relaxed) + 1;
          if (progress && done % progress_every == 0) {
            std::lock_guard<std::mutex> lock(progress_mu);
            progress(done, stored_head);
          }
          return e.position < c.to;
        },
        ScanMode::kBulk);
    if (!s.ok() && c.ok) {
      // Scan names the position: "position N: why".
      fail(c.last_good_position + 1, s.message());
    } else if (c.ok && c.to <= stored_head && c.last_good_position != c.to) {
      fail(c.last_good_position + 1, "missing: the log ends inside the range it should hold");
    }
  };
  std::vector<std::thread> workers;
  for (uint64_t k = 1; k < slices; ++k) workers.emplace_back(run_slice, std::ref(checks[k]));
  run_slice(checks[0]);
  for (auto& w : workers) w.join();

  // Stitch the slices in order; the first failure, by position, wins.
  VerifyReport report;
  report.head_position = from - 1;
  report.head_hash = prev;
  Instant last_recorded{};
  for (const SliceCheck& c : checks) {
    if (c.saw_first && c.first_prev != report.head_hash) {
      report.ok = false;
      report.first_bad_position = c.from;
      report.reason = "prev_hash does not match the hash of position " + std::to_string(c.from - 1);
      break;
    }
    if (c.saw_first && c.first_recorded < last_recorded) {
      report.ok = false;
      report.first_bad_position = c.from;
      report.reason = "recorded_at goes backwards";
      break;
    }
    report.events_checked += c.checked;
    if (c.checked > 0) {
      report.head_position = c.last_good_position;
      report.head_hash = c.last_good_hash;
      last_recorded = c.last_recorded;
    }
    if (!c.ok) {
      report.ok = false;
      report.first_bad_position = c.first_bad;
      report.reason = c.reason;
      break;
    }
  }
  if (report.ok && report.head_position == stored_head) {
    // Events past the head are damage only if the stored head does not
    // cover them. Head and events are written in one batch, so one snapshot
    // sees both as of the same append: appends made meanwhile are no alarm.
    const rocksdb::Snapshot* snap = db_->GetSnapshot();
    rocksdb::ReadOptions ro;
    ro.snapshot = snap;
    std::string value;
    LogHead snapped;
    const rocksdb::Status hs = db_->Get(ro, default_cf_, lf::kMetaHeadKey, &value);
    const bool head_read = hs.ok() ? DecodeHead(value, &snapped) : hs.IsNotFound();
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_cf_));
    it->Seek(lf::EventKey(std::max(snapped.position, stored_head) + 1));
    const bool beyond = head_read && it->Valid();
    const bool scan_failed = !it->status().ok();
    it.reset();
    db_->ReleaseSnapshot(snap);
    if (beyond || scan_failed || !head_read) {
      report.ok = false;
      report.first_bad_position = std::max(snapped.position, stored_head) + 1;
      report.reason = !head_read ? "meta/head cannot be read"
                                 : "the head says " + std::to_string(snapped.position) +
                                       " but the chain goes on past it";
    }
  }
  if (report.ok) {
    const LogHead& head = start_head;
    if (head.position != report.head_position) {
      report.ok = false;
      report.first_bad_position = std::min(head.position, report.head_position) + 1;
      report.reason = "the head says " + std::to_string(head.position) + " but the chain ends at " +
                      std::to_string(report.head_position);
    } else if (head.position > 0 && head.hash != report.head_hash) {
      report.ok = false;
      report.first_bad_position = head.position;
      report.reason = "the head hash does not match the last event";
    }
  }
  if (progress) progress(report.head_position, stored_head);
  return report;
}

}  // namespace jalon
