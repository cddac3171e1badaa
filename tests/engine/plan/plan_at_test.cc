// The plan as it stood on a date, as known now (DESIGN.md, "Roll-up",
// **Time**): each change counts from its effective date, whenever it was
// recorded. The first tests are the past figures a later change used to
// rewrite; the figures are worked out by hand from the sample plan.
#include "engine/plan/plan_at.h"

#include "engine/plan/rollup.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

class PlanAtTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();  // the clock reads 2018-07-01
  }

  Json DashboardAt(const std::string& date, const TimeQuery& when = {}) {
    auto d = service_->Dashboard("DEJ", ParseDate(date).value(), when);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : Json();
  }

  static Json Find(const Json& list, const std::string& id) {
    for (const Json& item : list) {
      if (item["id"] == id) return item;
    }
    return Json();
  }
  static Json ActionIn(const Json& dashboard, const std::string& id) {
    for (const Json& axis : dashboard["axes"]) {
      if (Json a = Find(axis["actions"], id); !a.is_null()) return a;
    }
    return Json();
  }

  void Ok(const std::string& type, Json data) {
    data["direction"] = "DEJ";
    auto r = Exec(type, std::move(data));
    ASSERT_TRUE(r.ok()) << type << ": " << r.status().ToString();
  }
};

TEST_F(PlanAtTest, ACompletionCountsFromItsDateNotBefore) {
  Ok("CompleteAction", {{"action", "A1.2"}, {"date", "2017-11-15"}});
  Json d = DashboardAt("2016-12-31");
  EXPECT_EQ(ActionIn(d, "A1.2")["status"], "not_started");
  EXPECT_EQ(ActionIn(d, "A1.2")["progress"], 0.0);
  d = DashboardAt("2017-11-14");
  EXPECT_EQ(ActionIn(d, "A1.2")["status"], "at_risk");
  d = DashboardAt("2017-11-15");
  EXPECT_EQ(ActionIn(d, "A1.2")["status"], "done");
  EXPECT_EQ(ActionIn(d, "A1.2")["progress"], 100.0);
}

TEST_F(PlanAtTest, ACancelledActionStillCountsBeforeItsCancellation) {
  Ok("CancelAction", {{"action", "A1.2"}, {"date", "2018-06-01"}});
  // 2018-03-15: A1 = (100 x 80,000 + 30 x 20,000) / 100,000 = 86.
  Json d = DashboardAt("2018-03-15");
  EXPECT_EQ(d["axes"][0]["execution"], 86.0);
  EXPECT_EQ(ActionIn(d, "A1.2")["status"], "at_risk");
  d = DashboardAt("2018-06-01");
  EXPECT_EQ(d["axes"][0]["execution"], 100.0);
  EXPECT_EQ(ActionIn(d, "A1.2")["status"], "cancelled");
}

TEST_F(PlanAtTest, LoweringATargetTodayLeavesLastYearsPerformance) {
  const Json before = DashboardAt("2017-12-31");
  Ok("ChangeTarget", {{"indicator", "I1"},
                      {"target", {{"value", 30}, {"date", "2019-12-31"}}},
                      {"reason", "Objectif revu"}});
  Json d = DashboardAt("2017-12-31");
  EXPECT_EQ(d["performance"], before["performance"]);
  EXPECT_EQ(Find(d["indicators"], "I1")["attainment"], 36.67);  // 22 / 60
  EXPECT_EQ(Find(d["indicators"], "I1")["target"], 60);
  d = DashboardAt("2018-07-01");
  EXPECT_EQ(Find(d["indicators"], "I1")["attainment"], 100.0);  // 41 / 30
  EXPECT_EQ(Find(d["indicators"], "I1")["initial_target"], 60);
}

TEST_F(PlanAtTest, DroppingAnAxisLeavesPastExecutionAndPerformance) {
  Ok("DropAxis", {{"axis", "A2"}});
  // 2017-12-31: A1 80, A2 25 -> 52.5; I1 36.67, I2 40 -> 38.33.
  Json d = DashboardAt("2017-12-31");
  EXPECT_EQ(d["execution"], 52.5);
  EXPECT_EQ(d["performance"], 38.33);
  EXPECT_EQ(d["axes"][1]["dropped"], false);
  // From the drop: A1 alone (86), and I2, attached to A2, leaves with it.
  d = DashboardAt("2018-07-01");
  EXPECT_EQ(d["execution"], 86.0);
  EXPECT_EQ(d["performance"], 68.33);
  EXPECT_EQ(d["axes"][1]["dropped"], true);
  EXPECT_FALSE(Find(d["indicators"], "I2")["counted"].get<bool>());
}

