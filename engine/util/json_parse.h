// The one JSON reader for everything Jalon takes in from outside: request
// bodies, imported plan files, the daemon's answers read by the CLI, backup
// manifests. nlohmann's parser is iterative, but copying, dumping or
// walking a document recurses, so a body of 100,000 nested brackets would
// exhaust the stack after parsing. This reader builds the document through
// nlohmann's SAX interface and refuses, with a message naming the place:
//   - nesting deeper than kMaxJsonDepth arrays and objects;
//   - an object that gives the same key twice (nlohmann keeps the last one
//     silently: two readers of one document would disagree);
//   - a number outside the range of a double (1e400): nothing non-finite
//     reaches a command's validation;
//   - anything that is not one well-formed UTF-8 JSON document.
// Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace jalon {

// Arrays and objects open at once. A plan document or a command needs
// fewer than ten; stored payloads allow the same (kMaxPayloadDepth).
inline constexpr size_t kMaxJsonDepth = 64;
// Stored CBOR (snapshot entities): room for a document kMaxJsonDepth deep
// held inside an entity, still far from what the stack can take.
inline constexpr size_t kMaxStoredDepth = 4 * kMaxJsonDepth;

// The document in `text`, or kInvalidArgument whose message starts with
// `what` (e.g. "body", a file's path) and names the JSON path of the
// problem, e.g. "body: data.budget_eur: number 1e400 is out of range".
Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what);

// Whether `bytes` are one well-formed CBOR item nested at most `max_depth`
// arrays and maps deep. nlohmann's CBOR reader recurses once per level, so
// stored bytes are checked with this before any reader walks them.
bool IsBoundedCbor(std::string_view bytes, size_t max_depth = kMaxStoredDepth);

}  // namespace jalon
