// PlanService: the plan model's operations, as the CLI (local mode) and the
// HTTP API both use them. Every result is JSON in the shape DESIGN.md gives;
// every error is a Status whose message names the field and the rule.
//
// Writes validate against the projection and append with the plan stream's
// version as expected_version, under a per-plan lock so that two commands on
// one plan never decide against the same state; the projections are brought
// up to the append before answering. Commands on different plans run
// concurrently and share group commits.
//
// Thread-safe. Borrows the log, the projections and the clock, which must
// outlive it.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/log/event_log.h"
#include "engine/plan/command.h"
#include "engine/plan/projections.h"
#include "engine/plan/rollup.h"
#include "engine/util/run_here.h"

namespace jalon {

// Which past a read looks at; at most one of the three is set.
struct TimeQuery {
  std::optional<Instant> as_of;         // what was recorded by this instant
  std::optional<uint64_t> position;     // what the log held up to this position
  std::optional<Instant> effective_at;  // business date
};

struct HistoryQuery {
  std::string entity;           // "axis/A1"; empty = every entity
  std::optional<Instant> from;  // recorded_at >= from
  std::optional<Instant> to;    // recorded_at <= to
};

class PlanService {
 public:
  PlanService(EventLog& log, Projections& projections, const Clock& clock,
              RollupOptions rollup = {})
      : log_(log), projections_(projections), clock_(clock), rollup_(rollup) {}

  // {position, version, events, replayed}. kInvalidArgument names
  // "data.<field>"; kConflict on an expected_version mismatch. Blocks the
  // calling thread until the events are durable; ExecuteAsync does not.
  Result<Json> Execute(Command command, const std::string& actor);
  // Execute without parking a thread on the group commit: what a server
  // with many connections needs, since the commands in flight share the
  // group commits, and a thread per command in flight costs a wake-up and a
  // stack each. The decision is made on the calling thread and handed to
  // the log; once the log has answered, `run` is given the rest (catching
  // the projections up, building the result, deciding again after a
  // conflict), which ends by calling `done` exactly once. `run` picks the
  // thread (the HTTP server: the connection's I/O thread) and must queue
  // the work, never run it before returning: the log's threads call it and
  // must not be held up. `done` may be called on the calling thread (a
  // refusal, a replay) or on whichever thread `run` uses.
  using Run = RunFn;
  using Done = std::function<void(Result<Json>)>;
  void ExecuteAsync(Command command, std::string actor, Run run, Done done);
  // Idempotency: a command_id (or Idempotency-Key) names one request of one
  // principal within the tenant's log. Sent again with the same command
  // (type, data, expected_version, effective_at) by the same actor, it
  // appends nothing and answers the first result (replayed = true). Sent
  // with anything else, or by another actor, it is kKeyReused naming the
  // key, appends nothing and tells nothing of the first request: the key
  // is taken, so it cannot run as a new one (as the IETF Idempotency-Key
  // draft answers 422). Commands appended before request hashes were
  // stored are compared by actor and direction.
  //
  // Appends a whole jalon.plan/1 document atomically; the direction must not
  // exist yet. {direction, position, version, events: count, replayed}.
  // `command_id` defaults to one derived from the document; the same rule
  // as above applies, with the document as the request, except that a
  // derived key answers any principal sending the same document.
  Result<Json> Import(const Json& doc, const std::string& actor, std::string command_id = {});

