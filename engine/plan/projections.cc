#include "engine/plan/projections.h"

#include <malloc.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "engine/log/format.h"
#include "engine/log/payload.h"
#include "engine/util/coding.h"

namespace jalon {
namespace {

constexpr std::string_view kSnapshotMagic = "JSNP";
constexpr std::string_view kCheckpointKey = "checkpoint";
constexpr uint64_t kCatchUpChunk = 10000;
constexpr size_t kSnapshotHeader = 4 + 4 + 8;

// "JSNP" | format u32 | position u64 | body. The position comes before the
// body so that a search can skip a snapshot without decoding it. A stream
// snapshot's body is PlanState::Encode; the checkpoint's is the hash of the
// event at `position`, then a u32 count of plans and each plan's encoding,
// length-prefixed.
std::string EncodeSnapshot(uint64_t position, std::string_view body) {
  std::string v(kSnapshotMagic);
  coding::PutFixed32(&v, Projections::kSnapshotFormat);
  coding::PutFixed64(&v, position);
  v += body;
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

// The checkpoint's body: every plan at `position`, whose event has `hash`.
struct Checkpoint {
  uint64_t position = 0;
  Hash hash{};
  std::map<std::string, PlanState, std::less<>> plans;
};

std::optional<Checkpoint> DecodeCheckpoint(std::string_view v) {
  const std::optional<uint64_t> position = SnapshotPosition(v);
  if (!position) return std::nullopt;
  v.remove_prefix(kSnapshotHeader);
  Checkpoint c;
  c.position = *position;
  uint32_t count = 0;
  if (!coding::GetBytes(&v, c.hash.size(), c.hash.data()) || !coding::GetFixed32(&v, &count)) {
    return std::nullopt;
  }
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view bytes;
    if (!coding::GetLengthPrefixed(&v, &bytes)) return std::nullopt;
    auto state = PlanState::Decode(bytes);
    if (!state.ok() || !c.plans.emplace(state->code, std::move(state).value()).second) {
      return std::nullopt;
    }
  }
  if (!v.empty()) return std::nullopt;
  return c;
}

// The stored event at `position` has hash `hex`: the snapshot belongs to
// this log, not to an older copy of it.
bool MatchesLog(const EventLog& log, uint64_t position, const std::string& hex) {
  if (position == 0) return hex == ToHex(Hash{});
  auto events = log.ReadRange(position, 1);
  return events.ok() && events->size() == 1 && ToHex(events->front().hash) == hex;
}

}  // namespace

PlanMap::PlanMap(Tree plans) : tree_(std::move(plans)) { Reindex(); }

const PlanState* PlanMap::Find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : it->second;
}

std::pair<std::string_view, PlanState*> PlanMap::FindOrAdd(std::string_view code) {
  if (auto it = index_.find(code); it != index_.end()) return {it->first, it->second};
  auto node = tree_.emplace(std::string(code), PlanState()).first;  // nodes never move
  index_.emplace(node->first, &node->second);
  return {node->first, &node->second};
}

void PlanMap::Merge(PlanMap&& other) {
  tree_.merge(other.tree_);  // moves the nodes themselves, which other's index points to
  if (other.tree_.empty()) {
    index_.insert(other.index_.begin(), other.index_.end());
  } else {
    Reindex();  // codes held by both: other's stayed with it
  }
  other.Clear();
}

void PlanMap::Clear() {
  index_.clear();
  tree_.clear();
}

