#include "engine/util/french_date.h"

#include <array>
#include <cctype>

#include "engine/util/time.h"

namespace jalon {
namespace {

constexpr std::array<const char*, 12> kMonths = {"janvier",   "février", "mars",     "avril",
                                                 "mai",       "juin",    "juillet",  "août",
                                                 "septembre", "octobre", "novembre", "décembre"};

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Whether text[at, at+10) has the shape YYYY-MM-DD.
bool IsoShapeAt(std::string_view text, size_t at) {
  if (at + 10 > text.size()) return false;
  for (size_t i = 0; i < 10; ++i) {
    const char c = text[at + i];
    if ((i == 4 || i == 7) ? c != '-' : !IsDigit(c)) return false;
  }
  return true;
}

}  // namespace

std::string FrenchDate(std::string_view iso) {
  if (iso.size() != 10 || !IsoShapeAt(iso, 0) || !ParseDate(iso).ok()) {
    return std::string(iso);
  }
  const int month = (iso[5] - '0') * 10 + (iso[6] - '0');
  const int day = (iso[8] - '0') * 10 + (iso[9] - '0');
  return (day == 1 ? std::string("1er") : std::to_string(day)) + " " + kMonths[month - 1] + " " +
         std::string(iso.substr(0, 4));
}

std::string FrenchDatesInText(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const bool boundary_before = i == 0 || !IsDigit(text[i - 1]);
    const bool boundary_after = i + 10 >= text.size() || !IsDigit(text[i + 10]);
    if (boundary_before && boundary_after && IsoShapeAt(text, i)) {
      out += FrenchDate(text.substr(i, 10));
      i += 10;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace jalon
