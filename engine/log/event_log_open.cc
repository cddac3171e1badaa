// EventLog: opening (RocksDB options, recovery of the write-ahead log,
// read-only and damaged opens, the head witness) and closing.
#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/log/event_log.h"
#include "engine/log/format.h"
#include "engine/log/log_errors.h"
#include "engine/log/log_records.h"
#include "engine/util/coding.h"

namespace jalon {

namespace fs = std::filesystem;
namespace lf = log_format;

namespace {

constexpr std::string_view kPidFile = "jalon.pid";

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

bool OnReadOnlyFilesystem(const std::string& dir) {
  struct statvfs fs;
  return ::statvfs(dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
}

// RocksDB's info log for a read-only open: nothing is written into the
// directory (the default would rotate its LOG file), and what recovery says
// of a damaged write-ahead log is kept: "<dir>/000012.log: dropping 3126
// bytes; Corruption: checksum mismatch" names the file and how much.
class RecoveryLogger final : public rocksdb::Logger {
 public:
  RecoveryLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char buf[1024];
    std::vsnprintf(buf, sizeof buf, format, ap);
    std::string_view line(buf);
    const size_t dropping = line.find(": dropping ");
    if (dropping == std::string_view::npos) return;
    // From the file name on: the "[WARN] [db/...cc:123] " prefix says nothing
    // to an operator.
    const size_t bracket = line.rfind("] ", dropping);
    if (bracket != std::string_view::npos) line.remove_prefix(bracket + 2);
    std::lock_guard<std::mutex> lock(mu_);
    if (lines_.size() < 8) lines_.emplace_back(line);
  }
  std::string Lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out;
    for (const std::string& l : lines_) out += (out.empty() ? "" : "; ") + l;
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// The pid of the process holding RocksDB's lock on `dir` (0: none), asked
// without taking the lock: a read-only open must not race a running writer,
// whose witness and write-ahead log move under it. REQUIRES: this process
// does not hold the lock itself (closing any descriptor of the file would
// release a POSIX lock held by the process).
pid_t LockHolder(const std::string& dir) {
  const std::string path = (fs::path(dir) / "LOCK").string();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  const int rc = ::fcntl(fd, F_GETLK, &probe);
  ::close(fd);
  return rc == 0 && probe.l_type != F_UNLCK ? probe.l_pid : 0;
}

std::string LossAdvice(const std::string& dir) {
  return "run `jalon verify --data " + dir +
         "` to see it; then restore the latest good backup (`jalon restore`), or, to go on from "
         "the last intact event and record what was lost in the log, `jalon repair --data " +
         dir + " --accept-loss`";
}

}  // namespace

EventLog::EventLog(std::string dir, EventLogOptions options)
    : dir_(std::move(dir)), options_(options) {}

Result<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir, EventLogOptions options) {
  if (options.clock == nullptr) return Status::InvalidArgument("EventLogOptions.clock is required");
  std::error_code ec;
  if (options.read_only) {
    if (!fs::is_directory(dir, ec))
      return Status::NotFound("data directory " + dir + ": not found");
  } else {
    fs::create_directories(dir, ec);
    if (ec) return Status::IOError("cannot create data directory " + dir + ": " + ec.message());
  }
  std::unique_ptr<EventLog> log(new EventLog(dir, options));
  JALON_RETURN_IF_ERROR(log->OpenDb());
  JALON_RETURN_IF_ERROR(log->LoadHead());
  JALON_RETURN_IF_ERROR(log->CheckWitness());
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
  // The events family fills it; the others are small. A larger budget
  // does not append faster (jalon-bench append), so the memory is left to
  // the plans.
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
  // full search, costly enough to halve append throughput. A hash-bucketed
  // memtable makes it O(1); the "commands" family is only ever read by Get,
  // never iterated, so it needs no total order in memory.
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
  read_only_ = options_.read_only || OnReadOnlyFilesystem(dir_);
  // A write-ahead log is replayed whole or not at all: the default
  // (point-in-time recovery) stops at the first bad record and opens without
  // what follows, silently. A torn last record, the one a crash leaves
  // behind and that was never acknowledged, is still tolerated.
  db_options.paranoid_checks = true;
  db_options.wal_recovery_mode = options_.accept_loss
                                     ? rocksdb::WALRecoveryMode::kPointInTimeRecovery
                                     : rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  auto recovery_log = std::make_shared<RecoveryLogger>();
  // The repair keeps what recovery cuts, to record it.
  if (read_only_ || options_.accept_loss) db_options.info_log = recovery_log;
  if (options_.read_only) {
    if (const pid_t holder = LockHolder(dir_); holder != 0) {
      return Status::Unavailable(
          "data directory " + dir_ + " is locked by another process (pid " +
          std::to_string(holder) +
          ", probably jalond); stop it first, or talk to the daemon with --url");
    }
  }
  rocksdb::Status s = read_only_
                          ? rocksdb::DB::OpenForReadOnly(db_options, dir_, cfs, &handles, &db_)
                          : rocksdb::DB::Open(db_options, dir_, cfs, &handles, &db_);
  if (options_.accept_loss) wal_cut_ = recovery_log->Lines();
  if (s.IsCorruption() && !options_.accept_loss) {
    // Read what precedes the damage, without changing anything: to say what
    // was found and where, and to serve those reads (allow_damaged).
    const std::string refused = s.ToString();
    rocksdb::Options salvage = db_options;
    salvage.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    recovery_log = std::make_shared<RecoveryLogger>();
    salvage.info_log = recovery_log;
    handles.clear();
    db_ = nullptr;
    rocksdb::Status ro = rocksdb::DB::OpenForReadOnly(salvage, dir_, cfs, &handles, &db_);
    const std::string dropped = recovery_log->Lines();
    if (ro.ok() && !dropped.empty()) {
      wal_damage_ = dropped;
    } else if (ro.ok()) {
      wal_damage_ = refused;
    }
    if (!ro.ok() || !options_.allow_damaged) {
      if (ro.ok()) {
        for (auto* h : handles) db_->DestroyColumnFamilyHandle(h);
        handles.clear();
        db_->Close().PermitUncheckedError();
      }
      delete db_;
      db_ = nullptr;
      return Status::Corruption(
          "the log in " + dir_ + " cannot be recovered whole: " +
          (wal_damage_.empty() ? refused : "its write-ahead log is damaged (" + wal_damage_ + ")") +
          "; " + LossAdvice(dir_));
    }
    read_only_ = true;
    s = ro;
  }
  if (!s.ok() && read_only_) {
    if (s.IsCorruption()) return FromRocks(s, "opening " + dir_);
    return Status::IOError("data directory " + dir_ +
                           (options_.read_only ? "" : " is on a read-only filesystem and") +
                           " holds no readable log (" + s.ToString() + ")");
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
  if (s.IsNotFound() && !options_.accept_loss) {
    // No log at all, yet a witness of one: its files were deleted or lost
    // (a write-ahead log never flushed holds everything, the marker too).
    auto w = HeadWitness::Read(dir_);
    if (w.ok() && w->has_value() && (*w)->position > 0) {
      return Status::Corruption(
          "the data directory " + dir_ + " holds no log, but its head witness records position " +
          std::to_string((*w)->position) +
          " as acknowledged: the log's files are missing or damaged" +
          (wal_damage_.empty() ? std::string() : " (its write-ahead log: " + wal_damage_ + ")") +
          "; " + LossAdvice(dir_));
    }
  }
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
    if (!lf::DecodeHead(value, &head)) health = Status::Corruption("meta/head record is malformed");
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
  if (!wal_damage_.empty()) {
    // Opened read-only up to the first bad record: the head is where the
    // readable part ends, and the witness check says how much is missing.
    health = Status::Corruption("the write-ahead log is damaged (" + wal_damage_ +
                                "); what precedes the damage is readable, up to position " +
                                std::to_string(head.position) + (health.ok() ? "" : "; ") +
                                (health.ok() ? std::string() : health.message()));
  }
  if (!health.ok() && !options_.allow_damaged) {
    return health.WithContext(
        "the log in " + dir_ +
        " is damaged; run `jalon verify --data DIR` and restore from a backup");
  }
  if (health.IsCorruption()) damage_ = health;
  if (health.ok() && options_.read_only) {
    health = Status::Unavailable("the log in " + dir_ + " was opened read-only to be checked");
  } else if (health.ok() && read_only_) {
    health = Status::Unavailable("the data directory " + dir_ +
                                 " is on a read-only filesystem: reads are served, writes are "
                                 "refused; once it is writable again, restart");
  }
  std::lock_guard<std::mutex> lock(head_mu_);
  head_ = head;
  write_health_ = health;
  return Status::Ok();
}

Status EventLog::CheckWitness() {
  const LogHead head = Head();
  auto read = HeadWitness::Read(dir_);
  Status found;
  if (!read.ok()) {
    found = Status::Corruption("head witness: " + read.status().message());
  } else if (read->has_value()) {
    witness_at_open_ = **read;
    const WitnessRecord& w = **read;
    if (w.position > head.position) {
      found = Status::Corruption(
          "the log ends at position " + std::to_string(head.position) + " but its head witness (" +
          HeadWitness::PathIn(dir_) + ") records position " + std::to_string(w.position) +
          " as acknowledged: " + std::to_string(w.position - head.position) +
          " acknowledged event(s) are missing, positions " + std::to_string(head.position + 1) +
          " to " + std::to_string(w.position));
    } else if (w.position > 0) {
      std::string record;
      Event e;
      rocksdb::Status s =
          db_->Get(rocksdb::ReadOptions(), events_cf_, lf::EventKey(w.position), &record);
      if (!s.ok() || !DecodeRecord(record, &e).ok() || e.hash != w.hash) {
        found = Status::Corruption(PositionCorruption(
            w.position,
            "does not match the hash its head witness records: the log's history differs from "
            "what was acknowledged"));
      }
    }
  }
  if (options_.accept_loss) {
    // The repair records the loss, then its append moves the witness on.
    if (!found.ok()) {
      damage_ =
          damage_.ok() ? found : Status::Corruption(damage_.message() + "; " + found.message());
    }
    if (!read_only_) {
      auto w = HeadWitness::Open(dir_);
      if (!w.ok()) return w.status();
      witness_ = std::move(w).value();
    }
    return Status::Ok();
  }
  if (!found.ok()) {
    if (!options_.allow_damaged) {
      return found.WithContext("the log in " + dir_ + " is damaged; " + LossAdvice(dir_));
    }
    damage_ = damage_.ok() ? found : Status::Corruption(damage_.message() + "; " + found.message());
    std::lock_guard<std::mutex> lock(head_mu_);
    write_health_ = damage_;
  }
  if (read_only_ || !damage_.ok()) return Status::Ok();  // the witness is left as evidence
  auto w = HeadWitness::Open(dir_);
  if (!w.ok()) return w.status();
  witness_ = std::move(w).value();
  if (!witness_at_open_ || witness_at_open_->position != head.position ||
      witness_at_open_->hash != head.hash) {
    // A new directory, one restored from a backup, or a crash between a
    // synced batch and its witness record.
    JALON_RETURN_IF_ERROR(witness_->RecordAndSync(head.position, head.hash));
  }
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
  witness_.reset();  // syncs the last head recorded
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

}  // namespace jalon
