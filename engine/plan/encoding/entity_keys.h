// The keys an entity's CBOR writes as one byte each (PhraseCode), shared by
// Collection's encoding (entity_cbor.cc) and the entities added straight from
// a stored payload (apply_encoded.cc).
#pragma once

#include "engine/plan/encoding/phrase_code.h"

namespace jalon {

// Entities are kept as CBOR with their common keys written as one control
// character each: keys were half of an indicator's 193 bytes, and a city
// keeps tens of entities per plan in memory. The snapshot format depends on
// this list: append only, and raise kSnapshotFormat if it ever changes.
inline constexpr PhraseCode<30> kEntityKeys(
    {"id",         "title",       "text",        "description", "name",     "date",
     "value",      "status",      "attached_to", "kind",        "unit",     "polarity",
     "baseline",   "target",      "frequency",   "source",      "owner",    "start",
     "due",        "budget_eur",  "caught_up",   "axis",        "missions", "rationale",
     "validation", "orientation", "reason",      "dropped",     "quadrant", "evidence"});

}  // namespace jalon