  // For system writers (the scheduler): under the plan's lock, `decide` sees
  // the plan as the projections hold it and returns the events to append, or
  // none. The append is conditional on that version: if the plan moved
  // meanwhile, the projections catch up and `decide` runs again.
  // `decide` runs under the projections' shared lock: it must not call back
  // into the projections or the service. `command_id` makes the append
  // happen at most once: a replay appends nothing and says so.
  // The projections are not brought up to the append before returning:
  // CatchUpTo(position) before reading the plan again. A scheduler pass
  // appends to thousands of plans, and catching up after each append (the
  // exclusive lock, against the shared one of the other plans' visits) cost
  // it more than applying them all at once at its end.
  struct SystemAppend {
    uint64_t count = 0;     // events appended; 0 when `decide` returned none
    bool replayed = false;  // the command was appended before
    uint64_t position = 0;  // the log's position of its last event; 0 if none
    bool appended() const { return count > 0 && !replayed; }
  };
  using SystemDecide = std::function<Result<std::vector<NewEvent>>(const PlanState&)>;
  // kFresh: the caller made `command_id` up for this call (it holds a
  // random part), so no earlier append can hold it and the lookup for a
  // replay before deciding is skipped; the log would still answer a
  // duplicate as a replay.
  enum class CommandId { kMayRepeat, kFresh };
  Result<SystemAppend> AppendSystem(const std::string& code, const std::string& command_id,
                                    const std::string& actor, const SystemDecide& decide,
                                    CommandId kind = CommandId::kMayRepeat);
  // One attempt of AppendSystem without waiting for the group commit: decides
  // on the calling thread and hands the events to the log. `done` is called
  // once: on this thread when there is nothing to append, a replay or a
  // refusal; else on the log's completion thread, so it must be short. A
  // conflict is reported, not retried: the caller catches up and decides
  // again (AppendSystem does). A scheduler pass issues its plans' appends
  // this way, so that they share a few group commits instead of one per
  // worker thread, and no thread waits for each.
  using SystemDone = std::function<void(Result<SystemAppend>)>;
  void AppendSystemAsync(const std::string& code, const std::string& command_id,
                         const std::string& actor, const SystemDecide& decide, CommandId kind,
                         SystemDone done);

  Result<PlanState> State(const std::string& code, const TimeQuery& when) const;
  Result<Json> Show(const std::string& code, const TimeQuery& when) const;
  Result<Json> Export(const std::string& code, const TimeQuery& when) const;
  // `at` defaults to today (the clock's date).
  Result<Json> Dashboard(const std::string& code, std::optional<Instant> at,
                         const TimeQuery& when) const;
  // The dashboard of the current plan as JSON text: what every page of the
  // web UI reads. Cached per plan, version and day, so that repeated reads
  // of an unchanged plan cost a lookup instead of a roll-up.
  Result<std::shared_ptr<const std::string>> CurrentDashboardText(const std::string& code,
                                                                  std::optional<Instant> at) const;
  Json Directions(std::optional<Instant> at = std::nullopt) const;
  Result<Json> History(const std::string& code, const HistoryQuery& query) const;
  // What changed between two recorded instants, entity by entity.
  Result<Json> Diff(const std::string& code, Instant from, Instant to) const;

  // Why `orientation` cannot validate an axis ("" when it can): the city's
  // political orientations live outside the plan (engine/people), so the
  // daemon and the CLI give the check. Every write path asks it: a
  // ValidateAxis command (refused as "data.orientation: <rule>"), each
  // axis's validation in an imported document (named by its place, e.g.
  // "axes[0].validation.orientation"), and a system append's AxisValidated
  // events. Unset: any text. Set it before the service takes writes.
  using OrientationCheck = std::function<std::string(const std::string& orientation)>;
  void SetOrientationCheck(OrientationCheck check) { orientation_check_ = std::move(check); }

  const Clock& clock() const { return clock_; }
  const Projections& projections() const { return projections_; }
  // The projections up to the log's position `position` (at least).
  Status CatchUpTo(uint64_t position) { return projections_.CatchUpTo(position); }
  // The projections up to the log's head.
  Status CatchUp() { return projections_.CatchUp(); }
  const EventLog& log() const { return log_; }
  const RollupOptions& rollup() const { return rollup_; }

