// SHA-256 digests (OpenSSL), used for the event hash chain and token hashes.
// Stateless free functions; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace jalon {

using Hash = std::array<uint8_t, 32>;

// SHA-256 over the concatenation a ‖ b.
Hash Sha256(std::string_view a, std::string_view b = {});
std::string ToHex(const Hash& h);
// False if `hex` is not 64 hex digits.
bool FromHex(std::string_view hex, Hash* out);

inline std::string_view AsBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace jalon
