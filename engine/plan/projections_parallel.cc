// Projections: the parallel catch-up, for a rebuild or a start far behind
// the log.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "engine/plan/projections.h"

namespace jalon {
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

}  // namespace jalon
