#include "engine/util/time.h"

#include <gtest/gtest.h>

namespace jalon {
namespace {

TEST(TimeTest, DatesMustExistInTheCalendar) {
  EXPECT_TRUE(ParseDate("2016-02-29").ok());  // leap year
  EXPECT_TRUE(ParseDate("2020-02-29").ok());
  EXPECT_FALSE(ParseDate("2017-02-29").ok());
  EXPECT_FALSE(ParseDate("2100-02-29").ok());  // not a leap year
  EXPECT_FALSE(ParseDate("2016-13-01").ok());
  EXPECT_FALSE(ParseDate("2016-04-31").ok());
  EXPECT_FALSE(ParseDate("2016-4-3").ok());
  EXPECT_FALSE(ParseDate("16-04-03").ok());
  EXPECT_FALSE(ParseDate("2016-04-03T00:00:00Z").ok());
  EXPECT_FALSE(ParseDate("").ok());
  EXPECT_EQ(FormatDate(ParseDate("2016-02-29").value()), "2016-02-29");
}

TEST(TimeTest, InstantsNeedAZoneAndApplyOffsets) {
  EXPECT_EQ(FormatInstant(ParseInstant("2018-03-25T02:30:00+02:00").value()),
            "2018-03-25T00:30:00Z");
  EXPECT_EQ(FormatInstant(ParseInstant("2018-10-28T01:00:00-01:30").value()),
            "2018-10-28T02:30:00Z");
  EXPECT_EQ(FormatInstant(ParseInstant("2016-03-15T10:20:30.5Z").value()),
            "2016-03-15T10:20:30.500000Z");
  EXPECT_EQ(FormatInstant(ParseInstant("2016-03-15").value()), "2016-03-15T00:00:00Z");
  EXPECT_FALSE(ParseInstant("2016-03-15T10:20:30").ok());  // no zone: ambiguous
  EXPECT_FALSE(ParseInstant("2016-03-15T24:00:00Z").ok());
  EXPECT_FALSE(ParseInstant("2016-03-15T10:20:30Zjunk").ok());
  EXPECT_FALSE(ParseInstant("2016-03-15T10:20:30.Z").ok());
}

TEST(TimeTest, SimulatedClockMovesOnlyWhenTold) {
  SimulatedClock clock(ParseDate("2016-01-01").value());
  const Instant t = clock.Now();
  EXPECT_EQ(clock.Now(), t);
  clock.Advance(std::chrono::hours(24 * 366));
  EXPECT_EQ(FormatDate(clock.Now()), "2017-01-01");  // 2016 is a leap year
}

}  // namespace
}  // namespace jalon