 private:
  // NotFound: no direction `code` in the log.
  static Status NoDirection(const std::string& code);
  // One command of ExecuteAsync, from its decision to its answer.
  struct Execution;
  // Decides the command on the plan's working copy and hands it to the log.
  void Attempt(const std::shared_ptr<Execution>& x);
  // After the log answered, on `run`'s thread: the plan's bookkeeping, then
  // the answer, or another attempt after a conflict.
  void Finish(const std::shared_ptr<Execution>& x, Result<AppendResult> appended);
  // Appends, then brings the projections up to the append.
  Result<AppendResult> AppendDecision(Decision decision, std::optional<uint64_t> expected,
                                      const std::string& command_id, const std::string& actor,
                                      std::string request_hash = {});
  Result<uint64_t> PositionAtInstant(Instant t) const;
  // A request that came with a key already in the log.
  struct SameRequest {
    std::string key;
    std::string request_hash;  // 32 bytes
    std::string actor;         // empty: any principal (a key the service derived)
    std::string stream;
  };
  // Whether `again` is the request that first appended `first` (whose
  // events are `events`).
  static bool IsSameRequest(const AppendResult& first, const std::vector<Event>& events,
                            const SameRequest& again);
  // {position, first_position, version, replayed, events} of an append.
  Result<Json> ResultJson(const AppendResult& appended) const;
  // The same for a replay, or kKeyReused when `again` is not the request
  // that appended it.
  Result<Json> ResultJson(const AppendResult& appended, const SameRequest* again) const;
  // One plan's writers. Commands are decided one at a time under `mu`, on a
  // working copy of the plan that already holds the commands decided before
  // and not yet durable, and handed to the group commit in that order: a
  // plan's commands share fsyncs instead of waiting for one each. A failed
  // append drops the working copy; the next command starts again from the
  // durable projection. Between bursts the copy is kept as long as the
  // durable plan's version equals its own. Import and AppendSystem wait for the plan's
  // in-flight commands (`idle`), then decide on the projection.
  struct PlanSlot {
    std::mutex mu;
    std::condition_variable idle;
    // Held only while the plan is being written: most plans of a city are
    // not, and an empty PlanState is over 500 bytes.
    std::unique_ptr<PlanState> working;  // GUARDED_BY(mu)
    uint64_t in_flight = 0;              // GUARDED_BY(mu)
    // A system append (AppendSystemAsync) is on its way to the log: the
    // commands that come meanwhile wait in `deferred` and are decided once
    // it is in, on the plan with it. Decided before, on the plan without
    // it, each would be a conflict, and a scheduler visit's appends one
    // after another could exhaust a command's attempts.
    bool system_in_flight = false;                     // GUARDED_BY(mu)
    std::vector<std::shared_ptr<Execution>> deferred;  // GUARDED_BY(mu)
  };
  PlanSlot& Slot(const std::string& code);
  // Locks the plan's slot once no command of it is in flight.
  std::unique_lock<std::mutex> LockIdle(PlanSlot& slot);
  // Brings the plan's working copy up to the durable plan, keeping it if
  // it is already that. REQUIRES: slot.mu held, no command of it in flight
  // (or no copy).
  Status RefreshWorkingCopy(PlanSlot& slot, const std::string& code);

  // InvalidArgument "<field>: <rule>" when `data` names an orientation
  // that the check refuses; Ok when it names none (the plan's own rules
  // then say so) or no check is set.
  Status CheckOrientation(const Json& data, const std::string& field) const;

  EventLog& log_;
  Projections& projections_;
  const Clock& clock_;
  const RollupOptions rollup_;
  OrientationCheck orientation_check_;
  std::mutex locks_mu_;
  std::unordered_map<std::string, std::unique_ptr<PlanSlot>> slots_;  // GUARDED_BY(locks_mu_)

  // The latest current dashboard of each plan. A plan's version and the day
  // determine its dashboard (the roll-up options are fixed), so an entry is
  // right as long as both match. Locked after the projections' lock, never
  // before.
  struct CachedDashboard {
    uint64_t version = 0;
    Instant at{};
    std::shared_ptr<const Json> json;
    std::shared_ptr<const std::string> text;
  };
  // The cached dashboard of `state` at `at`, computed on a miss. REQUIRES:
  // called under the projections' lock (Projections::With or ForEach).
  CachedDashboard DashboardOf(const PlanState& state, Instant at) const;
  // The cached dashboard of the current plan `code`, after catching up.
  Result<CachedDashboard> CurrentDashboard(const std::string& code,
                                           std::optional<Instant> at) const;
  mutable std::mutex dashboards_mu_;
  mutable std::unordered_map<std::string, CachedDashboard>
      dashboards_;  // GUARDED_BY(dashboards_mu_)
};

// The longest command_id or Idempotency-Key, in bytes (as ParseCommand
// checks for command_id).
inline constexpr size_t kMaxIdempotencyKeyBytes = 128;

// A random command id ("cmd-" + 32 hex digits).
std::string NewCommandId();

}  // namespace jalon
