// TickStats: what one scheduler pass (or the sum of several) did, counted
// only for the events that were appended (a replay counts nothing).
//
// A plain value: copy it freely; not synchronized (Scheduler::Totals()
// hands out a copy taken under its lock).
#pragma once

#include <cstdint>

#include "engine/plan/plan_state.h"

namespace jalon::jobs {

struct TickStats {
  uint64_t fired = 0, caught_up = 0, skipped = 0;
  uint64_t issued = 0, escalated = 0, repeated = 0, resolved = 0;
  uint64_t attempts = 0, delivered = 0, failed = 0;

  void Add(const TickStats& o);
  // {occurrences: {fired, caught_up, skipped}, reminders: {issued,
  // escalated, repeated, resolved}, messages: {attempts, delivered, failed}}
  Json ToJson() const;
};

}  // namespace jalon::jobs
