// Business dates as day numbers: the days since 1970-01-01 (UTC) that a
// plan's records keep instead of strings. Free functions on values:
// thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "engine/util/time.h"

namespace jalon {

int32_t DayOf(Instant t);
// 00:00 UTC of a day number: the inverse of DayOf for whole days.
inline Instant StartOfDay(int32_t day) { return Instant(std::chrono::days(day)); }
// Throws std::invalid_argument if `iso_date` is not a valid YYYY-MM-DD.
int32_t DayOf(const std::string& iso_date);
std::string DateOfDay(int32_t day);

}  // namespace jalon
