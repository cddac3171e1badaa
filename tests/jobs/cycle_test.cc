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
  ASSERT_EQ(o.size(), 3u);                        // 2019-09-30, the revision, the evaluation
  EXPECT_EQ(o[0].id(), "evaluation/2019-04-01");  // the final year is the first
  EXPECT_EQ(o[1].id(), "revision/2019-08-16");
  EXPECT_EQ(o[2].id(), "review/2019-09-30");
  EXPECT_EQ(FormatInstant(o[2].fire_at), "2019-09-30T12:00:00Z");
  EXPECT_TRUE(CycleOccurrences(Json(), options).empty());
}

}  // namespace
}  // namespace jalon::jobs
