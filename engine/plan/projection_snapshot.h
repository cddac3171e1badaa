// The records of the "snapshots" column family (engine/log/format.h draws
// them): a plan's state at one of its versions, for time travel, and the
// "checkpoint", every plan at one position, for a start without a full
// replay.
//
//   value := "JSNP" | format u32 | position u64 | body
//
// The position comes before the body so that a search can skip a snapshot
// without decoding it. A stream snapshot's body is PlanState::Encode; the
// checkpoint's is the hash of the event at `position`, then a u32 count of
// plans and each plan's encoding, length-prefixed. A snapshot of another
// format (Projections::kSnapshotFormat) is never read.
//
// Plain functions: thread-safe. MatchesLog borrows the log for the call.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/log/event_log.h"
#include "engine/plan/plan_map.h"
#include "engine/plan/plan_state.h"

namespace jalon {

inline constexpr std::string_view kCheckpointKey = "checkpoint";
inline constexpr size_t kSnapshotHeader = 4 + 4 + 8;  // magic, format, position

std::string EncodeSnapshot(uint64_t position, std::string_view body);

// The position a snapshot was taken at, or nullopt if the bytes are not a
// snapshot of this build's format.
std::optional<uint64_t> SnapshotPosition(std::string_view v);

// The checkpoint's body: every plan at `position`, whose event has `hash`.
struct Checkpoint {
  uint64_t position = 0;
  Hash hash{};
  std::map<std::string, PlanState, std::less<>> plans;
};

std::string EncodeCheckpoint(uint64_t position, const Hash& hash, const PlanMap& plans);
// nullopt if the bytes are not a whole checkpoint of this build's format.
std::optional<Checkpoint> DecodeCheckpoint(std::string_view v);

// The stored event at `position` has hash `hex`: the snapshot belongs to
// this log, not to an older copy of it.
bool MatchesLog(const EventLog& log, uint64_t position, const std::string& hex);

}  // namespace jalon
