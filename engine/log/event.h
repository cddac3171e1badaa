// Event: the envelope every change to Jalon carries, and its codec.
//
// The byte layout is defined in engine/log/format.h. Encoding is
// deterministic: the same Event always gives the same bytes, which is what
// makes the hash chain checkable by an auditor with only the log.
//
// Event is a plain value type; the functions here are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/util/sha256.h"
#include "engine/util/status.h"
#include "engine/util/time.h"

namespace jalon {

struct Event {
  uint64_t position = 0;  // global, gapless, from 1
  std::string stream;     // e.g. "plan/DEJ"
  uint64_t version = 0;   // in its stream, dense, from 1
  std::string type;       // e.g. "ActionPlanned"
  uint32_t schema_version = 1;
  Instant recorded_at{};   // system time of the append; non-decreasing along the log
  Instant effective_at{};  // business date
  std::string actor;
  std::string command_id;
  std::string payload;  // opaque bytes; see payload.h
  Hash prev_hash{};
  Hash hash{};

  bool operator==(const Event&) const = default;

  // A view of this event's fields; valid while the event is. The inverse of
  // EventView::ToEvent.
  struct EventView View() const;
};

// What a caller supplies for each event of an append; the log fills in the
// position, version, recorded_at and hashes.
struct NewEvent {
  std::string type;
  uint32_t schema_version = 1;
  Instant effective_at{};
  std::string payload;
};

// A zero-copy view of a stored record; valid while the record bytes are.
struct EventView {
  uint64_t position = 0;
  std::string_view stream;
  uint64_t version = 0;
  std::string_view type;
  uint32_t schema_version = 0;
  Instant recorded_at{};
  Instant effective_at{};
  std::string_view actor;
  std::string_view command_id;
  std::string_view payload;
  Hash prev_hash{};
  Hash hash{};
  std::string_view canonical;  // the bytes the hash covers (with prev_hash)
  std::string_view record;     // the whole stored record (empty for Event::View)

  Event ToEvent() const;
};

// The canonical bytes of `e` (everything but the two hashes).
std::string EncodeCanonical(const Event& e);
// SHA-256(prev ‖ canonical).
Hash ChainHash(const Hash& prev, std::string_view canonical);
// Fills e->hash from e->prev_hash and the canonical bytes, and returns the
// full record as stored in the "events" column family.
std::string SealAndEncode(Event* e);

// Parses a stored record. `canonical` (optional) receives a view into
// `record` of the canonical bytes, so that a verifier can hash them without
// re-encoding. Does not check the hash; see VerifyRecordHash.
// A malformed record is kCorruption; the caller adds the position.
Status DecodeRecord(std::string_view record, Event* out, std::string_view* canonical = nullptr);
// The same parse without copying.
Status DecodeRecordView(std::string_view record, EventView* out);

}  // namespace jalon
