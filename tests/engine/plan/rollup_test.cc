// The roll-up of DESIGN.md, checked against figures worked out by hand.
#include "engine/plan/rollup.h"

#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

class RollupTest : public testing::PlanFixture {
 protected:
  Json DashboardAt(const std::string& date) {
    auto d = service_->Dashboard("DEJ", ParseDate(date).value(), {});
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : Json();
  }
};

TEST_F(RollupTest, ExamplePlanGivesTheHandWorkedFigures) {
  ImportExample();
  const Json d = DashboardAt("2018-07-01");
  // A1: (100 x 80,000 + 30 x 20,000) / 100,000 = 86; A2: 60; plan: (86 + 60) / 2 = 73.
  EXPECT_EQ(d["execution"], 73.0);
  EXPECT_EQ(d["axes"][0]["execution"], 86.0);
  EXPECT_EQ(d["axes"][1]["execution"], 60.0);
  // I1: 100 x (41 - 0) / (60 - 0) = 68.33; I2 (decrease): 100 x (9 - 11) / (6 - 11) = 40;
  // I3 has no measurement. Plan: (68.33 + 40) / 2 = 54.17.
  EXPECT_EQ(d["performance"], 54.17);
  EXPECT_EQ(d["axes"][0]["performance"], 68.33);
  EXPECT_EQ(d["axes"][1]["performance"], 40.0);
  EXPECT_EQ(d["indicators"][0]["attainment"], 68.33);
  EXPECT_EQ(d["indicators"][1]["attainment"], 40.0);
  EXPECT_TRUE(d["indicators"][2]["attainment"].is_null());
  // A1.2: expected 100 x 546 / 910 = 60, progress 30 < 54 -> at_risk.
  // A2.1: expected 100 x 760 / 1187 = 64.0, progress 60 >= 57.6 -> on_track.
  EXPECT_EQ(d["axes"][0]["actions"][0]["status"], "done");
  EXPECT_EQ(d["axes"][0]["actions"][0]["progress"], 100.0);
  EXPECT_EQ(d["axes"][0]["actions"][1]["status"], "at_risk");
  EXPECT_EQ(d["axes"][1]["actions"][0]["status"], "on_track");
}

TEST_F(RollupTest, OnlyReportsAndMeasurementsDatedByTheQueryDateCount) {
  ImportExample();
  const Json d = DashboardAt("2017-12-31");
  // A1.2: no report yet -> 0. A1: (100 x 80,000 + 0) / 100,000 = 80.
  // A2.1: 25 (2017-06-30). Plan: (80 + 25) / 2 = 52.5.
  EXPECT_EQ(d["axes"][0]["execution"], 80.0);
  EXPECT_EQ(d["axes"][1]["execution"], 25.0);
  EXPECT_EQ(d["execution"], 52.5);
  // I1: 22 -> 36.67; I2: 9 -> 40. Plan: 38.33.
  EXPECT_EQ(d["indicators"][0]["latest"], 22);
  EXPECT_EQ(d["indicators"][0]["attainment"], 36.67);
  EXPECT_EQ(d["performance"], 38.33);
  const Json before = DashboardAt("2016-01-01");
  EXPECT_EQ(before["axes"][0]["actions"][1]["status"], "not_started");
  EXPECT_TRUE(before["performance"].is_null());
}

TEST_F(RollupTest, CancelledActionsAndDroppedAxesAreLeftOut) {
  ImportExample();
  ASSERT_TRUE(Exec("CancelAction", {{"direction", "DEJ"}, {"action", "A1.2"}}).ok());
  Json d = DashboardAt("2018-07-01");
  EXPECT_EQ(d["axes"][0]["execution"], 100.0);  // only A1.1 counts
  EXPECT_EQ(d["execution"], 80.0);              // (100 + 60) / 2
  ASSERT_TRUE(Exec("DropAxis", {{"direction", "DEJ"}, {"axis", "A2"}}).ok());
  d = DashboardAt("2018-07-01");
  EXPECT_TRUE(d["axes"][1]["execution"].is_null());
  EXPECT_EQ(d["execution"], 100.0);
}

