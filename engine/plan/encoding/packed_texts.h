// A few texts that belong together, in one heap block.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace jalon {

// N texts kept in one allocation behind one pointer: each text's length as a
// varint, then the texts back to back. A std::string is 32 bytes and, past 15
// bytes, a heap block of its own; the records a plan holds by the thousand
// (an entity's id and encoding, a reminder's id, rule, subject and expected
// data) took more memory in those headers and blocks than in their texts.
// The texts never change once set; a new value replaces the block whole.
// An empty PackedTexts holds N empty texts and allocates nothing.
template <size_t N>
class PackedTexts {
 public:
  PackedTexts() = default;
  explicit PackedTexts(const std::array<std::string_view, N>& texts) {
    size_t size = 0;
    for (std::string_view t : texts) size += VarintSize(t.size()) + t.size();
    data_.reset(new char[size]);  // not zeroed: every byte is written below
    char* p = data_.get();
    for (std::string_view t : texts) p = PutVarint(p, t.size());
    for (std::string_view t : texts) {
      if (!t.empty()) std::memcpy(p, t.data(), t.size());
      p += t.size();
    }
  }
  PackedTexts(const PackedTexts& o) {
    if (o.data_ == nullptr) return;
    const size_t size = o.BlockSize();
    data_.reset(new char[size]);  // not zeroed: every byte is written below
    std::memcpy(data_.get(), o.data_.get(), size);
  }
  PackedTexts& operator=(const PackedTexts& o) {
    if (this != &o) *this = PackedTexts(o);
    return *this;
  }
  PackedTexts(PackedTexts&&) noexcept = default;
  PackedTexts& operator=(PackedTexts&&) noexcept = default;

  std::string_view operator[](size_t i) const {
    if (data_ == nullptr) return {};
    std::array<size_t, N> lengths;
    const char* p = ReadLengths(&lengths);
    for (size_t k = 0; k < i; ++k) p += lengths[k];
    return {p, lengths[i]};
  }

 private:
  static size_t VarintSize(size_t v) {
    size_t n = 1;
    while (v >= 0x80) v >>= 7, ++n;
    return n;
  }
  static char* PutVarint(char* p, size_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    return p;
  }
  // The lengths; returns where the first text starts.
  const char* ReadLengths(std::array<size_t, N>* lengths) const {
    const char* p = data_.get();
    for (size_t k = 0; k < N; ++k) {
      size_t v = 0;
      for (int shift = 0;; shift += 7) {
        const auto byte = static_cast<uint8_t>(*p++);
        v |= static_cast<size_t>(byte & 0x7f) << shift;
        if (byte < 0x80) break;
      }
      (*lengths)[k] = v;
    }
    return p;
  }
  size_t BlockSize() const {
    std::array<size_t, N> lengths;
    const char* p = ReadLengths(&lengths);
    size_t size = static_cast<size_t>(p - data_.get());
    for (size_t l : lengths) size += l;
    return size;
  }

  std::unique_ptr<char[]> data_;
};

}  // namespace jalon
