#include "engine/log/backup.h"

#include <fcntl.h>
#include <rocksdb/utilities/checkpoint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "engine/util/json_parse.h"
#include "engine/util/sha256.h"

namespace jalon {
namespace {

namespace fs = std::filesystem;
constexpr const char* kInfoFile = "BACKUP.json";
constexpr const char* kFormat = "jalon.backup/1";

Status SyncPath(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY);
  if (fd < 0) return Status::IOError("cannot open " + path.string() + " to sync it");
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : Status::IOError("cannot sync " + path.string());
}

// Syncs every file of `dir`, then `dir` itself: what a rename publishes must
// be on disk first.
Status SyncTree(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) JALON_RETURN_IF_ERROR(SyncPath(entry.path(), false));
  }
  if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
  return SyncPath(dir, true);
}

// Replaces each file of `dir` that has other hard links by a copy of it.
Status Unlink(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || fs::hard_link_count(entry.path(), ec) <= 1) continue;
    const fs::path copy = entry.path().string() + ".copy";
    fs::copy_file(entry.path(), copy, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(copy, entry.path(), ec);
    if (ec) return Status::IOError("cannot copy " + entry.path().string() + ": " + ec.message());
  }
  if (ec) return Status::IOError("cannot list " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

uint64_t TreeBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file()) bytes += entry.file_size(ec);
  }
  return bytes;
}

// A path that must not exist yet, with its parent present, and no leftover
// ".partial" from an interrupted run.
Status CheckFreshTarget(const fs::path& target, const char* what) {
  // A ".." could lead anywhere the operator did not name (and a path that
  // is built by a caller should not climb out of where it was meant to be).
  for (const fs::path& part : target) {
    if (part == "..")
      return Status::InvalidArgument(std::string(what) + ": " + target.string() +
                                     " contains '..'; give the path without it");
  }
  std::error_code ec;
  if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec)))
    return Status::AlreadyExists(std::string(what) + ": " + target.string() +
                                 " already exists and is not empty");
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec))
    return Status::InvalidArgument(std::string(what) + ": " + parent.string() +
                                   " is not a directory");
  const fs::path partial = target.string() + ".partial";
  if (fs::exists(partial, ec))
    return Status::AlreadyExists(std::string(what) + ": " + partial.string() +
                                 " is left from an interrupted run; remove it first");
  return Status::Ok();
}

// Opens the log in `dir`, verifies it all, and returns its head.
Result<VerifyReport> VerifyDir(const std::string& dir,
                               const std::function<void(uint64_t, uint64_t)>& progress) {
  SystemClock clock;
  EventLogOptions options;
  options.clock = &clock;
  options.allow_damaged = true;  // so that the damage is reported, not just refused
  auto log = EventLog::Open(dir, options);
  if (!log.ok()) return log.status();
  VerifyReport report = (*log)->Verify(1, Hash{}, progress);
  if (!report.ok)
    return Status::Corruption("the log in " + dir + " is damaged at position " +
                              std::to_string(report.first_bad_position) + ": " + report.reason);
  return report;
}

Status WriteInfo(const fs::path& dir, const BackupInfo& info) {
  const fs::path path = dir / kInfoFile;
  {
    std::ofstream out(path, std::ios::trunc);
    out << info.ToJson().dump(2) << "\n";
    if (!out) return Status::IOError("cannot write " + path.string());
  }
  return SyncPath(path, false);
}

// About how many bytes a checkpoint of the log in `dir` takes: its files but
// RocksDB's own text logs and the lock files. The memtables that the
// checkpoint flushes are in the write-ahead log, which is counted.
uint64_t LogBytes(const fs::path& dir) {
  uint64_t bytes = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file(ec) || name.starts_with("LOG") || name == "LOCK" ||
        name == "jalon.pid")
      continue;
    bytes += entry.file_size(ec);
  }
  return bytes;
}

std::string Mib(uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

// Refuses a backup that would not fit, or that would eat into the reserve
// the log keeps on its filesystem (storage.min_free_mb): appends are
// refused below it, and RocksDB must never be the one to find its disk
// full. Checked before anything is written.
Status CheckBackupSpace(const EventLog& log, const fs::path& parent) {
  struct statvfs target_fs;
  struct stat target_dev, log_dev;
  if (::statvfs(parent.c_str(), &target_fs) != 0 || ::stat(parent.c_str(), &target_dev) != 0 ||
      ::stat(log.dir().c_str(), &log_dev) != 0)
    return Status::Ok();  // the copy will tell
  const uint64_t free_bytes = static_cast<uint64_t>(target_fs.f_bavail) * target_fs.f_frsize;
  const uint64_t needed = LogBytes(log.dir());
  const bool shared = target_dev.st_dev == log_dev.st_dev;
  const uint64_t reserve = shared ? log.min_free_bytes() : 0;
  if (free_bytes >= reserve && free_bytes - reserve >= needed) return Status::Ok();
  std::string why = "backup: needs about " + Mib(needed) + " on the filesystem of " +
                    parent.string() + ", which has " + Mib(free_bytes) + " free";
  if (shared) {
    why += ", of which " + Mib(reserve) +
           " are kept in reserve for the log's appends (storage.min_free_mb)";
  }
  return Status::Unavailable(why + "; free space, or back up to another disk");
}

}  // namespace