TEST_F(PlanAtTest, ReschedulingKeepsThePastLateStatus) {
  clock_.Set(ParseInstant("2019-09-01T08:00:00Z").value());
  Ok("RescheduleAction", {{"action", "A1.2"}, {"due", "2020-06-30"}, {"reason", "Marché relancé"}});
  Json d = DashboardAt("2019-08-01");  // past the due date then in force, 2019-06-30
  EXPECT_EQ(ActionIn(d, "A1.2")["status"], "late");
  EXPECT_EQ(ActionIn(d, "A1.2")["due"], "2019-06-30");
  EXPECT_EQ(d["late_actions"], 1);
  d = DashboardAt("2019-09-01");
  EXPECT_NE(ActionIn(d, "A1.2")["status"], "late");
  EXPECT_EQ(ActionIn(d, "A1.2")["due"], "2020-06-30");
}

TEST_F(PlanAtTest, RetiringAnIndicatorLeavesPastPerformance) {
  Ok("RetireIndicator", {{"indicator", "I2"}});
  Json d = DashboardAt("2017-12-31");
  EXPECT_EQ(d["performance"], 38.33);  // (36.67 + 40) / 2
  EXPECT_EQ(Find(d["indicators"], "I2")["retired"], false);
  d = DashboardAt("2018-07-01");
  EXPECT_EQ(d["performance"], 68.33);  // I1 alone
  EXPECT_EQ(Find(d["indicators"], "I2")["trajectory"], "retired");
}

TEST_F(PlanAtTest, ABudgetChangeWeighsFromItsDate) {
  Ok("EditAction", {{"action", "A1.2"}, {"budget_eur", 80000}, {"date", "2018-05-01"}});
  // Before: (100 x 80,000 + 30 x 20,000) / 100,000 = 86; after: (100 + 30) / 2 = 65.
  EXPECT_EQ(DashboardAt("2018-04-30")["axes"][0]["execution"], 86.0);
  EXPECT_EQ(DashboardAt("2018-05-01")["axes"][0]["execution"], 65.0);
}

TEST_F(PlanAtTest, ABackdatedTargetChangeCountsFromItsDateAndAsOfShowsWhatWasKnown) {
  const Instant before_recorded = clock_.Now();
  Ok("ChangeTarget", {{"indicator", "I1"},
                      {"target", {{"value", 30}, {"date", "2019-12-31"}}},
                      {"reason", "Révision à mi-parcours"},
                      {"date", "2018-01-15"}});
  EXPECT_EQ(Find(DashboardAt("2018-01-14")["indicators"], "I1")["attainment"], 36.67);  // 22/60
  EXPECT_EQ(Find(DashboardAt("2018-01-15")["indicators"], "I1")["attainment"], 73.33);  // 22/30
  // As known before it was recorded, the old target was still in force.
  TimeQuery as_of;
  as_of.as_of = before_recorded;
  EXPECT_EQ(Find(DashboardAt("2018-03-01", as_of)["indicators"], "I1")["attainment"], 36.67);
  // The history shows both dates.
  auto history = service_->History("DEJ", {"indicator/I1", {}, {}});
  ASSERT_TRUE(history.ok());
  const Json& last = (*history)["entries"].back();
  EXPECT_EQ(last["type"], "TargetChanged");
  EXPECT_EQ(last["effective_at"].get<std::string>().substr(0, 10), "2018-01-15");
  EXPECT_EQ(last["recorded_at"].get<std::string>().substr(0, 10), "2018-07-01");
  // show returns each change with who made it and both its dates.
  const Json shown = service_->Show("DEJ", {}).value();
  const Json change = Find(shown["indicators"], "I1")["target_changes"][0];
  EXPECT_EQ(change["date"], "2018-01-15");
  EXPECT_EQ(change["by"], "test:user");
  EXPECT_EQ(change["recorded"].get<std::string>().substr(0, 10), "2018-07-01");
}

