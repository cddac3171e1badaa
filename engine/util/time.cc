#include "engine/util/time.h"

#include <cstdio>

namespace jalon {
namespace {

namespace chr = std::chrono;

// Reads exactly `n` digits at `pos`; false if any is not a digit.
bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

Result<chr::sys_days> ParseDay(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || !ReadDigits(s, 0, 4, &y) || s[4] != '-' || !ReadDigits(s, 5, 2, &m) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, &d)) {
    return Status::InvalidArgument("not a date (expected YYYY-MM-DD)");
  }
  chr::year_month_day ymd{chr::year(y), chr::month(static_cast<unsigned>(m)),
                          chr::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return Status::InvalidArgument("not a date: no such day in the calendar");
  return chr::sys_days(ymd);
}

}  // namespace

Result<Instant> ParseDate(std::string_view text) {
  if (text.size() != 10) return Status::InvalidArgument("not a date (expected YYYY-MM-DD)");
  auto day = ParseDay(text);
  if (!day.ok()) return day.status();
  return Instant(chr::duration_cast<Micros>(day->time_since_epoch()));
}

Result<Instant> ParseInstant(std::string_view s) {
  auto day = ParseDay(s);
  if (!day.ok()) return day.status();
  Instant t(chr::duration_cast<Micros>(day->time_since_epoch()));
  if (s.size() == 10) return t;
  const auto bad = [] {
    return Status::InvalidArgument(
        "not an instant (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM))");
  };
  int hh = 0, mm = 0, ss = 0;
  if (s[10] != 'T' || !ReadDigits(s, 11, 2, &hh) || s.size() < 19 || s[13] != ':' ||
      !ReadDigits(s, 14, 2, &mm) || s[16] != ':' || !ReadDigits(s, 17, 2, &ss)) {
    return bad();
  }
  if (hh > 23 || mm > 59 || ss > 59)
    return Status::InvalidArgument("not an instant: time out of range");
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (size_t i = digits; i < 6; ++i) frac_us *= 10;
  }
  int64_t offset_min = 0;
  if (pos == s.size()) return bad();  // a time without zone is ambiguous: refuse it
  if (s[pos] == 'Z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh = 0, om = 0;
    if (!ReadDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_min = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  t += chr::hours(hh) + chr::minutes(mm) + chr::seconds(ss) + Micros(frac_us);
  t -= chr::minutes(offset_min);
  return t;
}

std::string FormatDate(Instant t) {
  chr::year_month_day ymd{chr::floor<chr::days>(t)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string FormatInstant(Instant t) {
  auto day = chr::floor<chr::days>(t);
  auto rest = t - day;
  auto h = chr::duration_cast<chr::hours>(rest);
  rest -= h;
  auto m = chr::duration_cast<chr::minutes>(rest);
  rest -= m;
  auto sec = chr::duration_cast<chr::seconds>(rest);
  rest -= sec;
  char buf[48];
  if (rest.count() == 0) {
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", FormatDate(t).c_str(),
                  static_cast<int>(h.count()), static_cast<int>(m.count()),
                  static_cast<int>(sec.count()));
  } else {
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06lldZ", FormatDate(t).c_str(),
                  static_cast<int>(h.count()), static_cast<int>(m.count()),
                  static_cast<int>(sec.count()), static_cast<long long>(rest.count()));
  }
  return buf;
}

Instant SystemClock::Now() const { return chr::time_point_cast<Micros>(chr::system_clock::now()); }

}  // namespace jalon
