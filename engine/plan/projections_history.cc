// Projections: time travel. A plan at a past position starts from its
// nearest valid stream snapshot and replays the rest of its stream; queries
// that replay far leave a snapshot behind, written by a background thread.
#include <rocksdb/db.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "engine/log/format.h"
#include "engine/log/payload.h"
#include "engine/plan/projection_snapshot.h"
#include "engine/plan/projections.h"

namespace jalon {

void Projections::SnapshotStream(const PlanState& state) const {
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    if (pending_snapshots_.size() >= kMaxPendingSnapshots) return;
    pending_snapshots_.push_back(state);
  }
  snapshot_cv_.notify_one();
}

void Projections::SnapshotWriterLoop() {
  for (;;) {
    PlanState state;
    {
      std::unique_lock<std::mutex> lock(snapshot_mu_);
      snapshot_cv_.wait(lock, [this] { return stopping_ || !pending_snapshots_.empty(); });
      if (pending_snapshots_.empty()) return;
      state = std::move(pending_snapshots_.front());
      pending_snapshots_.pop_front();
      writing_ = true;
    }
    // Disposable: a lost or failed snapshot only costs a longer replay. Not
    // written while the log refuses writes (a full or read-only disk).
    if (log_.WriteHealth().ok()) {
      log_.db()
          ->Put(rocksdb::WriteOptions(), log_.snapshots_cf(),
                log_format::StreamKey(PlanStream(state.code), state.version),
                EncodeSnapshot(state.last_position, state.Encode()))
          .PermitUncheckedError();
    }
    {
      std::lock_guard<std::mutex> lock(snapshot_mu_);
      writing_ = false;
    }
    snapshot_cv_.notify_all();
  }
}

void Projections::FlushSnapshots() const {
  std::unique_lock<std::mutex> lock(snapshot_mu_);
  snapshot_cv_.wait(lock, [this] { return pending_snapshots_.empty() && !writing_; });
}

Result<PlanState> Projections::FromStreamSnapshot(const std::string& code,
                                                  uint64_t max_position) const {
  const std::string prefix = log_format::StreamPrefix(PlanStream(code));
  std::unique_ptr<rocksdb::Iterator> it(
      log_.db()->NewIterator(rocksdb::ReadOptions(), log_.snapshots_cf()));
  for (it->SeekForPrev(log_format::StreamKey(PlanStream(code), UINT64_MAX));
       it->Valid() && it->key().starts_with(prefix); it->Prev()) {
    const std::string_view value(it->value().data(), it->value().size());
    const std::optional<uint64_t> taken_at = SnapshotPosition(value);
    if (!taken_at) {
      snapshots_ignored_.fetch_add(1);
      continue;
    }
    if (*taken_at > max_position) continue;  // taken after the point asked for
    auto state = PlanState::Decode(value.substr(kSnapshotHeader));
    if (!state.ok() || state->last_position != *taken_at ||
        !MatchesLog(log_, state->last_position, ToHex(state->last_hash))) {
      snapshots_ignored_.fetch_add(1);
      continue;
    }
    snapshots_used_.fetch_add(1);
    return state;
  }
  return PlanState();
}

Result<PlanState> Projections::AtPosition(const std::string& code, uint64_t position) const {
  {
    // When nothing of the plan's stream was recorded between `position` and
    // what the projections have applied, the current plan is the answer: the
    // same events, applied the same way. Most questions about a past date
    // are about a plan that has not changed since.
    std::shared_lock<std::shared_mutex> lock(mu_);
    if (position <= applied_) {
      const PlanState* current = plans_.Find(code);
      if (current == nullptr) return PlanState();  // the stream had no event yet
      if (current->last_position <= position) return *current;
    }
  }
  auto base = FromStreamSnapshot(code, position);
  if (!base.ok()) return base;
  PlanState state = std::move(base).value();
  const uint64_t base_version = state.version;
  // A query that replays far leaves a snapshot behind, so that the next one
  // near this point does not: snapshots are made where time travel goes.
  auto done = [&]() -> Result<PlanState> {
    if (state.registered() && state.version - base_version >= kStreamSnapshotEvery) {
      SnapshotStream(state);  // a copy, encoded and written in the background
    }
    return std::move(state);
  };
  Status applied;
  JALON_RETURN_IF_ERROR(
      log_.ScanStream(PlanStream(code), state.version + 1, position, [&](const EventView& e) {
        applied = state.ApplyEncoded(e);
        return applied.ok();
      }));
  JALON_RETURN_IF_ERROR(applied);
  return done();
}

namespace {

// The business date from which a CycleOpened counts: its `dated`, or its
// period's start when it was opened later (a plan is written in the first
// months of its period, and what is dated in those months is the new
// cycle's).
Result<Instant> CycleOpenedFrom(const EventView& e) {
  auto payload = DecodePayload(e.payload);
  if (!payload.ok()) return payload.status().WithContext("position " + std::to_string(e.position));
  auto start = ParseDate(payload->value("period_start", std::string()));
  if (!start.ok()) return start.status().WithContext("position " + std::to_string(e.position));
  return std::min(e.effective_at, *start);
}

}  // namespace

Result<PlanState> Projections::AtEffective(const std::string& code, Instant date,
                                           uint64_t max_position) const {
  PlanState state;
  Status applied;
  JALON_RETURN_IF_ERROR(log_.ScanStream(PlanStream(code), 1, max_position, [&](const EventView& e) {
    // A cycle is a boundary, not a dated change: on a date before the next
    // cycle, the plan is the cycle before, and no event after the boundary
    // belongs to it.
    if (e.type == "CycleOpened") {
      auto from = CycleOpenedFrom(e);
      if (!from.ok()) {
        applied = from.status();
        return false;
      }
      if (*from > date) return false;
    } else if (e.effective_at > date) {
      return true;
    }
    // An event whose parent lies after `date` is not visible either.
    applied = state.ApplyEncoded(e);
    if (applied.IsNotFound()) applied = Status::Ok();
    return applied.ok();
  }));
  JALON_RETURN_IF_ERROR(applied);
  return state;
}

}  // namespace jalon