TEST_F(PlanAtTest, DatesBeforeThePlanOrAfterTodayAreRefusedNamingTheField) {
  const uint64_t head = Head();
  const Json target = {{"value", 30}, {"date", "2019-12-31"}};
  for (const char* date : {"2015-12-31", "2018-07-02"}) {
    auto r = Exec("ChangeTarget", {{"direction", "DEJ"},
                                   {"indicator", "I1"},
                                   {"target", target},
                                   {"reason", "r"},
                                   {"date", date}});
    ASSERT_FALSE(r.ok()) << date;
    EXPECT_EQ(r.status().message().substr(0, 11), "data.date: ") << r.status().message();
  }
  for (const auto& [type, data] : std::vector<std::pair<std::string, Json>>{
           {"RescheduleAction", {{"action", "A1.2"}, {"due", "2019-12-31"}, {"reason", "r"}}},
           {"EditAction", {{"action", "A1.2"}, {"budget_eur", 1}}},
           {"RetireIndicator", {{"indicator", "I2"}}},
           {"RetireMission", {{"mission", "M2"}}},
           {"DropAxis", {{"axis", "A2"}}}}) {
    Json d = data;
    d["direction"] = "DEJ";
    d["date"] = "2018-07-02";
    auto r = Exec(type, d);
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_EQ(r.status().message().substr(0, 11), "data.date: ") << type << r.status().message();
  }
  EXPECT_EQ(Head(), head);
  // A change dated before the last one of its kind is refused: changes
  // are kept in date order.
  Ok("ChangeTarget",
     {{"indicator", "I1"}, {"target", target}, {"reason", "r"}, {"date", "2018-03-01"}});
  auto r = Exec("ChangeTarget", {{"direction", "DEJ"},
                                 {"indicator", "I1"},
                                 {"target", target},
                                 {"reason", "r"},
                                 {"date", "2018-02-01"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().substr(0, 11), "data.date: ") << r.status().message();
}

TEST_F(PlanAtTest, StartEqualToDueTargetEqualToBaselineAndTwoReportsOnOneDate) {
  Ok("PlanAction", {{"id", "A1.3"},
                    {"axis", "A1"},
                    {"title", "Journée portes ouvertes"},
                    {"owner", "Accueil"},
                    {"start", "2018-03-01"},
                    {"due", "2018-03-01"},
                    {"budget_eur", 0},
                    {"fte", 0}});
  EXPECT_EQ(ActionIn(DashboardAt("2018-02-28"), "A1.3")["status"], "not_started");
  // Expected 100 from the start when start = due.
  EXPECT_EQ(ActionIn(DashboardAt("2018-03-01"), "A1.3")["status"], "at_risk");
  EXPECT_EQ(ActionIn(DashboardAt("2018-03-02"), "A1.3")["status"], "late");
  Ok("ReportProgress", {{"action", "A1.3"}, {"date", "2018-03-01"}, {"percent", 40}});
  Ok("ReportProgress", {{"action", "A1.3"}, {"date", "2018-03-01"}, {"percent", 90}});
  Json d = DashboardAt("2018-03-01");
  EXPECT_EQ(ActionIn(d, "A1.3")["progress"], 90.0);  // the later recorded
  EXPECT_EQ(ActionIn(d, "A1.3")["status"], "on_track");

  Ok("DefineIndicator", {{"id", "I4"},
                         {"attached_to", "axis:A1"},
                         {"kind", "output"},
                         {"name", "Guichets ouverts"},
                         {"unit", "nombre"},
                         {"polarity", "increase"},
                         {"baseline", {{"value", 5}, {"date", "2016-01-01"}}},
                         {"target", {{"value", 5}, {"date", "2019-12-31"}}},
                         {"frequency", "annual"},
                         {"source", "Accueil"}});
  Ok("RecordMeasurement", {{"indicator", "I4"}, {"date", "2017-01-31"}, {"value", 4}});
  Ok("RecordMeasurement", {{"indicator", "I4"}, {"date", "2018-01-31"}, {"value", 5}});
  EXPECT_EQ(Find(DashboardAt("2017-06-30")["indicators"], "I4")["attainment"], 0.0);
  EXPECT_EQ(Find(DashboardAt("2018-06-30")["indicators"], "I4")["attainment"], 100.0);
}

TEST_F(PlanAtTest, IndicatorsOfACancelledActionLeaveFromItsDate) {
  Ok("DefineIndicator", {{"id", "I5"},
                         {"attached_to", "action:A1.2"},
                         {"kind", "output"},
                         {"name", "Dossiers uniques"},
                         {"unit", "%"},
                         {"polarity", "increase"},
                         {"baseline", {{"value", 0}, {"date", "2016-12-31"}}},
                         {"target", {{"value", 100}, {"date", "2019-06-30"}}},
                         {"frequency", "annual"},
                         {"source", "Accueil"}});
  Ok("RecordMeasurement", {{"indicator", "I5"}, {"date", "2017-12-31"}, {"value", 50}});
  Ok("CancelAction", {{"action", "A1.2"}, {"date", "2018-04-01"}});
  // 2018-03-31: A1's indicators I1 (36.67) and I5 (50).
  Json d = DashboardAt("2018-03-31");
  EXPECT_EQ(d["axes"][0]["performance"], 43.33);
  EXPECT_TRUE(Find(d["indicators"], "I5")["counted"].get<bool>());
  d = DashboardAt("2018-04-01");
  EXPECT_EQ(d["axes"][0]["performance"], 36.67);
  EXPECT_TRUE(Find(d["indicators"], "I5")["attainment"].is_null());
}

TEST_F(PlanAtTest, DashboardExplainAndEvaluationShareOneReading) {
  Ok("DropAxis", {{"axis", "A2"}, {"date", "2018-01-01"}});
  Ok("ChangeTarget", {{"indicator", "I1"},
                      {"target", {{"value", 30}, {"date", "2019-12-31"}}},
                      {"reason", "r"},
                      {"date", "2017-06-01"}});
  const PlanState s = *projections_->Current("DEJ");
  for (const char* date : {"2017-03-01", "2017-12-31", "2018-02-01", "2018-07-01"}) {
    const Instant at = ParseDate(date).value();
    const Json d = Dashboard(s, at);
    for (const Json& axis : d["axes"]) {
      const Json e = ExplainAxis(s, axis["id"], at);
      EXPECT_EQ(e["execution"]["value"], axis["execution"]) << date;
      EXPECT_EQ(e["performance"]["value"], axis["performance"]) << date;
    }
    EXPECT_EQ(DashboardAt(date), d) << date;
  }
}

}  // namespace
}  // namespace jalon
