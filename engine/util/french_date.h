// Dates as French staff read them: "24 juillet 2017", "1er mars 2018".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace jalon {

// "2017-07-24" → "24 juillet 2017"; anything that is not a valid ISO date
// (YYYY-MM-DD) comes back unchanged.
std::string FrenchDate(std::string_view iso);

// `text` with each ISO date in it written in words.
std::string FrenchDatesInText(std::string_view text);

}  // namespace jalon
