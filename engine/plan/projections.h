// Projections: the current PlanState of every direction, rebuilt from the
// log, and past states on demand (time travel).
//
// States
//   - Start() loads the "checkpoint" snapshot if it is valid (same format,
//     and its hash matches the log at its position), then catches up with
//     the log. An invalid snapshot is ignored and counted, never misread.
//   - CatchUp() applies every event between the last applied position and
//     the log's head. After it returns, the projections reflect at least the
//     head seen when it was called. Being caught up is not the end: call it
//     again after new appends (the daemon does so from a tailing thread).
//   - A damaged event stops CatchUp with a Corruption naming its position;
//     nothing after it is applied.
//
// Only "plan/<CODE>" streams are projected here; other streams (the jobs')
// are skipped by design.
//
// Errors: an error from Start or CatchUp (kCorruption for a damaged or
// missing event, naming its position) leaves the projections just before
// the event that failed. kUnavailable from WriteCheckpoint: the log refuses
// writes and nothing was written; kIOError: RocksDB failed.
// Snapshots are disposable: a bad or foreign one is skipped, never an error.
//
// Thread safety: all methods are thread-safe. Readers copy what they need
// under a shared lock; CatchUp takes the exclusive lock per batch of events.
// Stream snapshots are encoded and written by a background thread.
// The EventLog is borrowed and must outlive the Projections.
//
// The definitions: projections.cc (start, live catch-up, reads, the
// checkpoint), projections_parallel.cc (the catch-up on every core) and
// projections_history.cc (time travel and stream snapshots). The snapshot
// records are in projection_snapshot.h.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/log/event_log.h"
#include "engine/plan/plan_map.h"
#include "engine/plan/plan_state.h"

namespace jalon {

struct ProjectionStats {
  uint64_t applied_position = 0;
  uint64_t snapshots_ignored = 0;    // invalid or foreign snapshots skipped
  uint64_t checkpoint_position = 0;  // where Start() began replaying, 0 = from scratch
  uint64_t snapshots_used = 0;       // time-travel queries that started from a snapshot
};

struct ProjectionsOptions {
  // Behind by this many events or more (a rebuild, a start without a
  // checkpoint), CatchUp reads and applies on every core.
  uint64_t parallel_from = 50000;
  // The parallel catch-up reads the log in slices of this many positions.
  uint64_t slice_events = 1 << 16;
};

class Projections {
 public:
  // Bump when PlanState::Encode changes, or what an event does to the state
  // (apply.cc): a snapshot of another format is ignored and the log
  // replayed instead.
  static constexpr uint32_t kSnapshotFormat = 6;
  // A time-travel query that replays at least this many events of a stream
  // leaves a snapshot of where it stopped.
  static constexpr uint64_t kStreamSnapshotEvery = 256;

  explicit Projections(const EventLog& log, ProjectionsOptions options = {});
  // Stops the snapshot writer; pending snapshots are written first.
  ~Projections();
  Projections(const Projections&) = delete;
  Projections& operator=(const Projections&) = delete;

  // `progress` (optional) is called every 100,000 events with (applied, head).
  Status Start(const std::function<void(uint64_t, uint64_t)>& progress = {});
  Status CatchUp(const std::function<void(uint64_t, uint64_t)>& progress = {});
  // The same, once `position` is applied: a writer waits for its own events
  // only (whoever applies, applies all there is, for the others too).
  Status CatchUpTo(uint64_t position, const std::function<void(uint64_t, uint64_t)>& progress = {});

  std::optional<PlanState> Current(const std::string& code) const;
  // Calls fn on the current plan `code` under the shared lock, without a
  // copy; false if there is no such plan. fn must not call back into this.
  bool With(const std::string& code, const std::function<void(const PlanState&)>& fn) const;
  std::vector<std::string> Codes() const;
  // Calls fn on every current plan, under the shared lock.
  void ForEach(const std::function<void(const PlanState&)>& fn) const;
  ProjectionStats Stats() const;

  // The plan after the events with position <= `position`.
  Result<PlanState> AtPosition(const std::string& code, uint64_t position) const;
  // The plan with only the events whose business date is <= `date`. Events
  // that depend on a later one (a measurement of an indicator defined after
  // `date`) are left out with it; a damaged event is still an error.
  // With `max_position`, only the events recorded up to that position count:
  // the plan as it stood at a meeting, even for history loaded by an import.
  // It chooses which events count, never how a figure is computed: figures
  // are read from its result through PlanAt (plan_at.h), and the dashboard
  // at a date reads the plan as known now, not this.
  Result<PlanState> AtEffective(const std::string& code, Instant date,
                                uint64_t max_position = UINT64_MAX) const;

  // Blocks until every queued stream snapshot is written.
  void FlushSnapshots() const;

  // Writes the "checkpoint" snapshot of every plan at the applied position.
  Status WriteCheckpoint() const;

 private:
  // The plan the previous event of a catch-up went to: consecutive events
  // are mostly one plan's, so the next one usually needs no lookup.
  struct ApplyCursor {
    std::string_view code;
    PlanState* state = nullptr;
  };
  // Applies `event` to its plan in `plans`, created on its first event;
  // events of other streams are skipped. (projections.cc)
  static Status ApplyTo(PlanMap& plans, const EventView& event, ApplyCursor& cursor);
  // Brings plans_ from applied_ to `head` with one thread per core, each
  // applying the directions of its share. REQUIRES: mu_ held exclusively.
  // (projections_parallel.cc)
  Status ParallelCatchUpLocked(uint64_t head,
                               const std::function<void(uint64_t, uint64_t)>& progress);
  // Time travel (projections_history.cc).
  // Queues a stream snapshot for the writer thread; drops it if the queue is
  // full (a snapshot only saves replay time). Never blocks the query.
  void SnapshotStream(const PlanState& state) const;
  void SnapshotWriterLoop();
  Result<PlanState> FromStreamSnapshot(const std::string& code, uint64_t max_position) const;

  const EventLog& log_;
  const ProjectionsOptions options_;
  std::mutex catch_up_mu_;  // serializes CatchUp
  mutable std::shared_mutex mu_;
  PlanMap plans_;  // GUARDED_BY(mu_)
  // Written under mu_ (exclusive), after the states it covers; read without
  // it by CatchUpTo, whose callers then take mu_ to read those states.
  std::atomic<uint64_t> applied_{0};
  Hash applied_hash_{};  // GUARDED_BY(mu_)
  mutable std::atomic<uint64_t> snapshots_ignored_{0};
  mutable std::atomic<uint64_t> snapshots_used_{0};

  static constexpr size_t kMaxPendingSnapshots = 64;
  mutable std::mutex snapshot_mu_;
  mutable std::condition_variable snapshot_cv_;
  mutable std::deque<PlanState> pending_snapshots_;  // GUARDED_BY(snapshot_mu_)
  bool stopping_ = false;                            // GUARDED_BY(snapshot_mu_)
  bool writing_ = false;                             // GUARDED_BY(snapshot_mu_)
  std::thread snapshot_writer_;
  uint64_t checkpoint_position_ = 0;
};

}  // namespace jalon