TEST_F(RollupTest, UnbudgetedAxisTakesThePlainMeanAndEmptyAxisHasNoFigure) {
  ImportExample();
  ASSERT_TRUE(Exec("ProposeAxis", {{"direction", "DEJ"},
                                   {"id", "A3"},
                                   {"title", "Former les agents"},
                                   {"missions", {"M1"}}})
                  .ok());
  Json d = DashboardAt("2018-07-01");
  EXPECT_TRUE(d["axes"][2]["execution"].is_null());
  EXPECT_EQ(d["execution"], 73.0);  // an axis without a figure does not count as 0
  for (const char* id : {"A3.1", "A3.2"}) {
    ASSERT_TRUE(Exec("PlanAction", {{"direction", "DEJ"},
                                    {"id", id},
                                    {"axis", "A3"},
                                    {"title", "Formation"},
                                    {"owner", "RH"},
                                    {"start", "2018-01-01"},
                                    {"due", "2018-12-31"},
                                    {"budget_eur", 0},
                                    {"fte", 0}})
                    .ok());
  }
  ASSERT_TRUE(
      Exec("ReportProgress",
           {{"direction", "DEJ"}, {"action", "A3.1"}, {"date", "2018-06-01"}, {"percent", 50}})
          .ok());
  d = DashboardAt("2018-07-01");
  EXPECT_EQ(d["axes"][2]["execution"], 25.0);  // (50 + 0) / 2
}

// The current dashboard is cached per plan version and day: it must always
// be what a fresh roll-up of the plan gives, whatever came between.
TEST_F(RollupTest, CachedDashboardIsAlwaysAFreshRollUp) {
  ImportExample();
  auto fresh = [&](const std::string& date) {
    return Dashboard(*service_->projections().Current("DEJ"), ParseDate(date).value());
  };
  for (int round = 0; round < 3; ++round) {
    for (const char* date : {"2018-07-01", "2017-12-31", "2018-07-01"}) {
      auto text = service_->CurrentDashboardText("DEJ", ParseDate(date).value());
      ASSERT_TRUE(text.ok());
      EXPECT_EQ(Json::parse(**text), fresh(date)) << date << ", round " << round;
      EXPECT_EQ(DashboardAt(date), fresh(date)) << date;
    }
    ASSERT_TRUE(Exec("ReportProgress", {{"direction", "DEJ"},
                                        {"action", "A1.2"},
                                        {"date", "2017-0" + std::to_string(round + 1) + "-15"},
                                        {"percent", 10 * (round + 1)}})
                    .ok());
  }
  EXPECT_TRUE(service_->CurrentDashboardText("NOPE", std::nullopt).status().IsNotFound());
}

TEST(AttainmentTest, PolaritiesAndEdges) {
  auto attainment = [](const char* polarity, double baseline, double target, double latest) {
    const Json indicator = {{"polarity", polarity},
                            {"baseline", {{"value", baseline}, {"date", "2016-01-01"}}},
                            {"target", {{"value", target}, {"date", "2019-01-01"}}}};
    return AttainmentOf(indicator, latest);
  };
  EXPECT_DOUBLE_EQ(attainment("increase", 10, 30, 40), 100);  // clamped
  EXPECT_DOUBLE_EQ(attainment("increase", 10, 30, 5), 0);     // clamped
  EXPECT_DOUBLE_EQ(attainment("decrease", 11, 6, 8.5), 50);
  EXPECT_DOUBLE_EQ(attainment("maintain_above", 0, 90, 90), 100);
  EXPECT_DOUBLE_EQ(attainment("maintain_above", 0, 90, 89.9), 0);
  EXPECT_DOUBLE_EQ(attainment("maintain_below", 0, 5, 4), 100);
  EXPECT_DOUBLE_EQ(attainment("maintain_below", 0, 5, 6), 0);
  EXPECT_DOUBLE_EQ(attainment("increase", 10, 10, 10), 100);  // nothing to cover
}

}  // namespace
}  // namespace jalon
