// jalon.plan/1: lossless round trips, atomic imports, errors named by path.
#include "engine/plan/plan_io.h"

#include "engine/plan/generator.h"
#include "engine/plan/model.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

using testing::ExamplePlan;

class PlanIoTest : public testing::PlanFixture {
 protected:
  // Imports `doc` and expects a refusal naming `error`, with nothing appended.
  void ExpectRefused(const Json& doc, const std::string& error) {
    const uint64_t head = Head();
    auto r = service_->Import(doc, "test");
    ASSERT_FALSE(r.ok()) << "expected: " << error;
    EXPECT_EQ(r.status().message().substr(0, error.size()), error) << r.status().message();
    EXPECT_EQ(Head(), head);
  }
};

TEST_F(PlanIoTest, ExampleImportsAndExportsUnchanged) {
  ImportExample();
  auto exported = service_->Export("DEJ", {});
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(*exported, ExamplePlan()) << exported->dump(2);
}

TEST_F(PlanIoTest, AScenariosMeansRoundTripExactlyAndStayInThePeriod) {
  Json doc = ExamplePlan();
  doc["scenarios"][0]["means"] = {{"fte", {{"2016", 3.5}, {"2017", 4}}},
                                  {"budget_eur", {{"2016", 120000}, {"2020", 80000.5}}},
                                  {"new_projects_eur", 50000}};
  ASSERT_TRUE(service_->Import(doc, "test").ok());
  EXPECT_EQ(service_->Export("DEJ", {}).value(), doc);
  EXPECT_EQ(service_->Show("DEJ", {}).value()["scenarios"][0]["means"],
            doc["scenarios"][0]["means"]);
  // A scenario without means reads as before.
  EXPECT_FALSE(service_->Export("DEJ", {}).value()["scenarios"][1].contains("means"));

  const Json outside = {{"direction", "DEJ"},
                        {"id", "SC3"},
                        {"title", "Trop loin"},
                        {"axes", {"A1"}},
                        {"means", {{"fte", {{"2021", 2}}}}}};
  auto r = Exec("ProposeScenario", outside);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "data.means.fte.2021: year 2021 is outside the plan's period 2016 to 2020");
  Json negative = outside;
  negative["means"] = {{"budget_eur", {{"2017", -5}}}};
  EXPECT_EQ(Exec("ProposeScenario", negative).status().message().substr(0, 29),
            "data.means.budget_eur.2017: -");
}

TEST_F(PlanIoTest, GeneratedPlansRoundTrip) {
  AfterGeneratedHistory();
  for (uint64_t seed : {1u, 2u, 3u}) {
    const std::string code = "GEN" + std::to_string(seed);
    GeneratorOptions options;
    options.axes = static_cast<int>(2 + seed);
    const Json doc = GeneratePlan(code, seed, options);
    ASSERT_TRUE(service_->Import(doc, "test").ok());
    EXPECT_EQ(service_->Export(code, {}).value(), doc) << code;
  }
}

