// LogTailer: follows the event log from a position, for projections and
// subscribers, without busy polling.
//
// States, as a caller sees them after each Next():
//   - kHasEvents: events were returned; more may follow at once.
//   - kCaughtUp: everything up to the durable head at the time of the call
//     was returned and nothing new arrived before the timeout. Caught up is
//     not the end: a later Next() returns events appended since.
//   - an error Status: a gap or a damaged record, naming its position. The
//     tailer does not skip it; calling Next() again reports it again.
//
// A LogTailer borrows the EventLog, which must outlive it. It is not
// thread-safe: one tailer per consumer thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "engine/log/event_log.h"

namespace jalon {

class LogTailer {
 public:
  enum class State { kHasEvents, kCaughtUp };

  LogTailer(const EventLog& log, uint64_t from_position)
      : log_(log), next_(from_position == 0 ? 1 : from_position) {}

  // Appends up to `max` events to `out`; if none is available, waits up to
  // `timeout` for the head to move.
  Result<State> Next(size_t max, std::chrono::milliseconds timeout, std::vector<Event>* out) {
    if (log_.Head().position < next_ && !log_.WaitForPosition(next_, timeout)) {
      return State::kCaughtUp;
    }
    auto events = log_.ReadRange(next_, max);
    if (!events.ok()) return events.status();
    if (events->empty()) return State::kCaughtUp;
    next_ = events->back().position + 1;
    for (auto& e : *events) out->push_back(std::move(e));
    return State::kHasEvents;
  }

  uint64_t next_position() const { return next_; }

 private:
  const EventLog& log_;
  uint64_t next_;
};

}  // namespace jalon
