// Instants, business dates and the injected clock.
//
// Jalon keeps two kinds of time on every event (see DESIGN.md, "bitemporal"):
//   - recorded_at: the system instant of the append, an Instant in UTC with
//     microsecond resolution;
//   - effective_at: the business date the change refers to, also stored as an
//     Instant (a date is midnight UTC of that day).
//
// Time is injected: code that needs "now" takes a Clock&. SystemClock reads
// the real clock; SimulatedClock is set by tests and by the demo, so that
// four years of a cycle run in seconds. Both are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace jalon {

using Micros = std::chrono::microseconds;
using Instant = std::chrono::sys_time<Micros>;

inline int64_t ToMicros(Instant t) { return t.time_since_epoch().count(); }
inline Instant FromMicros(int64_t us) { return Instant(Micros(us)); }

// Strict ISO 8601 parsing. Accepted forms:
//   "2016-03-15"                      (midnight UTC)
//   "2016-03-15T10:20:30Z"            (optionally with .ffffff fraction)
//   "2016-03-15T10:20:30+02:00"       (offset applied)
// The day must exist in the calendar (no 2017-02-29). The error names the
// rule that was broken, not the field: callers prefix the field.
Result<Instant> ParseInstant(std::string_view text);
// Accepts only "YYYY-MM-DD".
Result<Instant> ParseDate(std::string_view text);

// "2016-03-15T10:20:30.123456Z" (fraction omitted when zero).
std::string FormatInstant(Instant t);
// "2016-03-15" (the UTC day of t).
std::string FormatDate(Instant t);

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Instant Now() const override;
};

// A clock that only moves when told to.
class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(Instant start) : now_us_(ToMicros(start)) {}
  Instant Now() const override { return FromMicros(now_us_.load(std::memory_order_acquire)); }
  void Set(Instant t) { now_us_.store(ToMicros(t), std::memory_order_release); }
  void Advance(Micros d) { now_us_.fetch_add(d.count(), std::memory_order_acq_rel); }

 private:
  std::atomic<int64_t> now_us_;
};

// Simulated time that runs by itself: from `start`, `speed` times faster
// than real time (86400: a simulated day per second). For a daemon that
// runs a cycle in minutes (jalond --clock-start, --clock-speed).
class ScaledClock final : public Clock {
 public:
  ScaledClock(Instant start, double speed)
      : start_(start), origin_(std::chrono::steady_clock::now()), speed_(speed) {}
  Instant Now() const override {
    const auto real = std::chrono::steady_clock::now() - origin_;
    return start_ + Micros(static_cast<int64_t>(
                        std::chrono::duration<double, std::micro>(real).count() * speed_));
  }
  // Starts the clock again from `start`. Not thread-safe: call it before
  // the clock is shared (jalond resumes a simulated clock at the log's head).
  void StartAt(Instant start) {
    start_ = start;
    origin_ = std::chrono::steady_clock::now();
  }

 private:
  Instant start_;
  std::chrono::steady_clock::time_point origin_;
  const double speed_;
};

}  // namespace jalon
