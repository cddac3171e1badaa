#include "engine/plan/projections.h"

#include <rocksdb/db.h>

#include <algorithm>
#include <thread>

#include "engine/log/format.h"
#include "engine/log/payload.h"
#include "engine/util/coding.h"

namespace jalon {
namespace {

constexpr std::string_view kSnapshotMagic = "JSNP";
constexpr std::string_view kCheckpointKey = "checkpoint";
constexpr uint64_t kCatchUpChunk = 10000;
// Behind by this much or more (a rebuild, a start without checkpoint), catch
// up on every core.
constexpr uint64_t kParallelCatchUp = 50000;
constexpr size_t kSnapshotHeader = 4 + 4 + 8;

// "JSNP" | format u32 | position u64 | payload. The position comes before
// the payload so that a search can skip a snapshot without decoding it.
std::string EncodeSnapshot(uint64_t position, const Json& body) {
  std::string v(kSnapshotMagic);
  coding::PutFixed32(&v, Projections::kSnapshotFormat);
  coding::PutFixed64(&v, position);
  v += EncodePayload(body);
  return v;
}

// The position a snapshot was taken at, or nullopt if the bytes are not a
// snapshot of this build's format.
std::optional<uint64_t> SnapshotPosition(std::string_view v) {
  if (!v.starts_with(kSnapshotMagic)) return std::nullopt;
  v.remove_prefix(kSnapshotMagic.size());
  uint32_t format = 0;
  uint64_t position = 0;
  if (!coding::GetFixed32(&v, &format) || format != Projections::kSnapshotFormat ||
      !coding::GetFixed64(&v, &position)) {
    return std::nullopt;
  }
  return position;
}

// Nullopt when the bytes are not a snapshot of this build's format.
std::optional<Json> DecodeSnapshot(std::string_view v) {
  if (!SnapshotPosition(v)) return std::nullopt;
  auto body = DecodePayload(v.substr(kSnapshotHeader));
  if (!body.ok()) return std::nullopt;
  return std::move(body).value();
}

// The stored event at `position` has hash `hex`: the snapshot belongs to
// this log, not to an older copy of it.
bool MatchesLog(const EventLog& log, uint64_t position, const std::string& hex) {
  if (position == 0) return hex == ToHex(Hash{});
  auto events = log.ReadRange(position, 1);
  return events.ok() && events->size() == 1 && ToHex(events->front().hash) == hex;
}

}  // namespace

Status Projections::Start(const std::function<void(uint64_t, uint64_t)>& progress) {
  std::string value;
  rocksdb::Status s =
      log_.db()->Get(rocksdb::ReadOptions(), log_.snapshots_cf(), kCheckpointKey, &value);
  if (s.ok()) {
    std::optional<Json> body = DecodeSnapshot(value);
    bool loaded = false;
    if (body && body->contains("position") && body->contains("hash") && body->contains("plans") &&
        MatchesLog(log_, (*body)["position"].get<uint64_t>(), (*body)["hash"].get<std::string>())) {
      std::map<std::string, PlanState, std::less<>> plans;
      loaded = true;
      for (const Json& p : (*body)["plans"]) {
        auto state = PlanState::FromJson(p);
        if (!state.ok()) {
          loaded = false;
          break;
        }
        plans.emplace(state->code, std::move(state).value());
      }
      if (loaded) {
        std::unique_lock<std::shared_mutex> lock(mu_);
        plans_ = std::move(plans);
        applied_ = (*body)["position"].get<uint64_t>();
        FromHex((*body)["hash"].get<std::string>(), &applied_hash_);
        checkpoint_position_ = applied_;
      }
    }
    if (!loaded) snapshots_ignored_.fetch_add(1);
  }
  return CatchUp(progress);
}

Status Projections::CatchUp(const std::function<void(uint64_t, uint64_t)>& progress) {
  {
    // The common case for a reader: nothing new. Answer under the shared
    // lock, without queueing behind other readers.
    std::shared_lock<std::shared_mutex> lock(mu_);
    if (applied_ >= log_.Head().position) return Status::Ok();
  }
  std::lock_guard<std::mutex> serial(catch_up_mu_);
  for (;;) {
    const uint64_t head = log_.Head().position;
    std::unique_lock<std::shared_mutex> lock(mu_);
    if (applied_ >= head) return Status::Ok();
    if (head - applied_ >= kParallelCatchUp) {
      JALON_RETURN_IF_ERROR(ParallelCatchUpLocked(head, progress));
      continue;
    }
    uint64_t done = 0;
    Status apply_status;
    Status scan = log_.ScanViews(applied_ + 1, [&](const EventView& e) {
      if (e.prev_hash != applied_hash_) {
        apply_status =
            Status::Corruption("position " + std::to_string(e.position) +
                               ": prev_hash does not follow the projected log; run `jalon verify`");
        return false;
      }
      apply_status = ApplyTo(plans_, e);
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

Status Projections::ApplyTo(std::map<std::string, PlanState, std::less<>>& plans,
                            const EventView& e) {
  const std::string_view code = DirectionOfStream(e.stream);
  if (code.empty()) return Status::Ok();  // not a plan stream: the jobs' own
  auto it = plans.find(code);
  if (it == plans.end()) it = plans.emplace(std::string(code), PlanState()).first;
  return it->second.ApplyEncoded(e);
}

// Each worker scans the whole range (reading is cheap) but applies only the
// directions whose hash falls in its share, into its own map; worker 0 also
// checks that every event follows the previous one in the chain. The shares
// are merged back at the end. Same result as the sequential path: a plan's
// events are applied in log order by exactly one worker.
Status Projections::ParallelCatchUpLocked(uint64_t head,
                                          const std::function<void(uint64_t, uint64_t)>& progress) {
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::map<std::string, PlanState, std::less<>>> shares(workers);
  const auto share_of = [workers](std::string_view code) {
    return std::hash<std::string_view>{}(code) % workers;
  };
  for (auto& [code, state] : plans_) shares[share_of(code)].emplace(code, std::move(state));
  plans_.clear();
  std::vector<Status> results(workers);
  Hash last_hash = applied_hash_;
  const uint64_t from = applied_ + 1;
  auto run = [&](size_t w) {
    Hash chain = applied_hash_;
    Status apply_status;
    Status scan = log_.ScanViews(from, [&](const EventView& e) {
      if (w == 0) {
        if (e.prev_hash != chain) {
          apply_status = Status::Corruption(
              "position " + std::to_string(e.position) +
              ": prev_hash does not follow the projected log; run `jalon verify`");
          return false;
        }
        chain = e.hash;
        if (progress && e.position % 100000 == 0) progress(e.position, head);
      }
      const std::string_view code = DirectionOfStream(e.stream);
      if (!code.empty() && share_of(code) == w) {
        apply_status = ApplyTo(shares[w], e);
        if (!apply_status.ok()) return false;
      }
      return e.position < head;
    });
    results[w] = scan.ok() ? apply_status : scan;
    if (w == 0) last_hash = chain;
  };
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(run, w);
  run(0);
  for (auto& t : threads) t.join();
  for (auto& share : shares) plans_.merge(share);
  for (const Status& r : results) JALON_RETURN_IF_ERROR(r);
  applied_ = head;
  applied_hash_ = last_hash;
  return Status::Ok();
}

Projections::Projections(const EventLog& log) : log_(log) {
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
                EncodeSnapshot(state.last_position, state.ToJson()))
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

Status Projections::WriteCheckpoint() const {
  if (Status health = log_.WriteHealth(); !health.ok()) {
    return Status::Unavailable("projection checkpoint not written (the next start replays): " +
                               health.message());
  }
  std::shared_lock<std::shared_mutex> lock(mu_);
  Json plans = Json::array();
  for (const auto& [code, state] : plans_) plans.push_back(state.ToJson());
  const Json body = {
      {"position", applied_}, {"hash", ToHex(applied_hash_)}, {"plans", std::move(plans)}};
  rocksdb::Status s = log_.db()->Put(rocksdb::WriteOptions(), log_.snapshots_cf(), kCheckpointKey,
                                     EncodeSnapshot(applied_, body));
  if (!s.ok()) return Status::IOError("writing the projection checkpoint: " + s.ToString());
  return Status::Ok();
}

std::optional<PlanState> Projections::Current(const std::string& code) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = plans_.find(code);
  if (it == plans_.end()) return std::nullopt;
  return it->second;
}

bool Projections::With(const std::string& code,
                       const std::function<void(const PlanState&)>& fn) const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  auto it = plans_.find(code);
  if (it == plans_.end()) return false;
  fn(it->second);
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
    std::optional<Json> body = DecodeSnapshot(value);
    auto state =
        body ? PlanState::FromJson(*body) : Result<PlanState>(Status::Corruption("snapshot"));
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
  for (uint64_t from = state.version + 1;;) {
    auto events = log_.ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      if (e.position > position) return done();
      JALON_RETURN_IF_ERROR(state.ApplyEncoded(e.View()));
    }
    if (events->size() < 1000) return done();
    from = events->back().version + 1;
  }
}

Result<PlanState> Projections::AtEffective(const std::string& code, Instant date,
                                           uint64_t max_position) const {
  PlanState state;
  for (uint64_t from = 1;;) {
    auto events = log_.ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      if (e.position > max_position) return state;
      if (e.effective_at > date) continue;
      // An event whose parent lies after `date` is not visible either.
      Status s = state.ApplyEncoded(e.View());
      if (!s.ok() && !s.IsNotFound()) return s;
    }
    if (events->size() < 1000) return state;
    from = events->back().version + 1;
  }
}

}  // namespace jalon
