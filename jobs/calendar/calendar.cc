#include "jobs/calendar/calendar.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>

#include "engine/util/french_date.h"

namespace jalon::calendar {
namespace {

date::year_month_day Ymd(int32_t day) {
  return date::year_month_day{date::sys_days{date::days{day}}};
}

}  // namespace

int32_t DayOfYmd(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch().count();
}

int YearOf(int32_t day) { return static_cast<int>(Ymd(day).year()); }

int32_t EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;
  return DayOfYmd(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::vector<Holiday> FrenchHolidays(int year) {
  const int32_t easter = EasterSunday(year);
  std::vector<Holiday> out = {
      {DayOfYmd(year, 1, 1), "Jour de l'an"},
      {easter + 1, "Lundi de Pâques"},
      {DayOfYmd(year, 5, 1), "Fête du Travail"},
      {DayOfYmd(year, 5, 8), "Victoire 1945"},
      {easter + 39, "Ascension"},
      {easter + 50, "Lundi de Pentecôte"},
      {DayOfYmd(year, 7, 14), "Fête nationale"},
      {DayOfYmd(year, 8, 15), "Assomption"},
      {DayOfYmd(year, 11, 1), "Toussaint"},
      {DayOfYmd(year, 11, 11), "Armistice 1918"},
      {DayOfYmd(year, 12, 25), "Noël"},
  };
  std::sort(out.begin(), out.end(),
            [](const Holiday& x, const Holiday& y) { return x.day < y.day; });
  return out;
}

std::string NonWorkingReason(int32_t day) {
  const date::weekday wd{date::sys_days{date::days{day}}};
  if (wd == date::Saturday) return "samedi";
  if (wd == date::Sunday) return "dimanche";
  for (const Holiday& h : FrenchHolidays(YearOf(day))) {
    if (h.day == day) return "jour férié : " + h.name;
  }
  return "";
}

Shift NextWorkingDay(int32_t day) {
  Shift s{day, day, ""};
  for (std::string why = NonWorkingReason(s.due); !why.empty(); why = NonWorkingReason(s.due)) {
    // Weekends speak for themselves; a holiday is named.
    const bool weekend = why == "samedi" || why == "dimanche";
    s.reason +=
        (s.reason.empty() ? "" : ", puis ") + FrenchDate(s.due) + (weekend ? "" : " (" + why + ")");
    ++s.due;
  }
  if (!s.reason.empty()) s.reason = "reporté au jour ouvré suivant : " + s.reason;
  return s;
}

Shift WorkingDayNoLaterThan(int32_t day, int32_t last) {
  Shift s = NextWorkingDay(day);
  if (s.due <= last || day > last) return s;
  s = Shift{day, day, ""};
  for (std::string why = NonWorkingReason(s.due); !why.empty(); why = NonWorkingReason(s.due)) {
    const bool weekend = why == "samedi" || why == "dimanche";
    s.reason +=
        (s.reason.empty() ? "" : ", puis ") + FrenchDate(s.due) + (weekend ? "" : " (" + why + ")");
    --s.due;
  }
  s.reason = "avancé au jour ouvré précédent, le suivant tombant après la fin de la période (" +
             FrenchDate(last) + ") : " + s.reason;
  return s;
}

int32_t OneYearBefore(int32_t day) {
  const date::year_month_day ymd = Ymd(day);
  // An invalid 29 February counts on into March (date's sys_days rule).
  return DayOfYmd(int(ymd.year()) - 1, unsigned(ymd.month()), unsigned(ymd.day()));
}

Instant ParisTime(int32_t day, unsigned hour, unsigned minute) {
  static const date::time_zone* paris = date::locate_zone("Europe/Paris");
  const auto local =
      date::local_days{date::days{day}} + std::chrono::hours(hour) + std::chrono::minutes(minute);
  const date::local_info info = paris->get_info(local);
  // Gap: the transition instant (choose::latest maps there); overlap: the
  // first of the two instants.
  const auto sys = info.result == date::local_info::nonexistent
                       ? paris->to_sys(local, date::choose::latest)
                       : paris->to_sys(local, date::choose::earliest);
  return std::chrono::time_point_cast<Micros>(sys);
}

std::string FrenchDate(int32_t day) {
  static const char* kDays[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                "jeudi",    "vendredi", "samedi"};
  const date::year_month_day ymd = Ymd(day);
  const date::weekday wd{date::sys_days{date::days{day}}};
  const unsigned d = unsigned(ymd.day());
  return std::string(kDays[wd.c_encoding()]) + " " + (d == 1 ? "1er" : std::to_string(d)) + " " +
         FrenchMonthName(static_cast<int>(unsigned(ymd.month()))) + " " +
         std::to_string(int(ymd.year()));
}

}  // namespace jalon::calendar