TEST_F(PlanIoTest, LaterChangesSurviveExportAndReimport) {
  ImportExample();
  ASSERT_TRUE(Exec("CorrectMeasurement", {{"direction", "DEJ"},
                                          {"indicator", "I2"},
                                          {"date", "2017-12-31"},
                                          {"value", 8.5},
                                          {"reason", "Erreur de calcul"}})
                  .ok());
  ASSERT_TRUE(Exec("ChangeTarget", {{"direction", "DEJ"},
                                    {"indicator", "I1"},
                                    {"target", {{"value", 70}, {"date", "2020-06-30"}}},
                                    {"reason", "Relevé"}})
                  .ok());
  ASSERT_TRUE(Exec("RescheduleAction", {{"direction", "DEJ"},
                                        {"action", "A1.2"},
                                        {"due", "2019-12-31"},
                                        {"reason", "Marché infructueux"}})
                  .ok());
  ASSERT_TRUE(Exec("RetireIndicator", {{"direction", "DEJ"}, {"indicator", "I3"}}).ok());
  ASSERT_TRUE(Exec("RetireMission", {{"direction", "DEJ"}, {"mission", "M2"}}).ok());
  ASSERT_TRUE(Exec("DropAxis", {{"direction", "DEJ"}, {"axis", "A2"}}).ok());
  ASSERT_TRUE(Exec("CancelAction", {{"direction", "DEJ"}, {"action", "A1.2"}}).ok());
  const Json first = service_->Export("DEJ", {}).value();

  testing::TempDir other;
  auto log = testing::OpenLogOrDie(other.path(), clock_);
  Projections projections(*log);
  ASSERT_TRUE(projections.Start().ok());
  PlanService service(*log, projections, clock_);
  auto r = service.Import(first, "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(service.Export("DEJ", {}).value(), first);
  // The lineage is back, not only the final values.
  const PlanState s = *projections.Current("DEJ");
  EXPECT_EQ((*s.indicators.Find("I1"))["target_changes"].size(), 1u);
  const Action a12 = DecodeAction("A1.2", *s.actions.Find("A1.2"));
  EXPECT_EQ(DateOfDay(a12.due), "2019-06-30");  // the planned due date
  ASSERT_EQ(a12.reschedules.size(), 1u);
  EXPECT_EQ(DateOfDay(a12.reschedules[0].due), "2019-12-31");
}

TEST_F(PlanIoTest, InvalidPartsRejectTheWholeImportNamingThePath) {
  Json doc = ExamplePlan();
  doc["axes"][1]["validation"]["date"] = "2016-13-45";
  ExpectRefused(doc, "axes[1].validation.date: not a date");

  doc = ExamplePlan();
  doc["actions"][2]["progress"][0]["percent"] = 150;
  ExpectRefused(doc, "actions[2].progress[0].percent: must be a percentage");

  doc = ExamplePlan();
  doc["actions"][0]["colour"] = "vert";
  ExpectRefused(doc, "actions[0].colour: unknown field");

  doc = ExamplePlan();
  doc["swot"][1].erase("evidence");
  ExpectRefused(doc, "swot[1].evidence: required: rely on facts, not intuitions");

  doc = ExamplePlan();
  doc["indicators"][0]["attached_to"] = "action:Z9";
  ExpectRefused(doc, "indicators[0].attached_to: no action 'Z9'");

  doc = ExamplePlan();
  doc["actions"][1]["axis"] = "A7";
  ExpectRefused(doc, "actions[1].axis: no axis 'A7'");

  doc = ExamplePlan();
  doc["missions"][0]["values"]["kindness"] = 5;
  ExpectRefused(doc, "missions[0].values.kindness: must be an integer score from 0 to 3");

  doc = ExamplePlan();
  doc["actions"][0]["start"] = "2018-01-01";  // after its due date
  ExpectRefused(doc, "actions[0].due: start (2018-01-01) is after due");

  doc = ExamplePlan();
  doc["format"] = "jalon.plan/2";
  ExpectRefused(doc, "format: must be \"jalon.plan/1\"");

  doc = ExamplePlan();
  doc["direction"]["code"] = "../../etc";
  ExpectRefused(doc, "direction.code: not a direction code");

  doc = ExamplePlan();
  doc["sections"]["gossip"] = "x";
  ExpectRefused(doc, "sections.gossip: must be one of");
  EXPECT_EQ(Head(), 0u);
}

TEST_F(PlanIoTest, ReimportIsIdempotentAndAnotherPlanForTheSameDirectionIsRefused) {
  ImportExample();
  const uint64_t head = Head();
  auto again = service_->Import(ExamplePlan(), "test");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE((*again)["replayed"].get<bool>());
  EXPECT_EQ(Head(), head);
  Json other = ExamplePlan();
  other["plan"]["title"] = "Autre projet";
  auto refused = service_->Import(other, "test");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("direction 'DEJ' already exists"), std::string::npos);
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace jalon
