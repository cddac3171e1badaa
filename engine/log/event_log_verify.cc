// EventLog: verify. Verify walks the hash chain in parallel slices and
// checks the stored head; VerifyFiles checks RocksDB's block checksums.
#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "engine/log/event_log.h"
#include "engine/log/format.h"
#include "engine/log/log_errors.h"
#include "engine/log/log_records.h"

namespace jalon {

namespace lf = log_format;

Status EventLog::VerifyFiles() const {
  return FromRocks(db_->VerifyChecksum(), "checking the checksums of the table files");
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
    const bool head_read = hs.ok() ? lf::DecodeHead(value, &snapped) : hs.IsNotFound();
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
