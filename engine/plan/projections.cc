// Projections: starting from the checkpoint, the live catch-up, reading
// the current plans, and writing the checkpoint. The parallel catch-up is in
// projections_parallel.cc, time travel in projections_history.cc.
#include "engine/plan/projections.h"

#include <malloc.h>
#include <rocksdb/db.h>

#include <optional>
#include <utility>

#include "engine/plan/projection_snapshot.h"

namespace jalon {
namespace {

constexpr uint64_t kCatchUpChunk = 10000;

}  // namespace

Projections::Projections(const EventLog& log, ProjectionsOptions options)
    : log_(log), options_(options) {
  snapshot_writer_ = std::thread([this] { SnapshotWriterLoop(); });
}

Projections::~Projections() {
  {
    std::lock_guard<std::mutex> lock(snapshot_mu_);
    stopping_ = true;
  }
  snapshot_cv_.notify_all();
  snapshot_writer_.join();
}

Status Projections::Start(const std::function<void(uint64_t, uint64_t)>& progress) {
  std::string value;
  rocksdb::Status s =
      log_.db()->Get(rocksdb::ReadOptions(), log_.snapshots_cf(), kCheckpointKey, &value);
  if (s.ok()) {
    std::optional<Checkpoint> checkpoint = DecodeCheckpoint(value);
    if (checkpoint && MatchesLog(log_, checkpoint->position, ToHex(checkpoint->hash))) {
      std::unique_lock<std::shared_mutex> lock(mu_);
      plans_ = PlanMap(std::move(checkpoint->plans));
      applied_ = checkpoint->position;
      applied_hash_ = checkpoint->hash;
      checkpoint_position_ = applied_;
    } else {
      snapshots_ignored_.fetch_add(1);
    }
  }
  Status caught_up = CatchUp(progress);
  // A rebuild frees as much as it keeps (decoded payloads, the appliers'
  // batches, the checkpoint's bytes), spread over the threads' malloc
  // arenas: give it back, or the daemon holds it for the rest of its life.
  malloc_trim(0);
  return caught_up;
}

Status Projections::CatchUp(const std::function<void(uint64_t, uint64_t)>& progress) {
  return CatchUpTo(log_.Head().position, progress);
}

Status Projections::CatchUpTo(uint64_t position,
                              const std::function<void(uint64_t, uint64_t)>& progress) {
  // The common case for a reader: nothing new. And for a writer that
  // queued behind another's catching up: its events are in. Neither takes a
  // lock: the scheduler's workers come here after every append.
  if (applied_.load() >= position) return Status::Ok();
  std::lock_guard<std::mutex> serial(catch_up_mu_);
  for (;;) {
    if (applied_.load() >= position) return Status::Ok();
    // Whoever holds catch_up_mu_ applies everything there is, so that the
    // writers waiting behind it find their events applied; but it stops
    // once `position` is in, not chasing the appends that keep coming.
    const uint64_t head = log_.Head().position;
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (applied_ >= std::min(position, head)) return Status::Ok();
    if (head - applied_ >= options_.parallel_from) {
      JALON_RETURN_IF_ERROR(ParallelCatchUpLocked(head, progress));
      continue;
    }
    uint64_t done = 0;
    Status apply_status;
    ApplyCursor cursor;
    Status scan = log_.ScanViews(applied_ + 1, [&](const EventView& e) {
      if (e.prev_hash != applied_hash_) {
        apply_status =
            Status::Corruption("position " + std::to_string(e.position) +
                               ": prev_hash does not follow the projected log; run `jalon verify`");
        return false;
      }
      apply_status = ApplyTo(plans_, e, cursor);
      if (!apply_status.ok()) return false;
      applied_ = e.position;
      applied_hash_ = e.hash;
      if (progress && e.position % 100000 == 0) progress(e.position, head);
      return ++done < kCatchUpChunk && e.position < head;
    });
    JALON_RETURN_IF_ERROR(scan);
    JALON_RETURN_IF_ERROR(apply_status);
  }
}

Status Projections::ApplyTo(PlanMap& plans, const EventView& e, ApplyCursor& cursor) {
  const std::string_view code = DirectionOfStream(e.stream);
  if (code.empty()) return Status::Ok();  // not a plan stream: the jobs' own
  if (cursor.state == nullptr || code != cursor.code) {
    const auto [key, state] = plans.FindOrAdd(code);
    cursor = {key, state};
  }
  return cursor.state->ApplyEncoded(e);
}

Status Projections::WriteCheckpoint() const {
  if (Status health = log_.WriteHealth(); !health.ok()) {
    return Status::Unavailable("projection checkpoint not written (the next start replays): " +
                               health.message());
  }
  std::shared_lock<std::shared_mutex> lock(mu_);
  rocksdb::Status s = log_.db()->Put(rocksdb::WriteOptions(), log_.snapshots_cf(), kCheckpointKey,
                                     EncodeCheckpoint(applied_, applied_hash_, plans_));
  if (!s.ok()) return Status::IOError("writing the projection checkpoint: " + s.ToString());
  return Status::Ok();
}

std::optional<PlanState> Projections::Current(const std::string& code) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const PlanState* state = plans_.Find(code);
  if (state == nullptr) return std::nullopt;
  return *state;
}

bool Projections::With(const std::string& code,
                       const std::function<void(const PlanState&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  const PlanState* state = plans_.Find(code);
  if (state == nullptr) return false;
  fn(*state);
  return true;
}

std::vector<std::string> Projections::Codes() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [code, state] : plans_) out.push_back(code);
  return out;
}

void Projections::ForEach(const std::function<void(const PlanState&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  for (const auto& [code, state] : plans_) fn(state);
}

ProjectionStats Projections::Stats() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return {applied_, snapshots_ignored_.load(), checkpoint_position_, snapshots_used_.load()};
}

}  // namespace jalon
