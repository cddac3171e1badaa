// Event payloads: a JSON document encoded with cereal's portable binary
// archive, plus the upcasters that lift an old schema_version to the
// current one.
//
// Why a document rather than one C++ struct per event type: the plan model's
// commands and events share the field names of the jalon.plan/1 import
// format (DESIGN.md), history shows field-level before/after, and the same
// field names travel to HTTP and export. A document keeps those names as the
// single schema; the per-type rules live in the plan model's validators.
//
// Encoding (inside cereal's PortableBinary archive, little-endian):
//   value := tag u8 | body
//     0 null | 1 false | 2 true | 3 int64 | 4 uint64 | 5 double
//     6 string (size u64, bytes) | 7 array (size u64, values)
//     8 object (size u64, then key string + value, keys in sorted order)
// Decoding refuses depth > kMaxPayloadDepth and sizes beyond the input.
//
// Upcasting: when an event type's payload changes shape, register a
// function (type, from_version) -> document for version from_version + 1.
// Readers call Upcaster::Upcast with the stored schema_version and always
// see the current shape. Old records are never rewritten: the hash chain
// covers the stored bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/util/cbor.h"
#include "engine/util/function_ref.h"
#include "engine/util/status.h"

namespace jalon {

inline constexpr int kMaxPayloadDepth = 64;

std::string EncodePayload(const nlohmann::json& doc);
// kCorruption when the bytes are not a well-formed payload.
Result<nlohmann::json> DecodePayload(std::string_view bytes);

// Writes a payload object member by member: the bytes EncodePayload writes
// for the document with these members, without building the document (a
// scheduler pass encodes one escalation per plan, each listing tens of
// reminder ids). Members come in increasing key order, as a document holds
// them.
class PayloadObjectWriter {
 public:
  // `reserve`: the bytes to hold at once, so that a payload written in
  // several calls is allocated once (a scheduler's pass writes thousands).
  explicit PayloadObjectWriter(size_t members, size_t reserve = 0);
  PayloadObjectWriter& Int(std::string_view key, int64_t value);
  PayloadObjectWriter& Bool(std::string_view key, bool value);
  PayloadObjectWriter& Value(std::string_view key, const nlohmann::json& value);
  // At most the bytes Strings(key, values) writes.
  template <class Range>  // of what converts to std::string_view
  static size_t StringsBytes(std::string_view key, const Range& values) {
    size_t bytes = key.size() + 18;  // key size, tag, element count
    for (const auto& v : values) bytes += std::string_view(v).size() + 9;
    return bytes;
  }
  // At most the bytes of the head and of an Int or Bool member under `key`.
  static size_t ScalarBytes(std::string_view key) { return key.size() + 18; }
  static constexpr size_t kHeadBytes = 10;
  template <class Range>  // of what converts to std::string_view
  PayloadObjectWriter& Strings(std::string_view key, const Range& values) {
    out_.reserve(out_.size() + StringsBytes(key, values));
    Key(key);
    ArrayHead(std::size(values));
    for (const auto& v : values) String(v);
    return *this;
  }
  // The payload. Throws std::logic_error if the keys were not increasing
  // or the members not as many as announced: a mistake in the caller.
  std::string Finish() &&;

 private:
  void Key(std::string_view key);
  void ArrayHead(size_t size);
  void String(std::string_view text);

  std::string out_;
  size_t announced_, written_ = 0;
  std::string last_key_;
};

// Reads the top-level fields of a payload object without building JSON, for
// the hot paths of replay (measurements and progress reports are most of a
// log). Nested values are skipped, not offered. A view into `bytes`: valid
// while they are.
struct PayloadScalar {
  enum class Kind { kNull, kBool, kNumber, kString, kNested } kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  bool integer = false;  // the number was stored as an integer
  std::string_view text;
  std::string_view nested;  // kNested: the value's stored bytes, for ForEachPayloadElement
};
// Calls fn for each top-level field of the object in `bytes`, in key order.
// kCorruption if the bytes are not a well-formed payload object.
Status ForEachPayloadField(std::string_view bytes,
                           FunctionRef<void(std::string_view, const PayloadScalar&)> fn);
// Calls fn for each element of an array offered by ForEachPayloadField
// (its `nested` bytes), in order; nested elements are offered as such.
// kCorruption if `nested` is not an array.
Status ForEachPayloadElement(std::string_view nested, FunctionRef<void(const PayloadScalar&)> fn);

// The members of the payload object in `bytes` whose key `keep` accepts,
// each with its key renamed by `rename` and its value in CBOR: the bytes
// nlohmann's to_cbor writes for the decoded value once every nested object
// key is renamed too (nested members in the order of their renamed keys, as
// nlohmann's maps hold them). For writing a plan's entities straight from
// an event (see Collection). False, leaving `members` unspecified, if the
// payload is malformed or repeats a key: the caller then decodes it with
// DecodePayload, which names the damage.
bool PayloadMembersToCbor(std::string_view bytes, FunctionRef<bool(std::string_view)> keep,
                          FunctionRef<std::string(std::string_view)> rename,
                          std::vector<cbor::Member>* members);

// Thread-safe for concurrent Upcast calls once registration is finished.
class Upcaster {
 public:
  using Fn = std::function<nlohmann::json(nlohmann::json)>;

  // `fn` turns a payload of `from_version` into one of `from_version + 1`.
  void Register(std::string type, uint32_t from_version, Fn fn);
  // The current schema version of `type`: 1 + the highest registered step.
  uint32_t CurrentVersion(std::string_view type) const;
  // Applies the registered steps from `version` up to the current one.
  // kCorruption if the stored version is newer than this build knows.
  Result<nlohmann::json> Upcast(std::string_view type, uint32_t version, nlohmann::json doc) const;

 private:
  std::map<std::pair<std::string, uint32_t>, Fn, std::less<>> steps_;
  std::map<std::string, uint32_t, std::less<>> current_;
};

}  // namespace jalon
