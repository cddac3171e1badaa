// The calendar against dates from the French official calendar: Easter-based
// holidays 2016-2020, the working-day shift, leap days, and the two
// daylight-saving transitions of Europe/Paris.
#include "jobs/calendar/calendar.h"

#include <gtest/gtest.h>

#include "engine/plan/plan_state.h"

namespace jalon::calendar {
namespace {

int32_t D(const char* date) { return DayOf(std::string(date)); }

TEST(CalendarTest, EasterBasedHolidays2016To2020) {
  struct Year {
    int year;
    const char *easter_monday, *ascension, *whit_monday;
  };
  // From the published calendars (service-public.fr).
  const Year years[] = {{2016, "2016-03-28", "2016-05-05", "2016-05-16"},
                        {2017, "2017-04-17", "2017-05-25", "2017-06-05"},
                        {2018, "2018-04-02", "2018-05-10", "2018-05-21"},
                        {2019, "2019-04-22", "2019-05-30", "2019-06-10"},
                        {2020, "2020-04-13", "2020-05-21", "2020-06-01"}};
  for (const Year& y : years) {
    const auto holidays = FrenchHolidays(y.year);
    ASSERT_EQ(holidays.size(), 11u);
    auto named = [&](const std::string& name) {
      for (const Holiday& h : holidays) {
        if (h.name == name) return DateOfDay(h.day);
      }
      return std::string("missing");
    };
    EXPECT_EQ(named("Lundi de Pâques"), y.easter_monday) << y.year;
    EXPECT_EQ(named("Ascension"), y.ascension) << y.year;
    EXPECT_EQ(named("Lundi de Pentecôte"), y.whit_monday) << y.year;
    EXPECT_EQ(named("Fête nationale"), std::to_string(y.year) + "-07-14");
    for (size_t i = 1; i < holidays.size(); ++i) EXPECT_LT(holidays[i - 1].day, holidays[i].day);
  }
  EXPECT_EQ(DateOfDay(EasterSunday(2016)), "2016-03-27");
  EXPECT_EQ(DateOfDay(EasterSunday(2019)), "2019-04-21");
}

TEST(CalendarTest, DueDatesMoveToTheNextWorkingDaySayingWhy) {
  // A Thursday holiday: Ascension 2018.
  Shift s = NextWorkingDay(D("2018-05-10"));
  EXPECT_EQ(DateOfDay(s.due), "2018-05-11");
  EXPECT_NE(s.reason.find("jour férié : Ascension"), std::string::npos) << s.reason;
  // Saturday, Sunday, then Whit Monday 2016: Tuesday.
  s = NextWorkingDay(D("2016-05-14"));
  EXPECT_EQ(DateOfDay(s.due), "2016-05-17");
  EXPECT_NE(s.reason.find("samedi 14 mai 2016"), std::string::npos) << s.reason;
  EXPECT_NE(s.reason.find("Lundi de Pentecôte"), std::string::npos) << s.reason;
  // Easter Monday 2016.
  EXPECT_EQ(DateOfDay(NextWorkingDay(D("2016-03-28")).due), "2016-03-29");
  // A working day stays, with no reason.
  s = NextWorkingDay(D("2018-06-29"));
  EXPECT_EQ(s.due, s.nominal);
  EXPECT_TRUE(s.reason.empty());
  // Leap day: Sunday 28 February 2016 moves to Monday 29 February.
  EXPECT_EQ(DateOfDay(NextWorkingDay(D("2016-02-28")).due), "2016-02-29");
  EXPECT_EQ(NonWorkingReason(D("2016-02-29")), "");
  // 1 January 2020 (Wednesday, a holiday) moves to 2 January.
  EXPECT_EQ(DateOfDay(NextWorkingDay(D("2020-01-01")).due), "2020-01-02");
}

TEST(CalendarTest, ADateThatMustStayInsideThePeriodMovesBackInstead) {
  // Saturday 31 December 2016: the next working day is Monday 2 January.
  const Shift back = WorkingDayNoLaterThan(D("2016-12-31"), D("2016-12-31"));
  EXPECT_EQ(DateOfDay(back.due), "2016-12-30");
  EXPECT_NE(back.reason.find("avancé au jour ouvré précédent"), std::string::npos) << back.reason;
  EXPECT_NE(back.reason.find("samedi 31 décembre 2016"), std::string::npos) << back.reason;
  // Inside the period, or already after it: forward as usual.
  EXPECT_EQ(DateOfDay(WorkingDayNoLaterThan(D("2016-12-31"), D("2017-01-31")).due), "2017-01-02");
  EXPECT_EQ(DateOfDay(WorkingDayNoLaterThan(D("2016-12-30"), D("2016-12-30")).due), "2016-12-30");
  EXPECT_EQ(DateOfDay(WorkingDayNoLaterThan(D("2017-01-01"), D("2016-12-31")).due), "2017-01-02");
  // Sunday 31 December 2017 and Saturday 30: Friday 29.
  EXPECT_EQ(DateOfDay(WorkingDayNoLaterThan(D("2017-12-31"), D("2017-12-31")).due), "2017-12-29");
}

TEST(CalendarTest, OneYearBefore) {
  EXPECT_EQ(DateOfDay(OneYearBefore(D("2021-09-01"))), "2020-09-01");
  EXPECT_EQ(DateOfDay(OneYearBefore(D("2021-01-01"))), "2020-01-01");
  EXPECT_EQ(DateOfDay(OneYearBefore(D("2020-02-29"))), "2019-03-01");
  EXPECT_EQ(DateOfDay(OneYearBefore(D("2021-02-28"))), "2020-02-28");
}

TEST(CalendarTest, ParisTimeFollowsDaylightSavingWithTheStatedRule) {
  // Winter (UTC+1) and summer (UTC+2).
  EXPECT_EQ(FormatInstant(ParisTime(D("2016-01-15"), 9, 0)), "2016-01-15T08:00:00Z");
  EXPECT_EQ(FormatInstant(ParisTime(D("2016-06-30"), 9, 0)), "2016-06-30T07:00:00Z");
  // Transition days at 09:00 are ordinary.
  EXPECT_EQ(FormatInstant(ParisTime(D("2016-03-27"), 9, 0)), "2016-03-27T07:00:00Z");
  EXPECT_EQ(FormatInstant(ParisTime(D("2016-10-30"), 9, 0)), "2016-10-30T08:00:00Z");
  // Spring gap: 02:30 does not exist; it fires at 03:00 CEST = 01:00Z.
  EXPECT_EQ(FormatInstant(ParisTime(D("2016-03-27"), 2, 30)), "2016-03-27T01:00:00Z");
  // Autumn overlap: 02:30 happens twice; the first, CEST = 00:30Z.
  EXPECT_EQ(FormatInstant(ParisTime(D("2016-10-30"), 2, 30)), "2016-10-30T00:30:00Z");
}

TEST(CalendarTest, FrenchDates) {
  EXPECT_EQ(FrenchDate(D("2016-04-02")), "samedi 2 avril 2016");
  EXPECT_EQ(FrenchDate(D("2020-02-29")), "samedi 29 février 2020");
  EXPECT_EQ(FrenchDate(D("2018-07-01")), "dimanche 1er juillet 2018");
}

}  // namespace
}  // namespace jalon::calendar
