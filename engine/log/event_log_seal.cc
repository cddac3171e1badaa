// EventLog: sealing, on the sealer thread. Each request of a batch is
// decided against the durable log plus every batch sealed but not yet
// written, and its events get their positions, versions and hashes and are
// encoded into the batch's WriteBatch.
#include <rocksdb/write_batch.h>

#include <algorithm>

#include "engine/log/event_log.h"
#include "engine/log/format.h"
#include "engine/log/log_records.h"
#include "engine/util/coding.h"

namespace jalon {

namespace lf = log_format;

Result<uint64_t> EventLog::CachedStreamVersion(const std::string& stream) {
  auto it = seal_versions_.find(stream);
  if (it != seal_versions_.end()) return it->second;
  // Not in the cache: no batch in flight touches the stream, and the
  // durable version is the one to build on.
  auto v = StreamVersion(stream);
  if (v.ok()) seal_versions_.emplace(stream, *v);
  return v;
}

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
      command_index.emplace_back(req.command_id, lf::EncodeCommand(result));
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
  wb.Put(default_cf_, lf::kMetaHeadKey, lf::EncodeHead(staged));
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

}  // namespace jalon
