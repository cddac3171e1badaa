// EventLog: reads. By position (ReadRange, Scan, ScanViews), by stream
// (ReadStream, ScanStream, StreamVersion), by instant
// (FirstPositionAtOrAfter) and by command id; and the durable head.
#include <rocksdb/db.h>

#include <algorithm>

#include "engine/log/event_log.h"
#include "engine/log/format.h"
#include "engine/log/log_errors.h"
#include "engine/log/log_records.h"
#include "engine/util/coding.h"

namespace jalon {

namespace lf = log_format;

LogHead EventLog::Head() const {
  std::lock_guard<std::mutex> lock(head_mu_);
  return head_;
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

Result<std::optional<AppendResult>> EventLog::LookupCommand(const std::string& command_id) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), commands_cf_, command_id, &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  JALON_RETURN_IF_ERROR(FromRocks(s, "reading command " + command_id));
  AppendResult r;
  if (!lf::DecodeCommand(value, &r))
    return Status::Corruption("command record " + command_id + " is malformed");
  r.replayed = true;
  return std::optional<AppendResult>(std::move(r));
}

}  // namespace jalon
