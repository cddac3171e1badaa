// Texts kept with their common phrases as one byte each.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace jalon {

// A fixed dictionary of up to 30 phrases, each written as one control
// character (0x01 for the first, and so on). Coding replaces, from left to
// right, the first phrase of the list that starts at each point. A byte below
// 0x20 of the text itself is written behind the escape 0x1F, so Expand(Code(t))
// is t for every text: a phrase missing from the list only costs memory.
// The list is part of any stored encoding: append only.
template <size_t N>
class PhraseCode {
  static_assert(N <= 30, "codes are 0x01-0x1E");

 public:
  explicit constexpr PhraseCode(const std::array<std::string_view, N>& phrases)
      : phrases_(phrases) {}

  std::string Code(std::string_view text) const {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
      const size_t k = PhraseAt(text.substr(i));
      if (k < N) {
        out.push_back(static_cast<char>(k + 1));
        i += phrases_[k].size();
        continue;
      }
      if (static_cast<unsigned char>(text[i]) < 0x20) out.push_back(kEscape);
      out.push_back(text[i++]);
    }
    return out;
  }

  std::string Expand(std::string_view coded) const {
    std::string out;
    out.reserve(coded.size() * 2);
    for (size_t i = 0; i < coded.size(); ++i) {
      const auto c = static_cast<unsigned char>(coded[i]);
      if (c >= 1 && c <= N) {
        out.append(phrases_[c - 1]);
      } else if (c == kEscape && i + 1 < coded.size()) {
        out.push_back(coded[++i]);
      } else {
        out.push_back(coded[i]);
      }
    }
    return out;
  }

  // Expands `text` where it stands; most texts hold no code and are left
  // as they are without a copy.
  void ExpandInPlace(std::string* text) const {
    for (char c : *text) {
      if (static_cast<unsigned char>(c) < 0x20) {
        *text = Expand(*text);
        return;
      }
    }
  }

 private:
  static constexpr char kEscape = 0x1F;
  size_t PhraseAt(std::string_view rest) const {
    for (size_t k = 0; k < N; ++k) {
      if (rest.starts_with(phrases_[k])) return k;
    }
    return N;
  }

  std::array<std::string_view, N> phrases_;
};

}  // namespace jalon