void PlanMap::Reindex() {
  index_.clear();
  index_.reserve(tree_.size());
  for (auto& [code, state] : tree_) index_.emplace(code, &state);
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
  // lock (64 scheduler workers did, in turn, on every append).
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

namespace {

// Stored records copied out of a scan for one applier: a scan's views die
// with each step of its iterator. A batch is handed over once it holds
// kBatchBytes.
constexpr size_t kBatchBytes = 256 << 10;
struct RecordBatch {
  std::string bytes;
  std::vector<uint32_t> ends;  // where each record ends in `bytes`
};

// The hand-over between the readers and the appliers of a parallel catch-up.
//
// The range is cut into slices of consecutive positions. Reader r reads
// slices r, r + readers, ...; applier w applies the records of its
// directions slice after slice, in order, so that each plan still sees its
// events in log order. Slices use a ring of slots: a reader claims the slot
// of slice i once every applier is done with slice i - kRing, and a slot
// holds at most kDepth batches per applier, so memory stays at a few tens of
// megabytes whatever the log's size.
//
// A failure in slice f stops the appliers, and the readers of the slices
// after f. The slices before f are still read, to check their chain only:
// the damage to report is the first one in log order.
class SlicePipeline {
 public:
  SlicePipeline(size_t appliers, uint64_t slices)
      : slices_(slices), done_(appliers, 0), ring_(kRing) {
    for (Slot& slot : ring_) {
      slot.batches.resize(appliers);
      slot.closed.assign(appliers, true);
    }
  }

  uint64_t slices() const { return slices_; }

  enum class Claimed { kApply, kCheckOnly, kStop };
  // Waits for slice `i`'s slot, unless the pipeline failed.
  Claimed Claim(uint64_t i) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] {
      return failed() || i < kRing || *std::min_element(done_.begin(), done_.end()) > i - kRing;
    });
    if (failed()) return i < fail_slice_ ? Claimed::kCheckOnly : Claimed::kStop;
    Slot& slot = ring_[i % kRing];
    slot.slice = i;
    slot.closed.assign(slot.closed.size(), false);
    return Claimed::kApply;
  }
  // False if the pipeline failed.
  bool Push(uint64_t i, size_t applier, RecordBatch batch) {
    std::unique_lock<std::mutex> lock(mu_);
    Slot& slot = ring_[i % kRing];
    cv_.wait(lock, [&] { return failed() || slot.batches[applier].size() < kDepth; });
    if (failed()) return false;
    slot.batches[applier].push_back(std::move(batch));
    cv_.notify_all();
    return true;
  }
  // The slice's reader is done with it.
  void Close(uint64_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    Slot& slot = ring_[i % kRing];
    slot.closed.assign(slot.closed.size(), true);
    cv_.notify_all();
  }
  // The next batch of slice `i` for `applier`; nullopt when the slice is
  // done (and then the applier moves on) or the pipeline failed.
  std::optional<RecordBatch> Pop(uint64_t i, size_t applier) {
    std::unique_lock<std::mutex> lock(mu_);
    Slot& slot = ring_[i % kRing];
    cv_.wait(lock, [&] {
      return failed() ||
             (slot.slice == i && (!slot.batches[applier].empty() || slot.closed[applier]));
    });
    if (failed()) return std::nullopt;
    if (slot.batches[applier].empty()) {
      done_[applier] = i + 1;
      cv_.notify_all();
      return std::nullopt;
    }
    RecordBatch batch = std::move(slot.batches[applier].front());
    slot.batches[applier].pop_front();
    cv_.notify_all();
    return batch;
  }
  // A batch's buffers for the next one: a reader takes them back instead of
  // growing new ones (hundreds of kilobytes, which malloc maps and unmaps,
  // and the kernel zeroes, each time).
  void Recycle(RecordBatch batch) {
    batch.bytes.clear();
    batch.ends.clear();
    std::lock_guard<std::mutex> lock(mu_);
    if (spare_.size() < kRing * kDepth) spare_.push_back(std::move(batch));
  }
  RecordBatch Spare() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!spare_.empty()) {
        RecordBatch batch = std::move(spare_.back());
        spare_.pop_back();
        return batch;
      }
    }
    RecordBatch fresh;
    fresh.bytes.reserve(kBatchBytes + (16 << 10));  // room for the record that fills it
    return fresh;
  }
  // Slice `i` holds damage.
  void Fail(uint64_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_slice_ = std::min(fail_slice_, i);
    cv_.notify_all();
  }
  bool Failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed();
  }

 private:
  static constexpr uint64_t kRing = 8;
  static constexpr size_t kDepth = 4;
  struct Slot {
    uint64_t slice = UINT64_MAX;
    std::vector<std::deque<RecordBatch>> batches;  // per applier
    std::vector<bool> closed;                      // per applier
  };
  const uint64_t slices_;
  bool failed() const { return fail_slice_ != UINT64_MAX; }  // REQUIRES: mu_ held

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t fail_slice_ = UINT64_MAX;
  std::vector<uint64_t> done_;  // per applier: the slices it has finished
  std::vector<Slot> ring_;
  std::vector<RecordBatch> spare_;
};

