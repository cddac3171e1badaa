// Backups of a data directory, and their restore.
//
// A backup is a RocksDB checkpoint of the live database, every file a copy
// (never a hard link to a live file: a damaged inode would then be damaged in
// both), plus BACKUP.json, which records the head it holds. RocksDB
// makes a checkpoint at a consistent point, and the log writes each batch of
// events and its head in one WriteBatch, so a backup taken under write load
// holds a prefix of the log, never a torn one; BACKUP.json's head is read
// back from the checkpoint itself and checked with a full verify before the
// backup is published.
//
// Nothing is half-written: both operations build in "<dir>.partial" and
// rename into place only when the result verifies. A crash leaves at most a
// ".partial" directory, which the next run refuses to reuse and names.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/log/event_log.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon {

struct BackupInfo {
  std::string dir;
  uint64_t head_position = 0;
  Hash head_hash{};
  Instant created_at{};
  uint64_t bytes = 0;  // size of the backup's files

  // {format: "jalon.backup/1", dir, head_position, head_hash, created_at, bytes}
  nlohmann::json ToJson() const;
};

// Backs `log` up into `to`, which must not exist yet (its parent must) and
// must not contain "..". Works while the log is appended to. Refused
// (kUnavailable), before anything is written, when the backup would not
// fit on its filesystem, or, on the log's own filesystem, would leave less
// than the log's reserve (EventLogOptions::min_free_bytes) free.
Result<BackupInfo> CreateBackup(const EventLog& log, const std::string& to, const Clock& clock);

// Reads and checks a backup's BACKUP.json.
Result<BackupInfo> ReadBackup(const std::string& from);

// Restores the backup `from` into `data_dir`, which must not exist or be
// empty, and must not contain "..". The restored log is verified from its first event and its head
// must equal the backup's. `progress` sees the verify (checked, head).
Result<BackupInfo> RestoreBackup(const std::string& from, const std::string& data_dir,
                                 const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace jalon
