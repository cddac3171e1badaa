#include "engine/util/csv.h"

#include <array>

namespace jalon {

bool StartsLikeFormula(std::string_view text) {
  if (text.empty()) return false;
  switch (text.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      break;
  }
  // The full-width forms (U+FF1D = , U+FF0B + , U+FF0D - , U+FF20 @), which
  // some spreadsheets fold to their ASCII forms on input.
  static constexpr std::array<std::string_view, 4> kWide = {"\xEF\xBC\x9D", "\xEF\xBC\x8B",
                                                            "\xEF\xBC\x8D", "\xEF\xBC\xA0"};
  for (std::string_view wide : kWide) {
    if (text.starts_with(wide)) return true;
  }
  return false;
}

std::string CsvTextCell(std::string_view text) {
  const bool formula = StartsLikeFormula(text);
  if (!formula && text.find_first_of(",;\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string quoted = formula ? "\"'" : "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

}  // namespace jalon