// What a reader saw of its slice's chain, checked across slices at the end.
struct SliceChain {
  bool started = false;
  bool complete = false;  // read to its last position
  Hash first_prev{};
  Hash last{};
  uint64_t last_position = 0;
  Status status;  // damage inside the slice, at position bad_at
  uint64_t bad_at = UINT64_MAX;
};

}  // namespace

// Readers and appliers, one of each per core. Readers scan slices of the
// range in parallel (decompressing the log's blocks costs about as much as
// applying its events), check the chain inside each slice, and hand each
// plan event's stored record to the applier that owns its direction (by
// hash). Each applier decodes and applies its records slice after slice,
// into its own map; the maps are merged at the end. Same result as the
// sequential path: a plan's events are applied in log order by exactly one
// applier, and the chain is checked from the last applied hash to `head`.
Status Projections::ParallelCatchUpLocked(uint64_t head,
                                          const std::function<void(uint64_t, uint64_t)>& progress) {
  const uint64_t slice_events = std::max<uint64_t>(options_.slice_events, 1);
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<PlanMap> shares(workers);
  const auto share_of = [workers](std::string_view code) {
    return std::hash<std::string_view>{}(code) % workers;
  };
  plans_.SplitInto(shares, share_of);

  const uint64_t from = applied_ + 1;
  SlicePipeline pipeline(workers, (head - from) / slice_events + 1);
  std::vector<SliceChain> chains(pipeline.slices());
  std::vector<Status> results(workers);
  std::vector<uint64_t> failed_at(workers, UINT64_MAX);
  std::atomic<uint64_t> read{0};

  auto apply = [&](size_t w) {
    auto& plans = shares[w];
    ApplyCursor cursor;
    EventView e;
    for (uint64_t i = 0; i < pipeline.slices(); ++i) {
      while (std::optional<RecordBatch> batch = pipeline.Pop(i, w)) {
        uint32_t begin = 0;
        for (uint32_t end : batch->ends) {
          const std::string_view record(batch->bytes.data() + begin, end - begin);
          begin = end;
          Status s = DecodeRecordView(record, &e);  // the reader decoded it already
          if (s.ok()) s = ApplyTo(plans, e, cursor);
          if (!s.ok()) {
            results[w] = s;
            failed_at[w] = e.position;
            pipeline.Fail(i);
            return;
          }
        }
        pipeline.Recycle(*std::move(batch));
      }
      if (pipeline.Failed()) return;
    }
  };

  auto scan = [&](size_t r) {
    std::vector<RecordBatch> pending(workers);
    for (uint64_t i = r; i < pipeline.slices(); i += workers) {
      const SlicePipeline::Claimed claimed = pipeline.Claim(i);
      if (claimed == SlicePipeline::Claimed::kStop) return;
      bool apply = claimed == SlicePipeline::Claimed::kApply;  // else: check the chain only
      for (RecordBatch& batch : pending) {
        // Handed to the applier at the end of the last slice (then only a
        // moved-from shell is left), or still holding what a failed push
        // left behind.
        if (batch.bytes.capacity() < kBatchBytes) {
          batch = pipeline.Spare();
        } else {
          batch.bytes.clear();
          batch.ends.clear();
        }
      }
      const uint64_t first = from + i * slice_events;
      const uint64_t last = std::min(head, first + slice_events - 1);
      SliceChain& chain = chains[i];
      Status s = log_.ScanViews(
          first,
          [&](const EventView& e) {
            if (!chain.started) {
              chain.first_prev = e.prev_hash;
              chain.started = true;
            } else if (e.prev_hash != chain.last) {
              chain.bad_at = e.position;
              chain.status = Status::Corruption(
                  "position " + std::to_string(e.position) +
                  ": prev_hash does not follow the projected log; run `jalon verify`");
              return false;
            }
            chain.last = e.hash;
            chain.last_position = e.position;
            const uint64_t n = read.fetch_add(1, std::memory_order_relaxed) + 1;
            if (progress && n % 100000 == 0) progress(from - 1 + n, head);
            const std::string_view code = DirectionOfStream(e.stream);
            if (apply && !code.empty()) {
              const size_t w = share_of(code);
              RecordBatch& batch = pending[w];
              batch.bytes.append(e.record);
              batch.ends.push_back(static_cast<uint32_t>(batch.bytes.size()));
              if (batch.bytes.size() >= kBatchBytes) {
                apply = pipeline.Push(i, w, std::exchange(batch, pipeline.Spare()));
              }
            }
            return e.position < last;
          },
          ScanMode::kBulk);
      if (chain.status.ok() && (!s.ok() || chain.last_position != last)) {
        // ScanViews names the position in its message.
        chain.bad_at = chain.started ? chain.last_position + 1 : first;
        chain.status = s.ok() ? Status::Corruption("position " + std::to_string(chain.bad_at) +
                                                   ": missing (the log ends before its head)")
                              : s;
      }
      chain.complete = chain.status.ok();
      if (!chain.complete) {
        pipeline.Fail(i);
        return;  // what follows this damage does not count
      }
      for (size_t w = 0; w < workers && apply; ++w) {
        if (!pending[w].ends.empty()) apply = pipeline.Push(i, w, std::move(pending[w]));
      }
      if (apply) pipeline.Close(i);
    }
  };

  std::vector<std::thread> threads;
  for (size_t w = 0; w < workers; ++w) threads.emplace_back(apply, w);
  for (size_t r = 1; r < workers; ++r) threads.emplace_back(scan, r);
  scan(0);
  for (auto& t : threads) t.join();
  for (auto& share : shares) plans_.Merge(std::move(share));

  // The first damage in log order, wherever it was found: inside a slice,
  // between two slices read to their end, or in an applier.
  Status first_error;
  uint64_t first_bad = UINT64_MAX;
  const auto consider = [&](uint64_t at, const Status& status) {
    if (!status.ok() && at < first_bad) {
      first_bad = at;
      first_error = status;
    }
  };
  Hash prev = applied_hash_;
  for (size_t i = 0; i < chains.size(); ++i) {
    const SliceChain& chain = chains[i];
    consider(chain.bad_at, chain.status);
    const bool linked = i == 0 ? true : chains[i - 1].complete;
    if (linked && chain.started && chain.first_prev != prev) {
      const uint64_t at = from + i * slice_events;
      consider(at, Status::Corruption("position " + std::to_string(at) +
                                      ": prev_hash does not follow the projected log; run "
                                      "`jalon verify`"));
    }
    prev = chain.last;
  }
  for (size_t w = 0; w < workers; ++w) consider(failed_at[w], results[w]);
  JALON_RETURN_IF_ERROR(first_error);
  applied_ = head;
  applied_hash_ = prev;
  return Status::Ok();
}

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

