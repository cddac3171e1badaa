// The city's calendar: French public holidays, working days, and local time
// in Europe/Paris.
//
// Holidays (Code du travail, art. L3133-1): 1 January, Easter Monday,
// 1 May, 8 May, Ascension Thursday (Easter + 39 days), Whit Monday
// (Easter + 50 days), 14 July, 15 August, 1 November, 11 November and
// 25 December. Easter is computed (Gregorian computus), so every year works.
//
// Daylight saving, for a local wall-clock time that the transition days
// make odd:
//   - in the spring gap (e.g. 02:30 on the last Sunday of March does not
//     exist), the occurrence fires at the transition instant, 03:00 CEST:
//     the first local time that exists after the gap;
//   - in the autumn overlap (02:30 on the last Sunday of October happens
//     twice), it fires at the first of the two, 02:30 CEST.
// With the default fire time of 09:00 neither ever happens.
#pragma once

#include <string>
#include <vector>

#include "engine/util/time.h"

namespace jalon::calendar {

struct Holiday {
  int32_t day;       // days since 1970-01-01
  std::string name;  // in French, e.g. "Lundi de Pâques"
};

// The day number of a calendar date, and the year of a day number.
int32_t DayOfYmd(int year, unsigned month, unsigned day);
int YearOf(int32_t day);

// Easter Sunday of `year` (Gregorian), as a day number.
int32_t EasterSunday(int year);
// The 11 public holidays of `year`, in date order.
std::vector<Holiday> FrenchHolidays(int year);

// Why `day` is not a working day ("samedi", "dimanche", "jour férié :
// Ascension"), or empty when it is one.
std::string NonWorkingReason(int32_t day);

struct Shift {
  int32_t nominal;     // the date the rule gives
  int32_t due;         // the next working day at or after `nominal`
  std::string reason;  // empty if not moved; else why, in French
};
// Moves `day` to the next working day, saying why it moved.
Shift NextWorkingDay(int32_t day);
// The same, for a date that must stay on or before `last` (the end of a
// plan's period): when the next working day is after `last`, `day` moves
// back to the last working day before it instead. A `day` already after
// `last` moves forward as NextWorkingDay does.
Shift WorkingDayNoLaterThan(int32_t day, int32_t last);

// The same date one year earlier; 29 February gives 1 March.
int32_t OneYearBefore(int32_t day);

// The instant of local time hh:mm on `day` in Europe/Paris, with the
// daylight-saving rule above.
Instant ParisTime(int32_t day, unsigned hour, unsigned minute);

// "samedi 2 avril 2016", "mercredi 1er juin 2016": a date as staff read it.
std::string FrenchDate(int32_t day);

}  // namespace jalon::calendar
