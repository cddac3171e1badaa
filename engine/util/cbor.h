// Writing CBOR (RFC 8949) byte for byte as nlohmann::json::to_cbor does, for
// the entities a plan keeps encoded (Collection) when they are written from
// something other than a json document. Bytes must match nlohmann's: stored
// snapshots hold them, and what nlohmann writes is what older builds wrote.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jalon::cbor {

// The head of a data item: major type and length (or value), shortest form.
inline void AppendHead(uint8_t major, uint64_t n, std::string* out) {
  const auto m = static_cast<uint8_t>(major << 5);
  if (n <= 0x17) {
    out->push_back(static_cast<char>(m | n));
    return;
  }
  int bytes = 8;
  uint8_t info = 0x1B;
  if (n <= 0xFF) {
    bytes = 1, info = 0x18;
  } else if (n <= 0xFFFF) {
    bytes = 2, info = 0x19;
  } else if (n <= 0xFFFFFFFF) {
    bytes = 4, info = 0x1A;
  }
  out->push_back(static_cast<char>(m | info));
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(n >> (8 * i)));
}

inline void AppendInt(int64_t n, std::string* out) {
  if (n >= 0) {
    AppendHead(0, static_cast<uint64_t>(n), out);
  } else {
    AppendHead(1, static_cast<uint64_t>(-1 - n), out);
  }
}

inline void AppendText(std::string_view text, std::string* out) {
  AppendHead(3, text.size(), out);
  out->append(text);
}

// nlohmann's choice: NaN and infinities as half floats, a double that a
// float holds exactly as a float, else a double.
inline void AppendDouble(double d, std::string* out) {
  const auto big_endian = [out](const auto& value) {
    unsigned char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    for (size_t i = sizeof value; i > 0; --i) out->push_back(static_cast<char>(bytes[i - 1]));
  };
  if (std::isnan(d)) {
    out->append("\xF9\x7E\x00", 3);
  } else if (std::isinf(d)) {
    out->append(d > 0 ? "\xF9\x7C\x00" : "\xF9\xFC\x00", 3);
  } else if (d >= std::numeric_limits<float>::lowest() && d <= std::numeric_limits<float>::max() &&
             static_cast<double>(static_cast<float>(d)) == d) {
    out->push_back(static_cast<char>(0xFA));
    big_endian(static_cast<float>(d));
  } else {
    out->push_back(static_cast<char>(0xFB));
    big_endian(d);
  }
}

// The text of a CBOR text string item, or nullopt if `item` is not one.
inline std::optional<std::string_view> TextOf(std::string_view item) {
  if (item.empty() || (static_cast<uint8_t>(item[0]) >> 5) != 3) return std::nullopt;
  const uint8_t info = static_cast<uint8_t>(item[0]) & 0x1F;
  size_t head = 1;
  uint64_t n = info;
  if (info >= 0x18) {
    if (info > 0x1B) return std::nullopt;  // indefinite length: not written here
    const size_t bytes = size_t{1} << (info - 0x18);
    if (item.size() < 1 + bytes) return std::nullopt;
    n = 0;
    for (size_t i = 0; i < bytes; ++i) n = (n << 8) | static_cast<uint8_t>(item[1 + i]);
    head += bytes;
  }
  if (item.size() - head != n) return std::nullopt;
  return item.substr(head);
}

// A map member, key and value already in their final form.
struct Member {
  std::string key;    // the text itself, not yet a CBOR item
  std::string value;  // one encoded CBOR item
};

// A map of `members` in the byte order of their keys, as nlohmann's
// std::map-backed objects write them. Reorders `members`.
inline void AppendMap(std::vector<Member>& members, std::string* out) {
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.key < b.key; });
  AppendHead(5, members.size(), out);
  for (const Member& m : members) {
    AppendText(m.key, out);
    out->append(m.value);
  }
}

}  // namespace jalon::cbor