Status Projections::WriteCheckpoint() const {
  if (Status health = log_.WriteHealth(); !health.ok()) {
    return Status::Unavailable("projection checkpoint not written (the next start replays): " +
                               health.message());
  }
  std::shared_lock<std::shared_mutex> lock(mu_);
  std::string body(applied_hash_.begin(), applied_hash_.end());
  coding::PutFixed32(&body, static_cast<uint32_t>(plans_.size()));
  for (const auto& [code, state] : plans_) coding::PutLengthPrefixed(&body, state.Encode());
  rocksdb::Status s = log_.db()->Put(rocksdb::WriteOptions(), log_.snapshots_cf(), kCheckpointKey,
                                     EncodeSnapshot(applied_, body));
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

Result<PlanState> Projections::AtEffective(const std::string& code, Instant date,
                                           uint64_t max_position) const {
  PlanState state;
  Status applied;
  JALON_RETURN_IF_ERROR(log_.ScanStream(PlanStream(code), 1, max_position, [&](const EventView& e) {
    if (e.effective_at > date) return true;
    // An event whose parent lies after `date` is not visible either.
    applied = state.ApplyEncoded(e);
    if (applied.IsNotFound()) applied = Status::Ok();
    return applied.ok();
  }));
  JALON_RETURN_IF_ERROR(applied);
  return state;
}

}  // namespace jalon
