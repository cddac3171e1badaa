// A plan's cycle of occurrences from its own period.
#include "jobs/cycle/cycle.h"

#include <gtest/gtest.h>

namespace jalon::jobs {
namespace {

const Json kPlan = {{"title", "Projet 2016-2020"},
                    {"period_start", "2016-01-01"},
                    {"period_end", "2020-12-31"},
                    {"dated", "2016-03-15"}};

TEST(CycleTest, TheDefaultCycleOf2016To2020) {
  const auto occurrences = CycleOccurrences(kPlan, CycleOptions());
  std::vector<std::string> reviews;
  std::string revision, evaluation;
  for (const Occurrence& o : occurrences) {
    if (o.schedule == "review") reviews.push_back(DateOfDay(o.date.nominal));
    if (o.schedule == "revision") revision = DateOfDay(o.date.due);
    if (o.schedule == "evaluation") evaluation = DateOfDay(o.date.due);
  }
  EXPECT_EQ(reviews, (std::vector<std::string>{
                         "2016-06-30", "2016-12-15", "2017-06-30", "2017-12-15", "2018-06-30",
                         "2018-12-15", "2019-06-30", "2019-12-15", "2020-06-30", "2020-12-15"}));
  EXPECT_EQ(revision, "2018-07-02");    // the midpoint
  EXPECT_EQ(evaluation, "2020-01-02");  // 1 January 2020 is a holiday
  for (size_t i = 1; i < occurrences.size(); ++i) {
    EXPECT_LE(occurrences[i - 1].fire_at, occurrences[i].fire_at);
  }
  // 30 June 2018 is a Saturday: Monday 2 July, at 09:00 Paris (07:00Z).
  const Occurrence& june_2018 = occurrences[4];
  EXPECT_EQ(june_2018.id(), "review/2018-06-30");
  EXPECT_EQ(DateOfDay(june_2018.date.due), "2018-07-02");
  EXPECT_EQ(FormatInstant(june_2018.fire_at), "2018-07-02T07:00:00Z");
  EXPECT_EQ(june_2018.ToJson()["moved"], true);
}

TEST(CycleTest, ConfiguredDatesAndShortPlans) {
  CycleOptions options;
  options.review_dates = {{3, 31}, {9, 30}};
  options.fire_hour = 14;
  const Json short_plan = {{"period_start", "2019-04-01"}, {"period_end", "2019-12-31"}};
  const auto o = CycleOccurrences(short_plan, options);
  ASSERT_EQ(o.size(), 3u);  // the revision, the evaluation, 2019-09-30
  EXPECT_EQ(o[0].id(), "revision/2019-08-16");
  // Its last year starts before the plan: the day after the revision, a
  // Saturday, so Monday.
  EXPECT_EQ(o[1].id(), "evaluation/2019-08-17");
  EXPECT_EQ(DateOfDay(o[1].date.due), "2019-08-19");
  EXPECT_EQ(o[2].id(), "review/2019-09-30");
  EXPECT_EQ(FormatInstant(o[2].fire_at), "2019-09-30T12:00:00Z");
  EXPECT_TRUE(CycleOccurrences(Json(), options).empty());
}

// The occurrence of `schedule` (the first one), or an empty one.
Occurrence Find(const std::vector<Occurrence>& list, const std::string& schedule) {
  for (const Occurrence& o : list) {
    if (o.schedule == schedule) return o;
  }
  return Occurrence{};
}

TEST(CycleTest, TheFinalEvaluationOpensAtTheStartOfThePlansLastYear) {
  const Json plan = {{"period_start", "2017-09-01"}, {"period_end", "2021-08-31"}};
  const auto o = CycleOccurrences(plan, CycleOptions());
  const Occurrence evaluation = Find(o, "evaluation");
  EXPECT_EQ(evaluation.id(), "evaluation/2020-09-01");
  EXPECT_EQ(DateOfDay(evaluation.date.due), "2020-09-01");
  EXPECT_EQ(FormatInstant(evaluation.fire_at), "2020-09-01T07:00:00Z");
  EXPECT_EQ(Find(o, "revision").id(), "revision/2019-09-01");
  // A three-year plan: the last year, well after the revision.
  const Json three = {{"period_start", "2018-01-01"}, {"period_end", "2020-12-31"}};
  EXPECT_EQ(Find(CycleOccurrences(three, CycleOptions()), "evaluation").id(),
            "evaluation/2020-01-01");
  // Two years: the last year starts at the midpoint, the revision's day.
  const Json two = {{"period_start", "2019-01-01"}, {"period_end", "2020-12-31"}};
  const auto t = CycleOccurrences(two, CycleOptions());
  EXPECT_EQ(DateOfDay(Find(t, "revision").date.due), "2020-01-02");
  EXPECT_EQ(Find(t, "evaluation").id(), "evaluation/2020-01-03");
}

TEST(CycleTest, TheEvaluationNeverComesBeforeTheRevisionNorAReviewAfterTheEnd) {
  CycleOptions options;
  options.review_dates = {{1, 1}, {6, 30}, {12, 31}};
  for (int32_t start = DayOf("2016-01-01"); start < DayOf("2016-01-08"); ++start) {
    for (int32_t length = 0; length < 4 * 366; length += 3) {
      const Json plan = {{"period_start", DateOfDay(start)},
                         {"period_end", DateOfDay(start + length)}};
      const auto o = CycleOccurrences(plan, options);
      const Occurrence revision = Find(o, "revision"), evaluation = Find(o, "evaluation");
      ASSERT_GT(evaluation.date.due, revision.date.due) << plan.dump();
      if (length >= 14) {
        EXPECT_LE(evaluation.date.due, start + length) << plan.dump();
        EXPECT_GE(evaluation.date.due, start + length - 366) << plan.dump();
      }
      // A week has working days; a shorter plan may have none.
      for (const Occurrence& r : o) {
        if (r.schedule == "review" && length >= 7) {
          EXPECT_LE(r.date.due, start + length) << plan.dump() << " " << r.id();
        }
      }
    }
  }
}

TEST(CycleTest, AReviewShiftedPastThePeriodsEndMovesBackInsideIt) {
  CycleOptions options;
  options.review_dates = {{6, 30}, {12, 31}};
  const Json plan = {{"period_start", "2016-01-01"}, {"period_end", "2016-12-31"}};
  const Occurrence last = CycleOccurrences(plan, options).back();
  ASSERT_EQ(last.id(), "review/2016-12-31");  // a Saturday; Monday 2 January is outside
  EXPECT_EQ(DateOfDay(last.date.due), "2016-12-30");
  EXPECT_EQ(FormatInstant(last.fire_at), "2016-12-30T08:00:00Z");
  EXPECT_EQ(last.ToJson()["moved"], true);
  // A longer plan takes the next working day, as every other date.
  const Json longer = {{"period_start", "2016-01-01"}, {"period_end", "2017-12-31"}};
  for (const Occurrence& o : CycleOccurrences(longer, options)) {
    if (o.id() == "review/2016-12-31") {
      EXPECT_EQ(DateOfDay(o.date.due), "2017-01-02");
    }
  }
}

}  // namespace
}  // namespace jalon::jobs