nlohmann::json BackupInfo::ToJson() const {
  return {{"format", kFormat},
          {"dir", dir},
          {"head_position", head_position},
          {"head_hash", ToHex(head_hash)},
          {"created_at", FormatInstant(created_at)},
          {"bytes", bytes}};
}

Result<BackupInfo> CreateBackup(const EventLog& log, const std::string& to, const Clock& clock) {
  const fs::path target = fs::absolute(to);
  JALON_RETURN_IF_ERROR(CheckFreshTarget(target, "--to"));
  JALON_RETURN_IF_ERROR(CheckBackupSpace(log, target.parent_path()));
  std::error_code ec;
  if (fs::exists(target, ec)) fs::remove(target, ec);  // an empty directory
  const fs::path partial = target.string() + ".partial";

  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(log.db(), &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: flush the memtables first, so the checkpoint
  // needs no write-ahead log to replay.
  if (s.ok()) s = checkpoint->CreateCheckpoint(partial.string(), 0);
  if (!s.ok()) {
    fs::remove_all(partial, ec);
    return Status::IOError("backup: cannot create a checkpoint in " + partial.string() + ": " +
                           s.ToString());
  }
  // RocksDB hard-links the live files when it can. A backup must not share
  // an inode with the database it protects (damage to one would be damage to
  // both), so every shared file is copied.
  if (Status copied = Unlink(partial); !copied.ok()) {
    fs::remove_all(partial, ec);
    return copied.WithContext("backup");
  }
  // The head is read back from the checkpoint, which a full verify checks.
  auto report = VerifyDir(partial.string(), {});
  if (!report.ok()) {
    fs::remove_all(partial, ec);
    return report.status().WithContext("backup");
  }
  fs::remove(partial / "jalon.pid", ec);  // left by the verify's open
  BackupInfo info;
  info.dir = target.string();
  info.head_position = report->head_position;
  info.head_hash = report->head_hash;
  info.created_at = clock.Now();
  info.bytes = TreeBytes(partial);
  Status written = WriteInfo(partial, info);
  if (written.ok()) written = SyncTree(partial);
  if (written.ok()) {
    fs::rename(partial, target, ec);
    if (ec) written = Status::IOError("backup: cannot rename into " + target.string());
  }
  if (written.ok()) written = SyncPath(target.parent_path(), true);
  if (!written.ok()) {
    fs::remove_all(partial, ec);
    return written;
  }
  return info;
}

Result<BackupInfo> ReadBackup(const std::string& from) {
  const fs::path path = fs::path(from) / kInfoFile;
  std::ifstream in(path);
  if (!in) return Status::NotFound("restore: " + from + " is not a Jalon backup (no BACKUP.json)");
  std::stringstream text;
  text << in.rdbuf();
  const auto parsed = ParseJson(text.str(), path.string());
  const nlohmann::json j = parsed.ok() ? *parsed : nlohmann::json();
  Hash hash{};
  if (!parsed.ok() || !j.is_object() || j.value("format", "") != kFormat ||
      !j.contains("head_position") || !j["head_position"].is_number_unsigned() ||
      !j.contains("head_hash") || !j["head_hash"].is_string() ||
      !FromHex(j["head_hash"].get<std::string>(), &hash))
    return Status::InvalidArgument("restore: " + path.string() + " is not a valid " + kFormat +
                                   " file");
  BackupInfo info;
  info.dir = fs::absolute(from).string();
  info.head_position = j["head_position"].get<uint64_t>();
  info.head_hash = hash;
  if (auto t = ParseInstant(j.value("created_at", "")); t.ok()) info.created_at = *t;
  info.bytes = j.value("bytes", uint64_t{0});
  return info;
}

Result<BackupInfo> RestoreBackup(const std::string& from, const std::string& data_dir,
                                 const std::function<void(uint64_t, uint64_t)>& progress) {
  auto info = ReadBackup(from);
  if (!info.ok()) return info;
  const fs::path target = fs::absolute(data_dir);
  JALON_RETURN_IF_ERROR(CheckFreshTarget(target, "--data"));
  std::error_code ec;
  const fs::path partial = target.string() + ".partial";
  fs::create_directories(partial, ec);
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == kInfoFile || !entry.is_regular_file()) continue;
    fs::copy_file(entry.path(), partial / name, ec);
    if (ec) break;
  }
  if (ec) {
    fs::remove_all(partial, ec);
    return Status::IOError("restore: cannot copy " + from + " into " + partial.string());
  }
  auto report = VerifyDir(partial.string(), progress);
  Status done = report.status();
  if (done.ok() &&
      (report->head_position != info->head_position || report->head_hash != info->head_hash)) {
    done = Status::Corruption(
        "restore: the restored log ends at position " + std::to_string(report->head_position) +
        " (" + ToHex(report->head_hash) + "), the backup says " +
        std::to_string(info->head_position) + " (" + ToHex(info->head_hash) + ")");
  }
  fs::remove(partial / "jalon.pid", ec);
  if (done.ok()) done = SyncTree(partial);
  if (done.ok()) {
    if (fs::exists(target, ec)) fs::remove(target, ec);  // an empty directory
    fs::rename(partial, target, ec);
    if (ec) done = Status::IOError("restore: cannot rename into " + target.string());
  }
  if (done.ok()) done = SyncPath(target.parent_path(), true);
  if (!done.ok()) {
    fs::remove_all(partial, ec);
    return done;
  }
  return info;
}

}  // namespace jalon
