// The on-disk format of the event log: column families, key encodings and
// the records. This is the one description that the writer and every reader
// follow:
//   - engine/log/event.{h,cc}: the event record (SealAndEncode, DecodeRecord);
//   - engine/log/log_records.{h,cc}: the head and command records;
//   - engine/log/event_log_seal.cc: the writer, which fills one WriteBatch
//     per group commit; event_log_read.cc and event_log_verify.cc read;
//   - engine/plan/projection_snapshot.{h,cc}: the "snapshots" family.
// Changing anything here is a format change: bump kRecordFormat or
// kLogFormatName and keep a reader for the old form.
//
// RocksDB column families
// -----------------------
//
//   "default"   meta keys
//                 "meta/format" -> kLogFormatName
//                 "meta/head"   -> head record (below), rewritten in every
//                                  group-commit batch, so that a truncated
//                                  tail is detected on open and by verify
//
//   "events"    key: position as u64 big-endian (8 bytes; sorts numerically)
//               value: event record (below)
//               Positions start at 1 and are gapless.
//
//   "streams"   key: stream bytes | 0x00 | version as u64 big-endian
//               value: position as u64 big-endian
//               Versions start at 1 and are dense within a stream. Stream
//               names never contain 0x00.
//
//   "commands"  key: command_id bytes
//               value: command record (below): what the first append of
//               that command_id produced, for idempotent replays
//
//   "snapshots" projection snapshots, owned by the plan model; disposable:
//               anything here can be deleted and is rebuilt from the log
//                 "checkpoint"                 -> every plan at one position
//                 "plan/<CODE>" | 0x00 | u64 BE version -> one plan's state
//               value: "JSNP" | snapshot format u32 | position u64 | body.
//               A plan's body is its state (PlanState::Encode, in
//               engine/plan/plan_state.h); the checkpoint's is the hash of
//               the event at `position`, a u32 count of plans, then each
//               plan's state, length-prefixed. A snapshot whose format or
//               hash does not match is ignored and the log is replayed instead.
//
//   +----------+----------------------------------------------------+
//   | events   | 00..01 -> rec(1)   00..02 -> rec(2)   ...          |
//   | streams  | "plan/DEJ"\0 00..01 -> 00..01   ...                |
//   | commands | "c-7f3a..." -> {stream, first_pos, count, first_v} |
//   +----------+----------------------------------------------------+
//
// Event record (value in "events"), little-endian fixed widths:
//
//   +--------+-------------------------------+-----------+------+
//   | fmt u8 | canonical bytes               | prev_hash | hash |
//   |  = 1   | (see below)                   | 32 bytes  | 32 B |
//   +--------+-------------------------------+-----------+------+
//
//   canonical bytes:
//     position u64 | stream str | version u64 | type str | schema_version u32
//     | recorded_at_us i64 | effective_at_us i64 | actor str | command_id str
//     | payload str
//   str := length u32 | bytes
//
//   hash = SHA-256(prev_hash ‖ canonical bytes). The first event's prev_hash
//   is 32 zero bytes (kGenesisHash). The payload is opaque here; its own
//   encoding (cereal, versioned by schema_version) is in payload.h.
//
// Head record ("meta/head"): position u64 | hash 32 bytes | recorded_at_us i64
//
// Command record ("commands"): fmt u8 = 1 | stream str | first_position u64
//                              | count u32 | first_version u64
//   or, for a command appended with a request hash:
//                              fmt u8 = 2 | the same fields | request hash 32 bytes
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/util/coding.h"
#include "engine/util/sha256.h"

namespace jalon::log_format {

inline constexpr std::string_view kLogFormatName = "jalon-log/1";
inline constexpr uint8_t kRecordFormat = 1;
inline constexpr uint8_t kCommandRecordFormat = 1;
inline constexpr uint8_t kCommandRecordHashedFormat = 2;
inline constexpr size_t kCommandRequestHashBytes = 32;

inline constexpr std::string_view kEventsCf = "events";
inline constexpr std::string_view kStreamsCf = "streams";
inline constexpr std::string_view kCommandsCf = "commands";
inline constexpr std::string_view kSnapshotsCf = "snapshots";

inline constexpr std::string_view kMetaFormatKey = "meta/format";
inline constexpr std::string_view kMetaHeadKey = "meta/head";

inline constexpr Hash kGenesisHash{};

// Limits checked before anything is written.
inline constexpr size_t kMaxStreamBytes = 256;
inline constexpr size_t kMaxTypeBytes = 128;
inline constexpr size_t kMaxActorBytes = 256;
inline constexpr size_t kMaxCommandIdBytes = 256;
inline constexpr size_t kMaxPayloadBytes = 4 << 20;

inline std::string EventKey(uint64_t position) {
  std::string k;
  coding::PutBigEndian64(&k, position);
  return k;
}

inline std::string StreamPrefix(std::string_view stream) {
  std::string k(stream);
  k.push_back('\0');
  return k;
}

inline std::string StreamKey(std::string_view stream, uint64_t version) {
  std::string k = StreamPrefix(stream);
  coding::PutBigEndian64(&k, version);
  return k;
}

}  // namespace jalon::log_format
