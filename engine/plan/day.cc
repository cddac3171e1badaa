#include "engine/plan/day.h"

#include <chrono>
#include <stdexcept>

namespace jalon {

int32_t DayOf(Instant t) {
  return static_cast<int32_t>(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

int32_t DayOf(const std::string& iso_date) {
  auto date = ParseDate(iso_date);
  // Decide only ever stores valid dates; a damaged event may not. Apply
  // turns this into a Corruption naming the event.
  if (!date.ok()) throw std::invalid_argument("'" + iso_date + "': " + date.status().message());
  return DayOf(*date);
}

std::string DateOfDay(int32_t day) { return FormatDate(Instant(std::chrono::days(day))); }

}  // namespace jalon
