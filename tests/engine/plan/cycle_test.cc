// A direction's next cycle (engine/plan/cycle.h): what OpenCycle carries
// over, what it empties, that the plan it follows stays exactly as it was
// at the previous position, and the rules that refuse it naming the field.
#include "engine/plan/cycle.h"

#include <gtest/gtest.h>

#include "engine/log/payload.h"
#include "engine/plan/command.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/refusal_fr.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

class CycleTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(ParseInstant("2018-07-02T08:00:00Z").value());
    ImportExample();
    clock_.Set(ParseInstant("2021-01-04T08:00:00Z").value());
  }

  static Json NextCycle(Json extra = Json::object()) {
    Json d = testing::ExampleNextCycle();
    d.update(extra);
    return d;
  }

  Json Now() { return service_->Show("DEJ", TimeQuery{}).value(); }

  // The command is refused on `field`, with a French wording, and nothing is appended.
  void ExpectRefused(const std::string& type, const Json& data, const std::string& field) {
    const uint64_t head = Head();
    auto r = Exec(type, data);
    ASSERT_FALSE(r.ok()) << type << " " << data.dump();
    const std::string message(r.status().message());
    EXPECT_EQ(message.rfind("data." + field + ": ", 0), 0u) << message;
    EXPECT_TRUE(HasFrenchRefusal(message.substr(message.find(": ") + 2))) << message;
    EXPECT_EQ(Head(), head);
  }
};

TEST_F(CycleTest, CarriesMissionsAndStateOfPlayAndOffersTheUnfinishedActions) {
  const Json before = Now();
  const uint64_t head = Head();
  ASSERT_TRUE(Exec("OpenCycle", NextCycle()).ok());
  const Json after = Now();

  const Json& plan = after["plan"];
  EXPECT_EQ(plan["cycle"], 2);
  EXPECT_EQ(plan["title"], "Projet de direction 2021-2024");
  EXPECT_EQ(plan["period_start"], "2021-01-01");
  ASSERT_EQ(plan["previous_cycles"].size(), 1u);
  const Json& previous = plan["previous_cycles"][0];
  EXPECT_EQ(previous["cycle"], 1);
  EXPECT_EQ(previous["title"], "Projet de direction 2016-2020");
  EXPECT_EQ(previous["period_end"], "2020-12-31");
  EXPECT_EQ(previous["last_position"], head);
  EXPECT_EQ(previous["last_version"], before["version"]);

  // A1.1 is done: only the started actions are offered.
  std::vector<std::string> offered;
  for (const Json& a : plan["carry_over"]) offered.push_back(a["id"]);
  EXPECT_EQ(offered, (std::vector<std::string>{"A1.2", "A2.1"}));
  EXPECT_EQ(plan["carry_over"][0]["axis"], "A1");
  EXPECT_FALSE(plan["carry_over"][0]["axis_title"].get<std::string>().empty());
  EXPECT_EQ(plan["carry_over"][0]["title"], before["actions"][1]["title"]);

  // The state of play and the missions stay; the missions are to be scored again.
  EXPECT_EQ(after["sections"], before["sections"]);
  EXPECT_EQ(after["identity"], before["identity"]);
  ASSERT_EQ(after["missions"].size(), 2u);
  for (const Json& m : after["missions"]) {
    EXPECT_FALSE(m.contains("values")) << m.dump();
    EXPECT_FALSE(m.contains("ambitions")) << m.dump();
  }
  for (const char* part : {"swot", "axes", "scenarios", "actions", "indicators", "reviews"})
    EXPECT_TRUE(after[part].empty()) << part;
  EXPECT_EQ(plan["earlier_ids"]["axes"], (Json{"A1", "A2"}));
  EXPECT_EQ(plan["earlier_ids"]["indicators"], (Json{"I1", "I2", "I3"}));
  EXPECT_FALSE(plan["earlier_ids"].contains("missions"));

  // The plan it follows, read at its last position, is the one shown before.
  TimeQuery at;
  at.position = head;
  Json old = service_->Show("DEJ", at).value();
  Json shown = before;
  for (Json* j : {&old, &shown}) j->erase("position");
  EXPECT_EQ(old, shown);

  // The same after a restart that rebuilds the projections from the log.
  Reopen();
  EXPECT_EQ(Now(), after);
}

TEST_F(CycleTest, MissionsNamedAreTheOnlyOnesCarried) {
  ASSERT_TRUE(Exec("OpenCycle", NextCycle({{"missions", {"M2"}}})).ok());
  const Json after = Now();
  ASSERT_EQ(after["missions"].size(), 1u);
  EXPECT_EQ(after["missions"][0]["id"], "M2");
  EXPECT_EQ(after["plan"]["earlier_ids"]["missions"], Json{"M1"});
  // M1 was left behind: its id is not taken again.
  ExpectRefused("DefineMission", {{"direction", "DEJ"}, {"id", "M1"}, {"title", "Accueillir"}},
                "id");
}

TEST_F(CycleTest, RefusalsNameTheFieldAndAppendNothing) {
  ExpectRefused("OpenCycle", NextCycle({{"period_start", "2020-12-31"}}), "period_start");
  ExpectRefused("OpenCycle", NextCycle({{"dated", "2020-12-31"}}), "dated");
  ExpectRefused("OpenCycle", NextCycle({{"dated", "2021-01-05"}}), "dated");  // after today
  ExpectRefused("OpenCycle", NextCycle({{"period_end", "2020-12-31"}}), "period_end");
  ExpectRefused("OpenCycle", NextCycle({{"missions", {"M9"}}}), "missions[0]");
  ASSERT_TRUE(Exec("RetireMission", {{"direction", "DEJ"}, {"mission", "M2"}}).ok());
  ExpectRefused("OpenCycle", NextCycle({{"missions", {"M1", "M2"}}}), "missions[1]");
  ExpectRefused("OpenCycle", NextCycle({{"direction", "DRH"}}), "direction");
}

TEST_F(CycleTest, CarryingOverAnActionNamesOneUnfinishedActionOnce) {
  ASSERT_TRUE(Exec("OpenCycle", NextCycle()).ok());
  // The ids of the cycle before are not reused.
  ExpectRefused("ProposeAxis",
                {{"direction", "DEJ"}, {"id", "A1"}, {"title", "Accueil"}, {"missions", {"M1"}}},
                "id");
  ASSERT_TRUE(Exec("ProposeAxis",
                   {{"direction", "DEJ"}, {"id", "A3"}, {"title", "Accueil"}, {"missions", {"M1"}}})
                  .ok());
  const Json action = {{"direction", "DEJ"},        {"axis", "A3"},
                       {"title", "Guichet unique"}, {"owner", "Chef"},
                       {"start", "2021-02-01"},     {"due", "2022-06-30"},
                       {"budget_eur", 1000},        {"fte", 0.5}};
  Json carry = action;
  carry.update({{"id", "A3.1"}, {"carried_from", "A1.1"}});  // done: not offered
  ExpectRefused("PlanAction", carry, "carried_from");
  carry["carried_from"] = "A9.9";
  ExpectRefused("PlanAction", carry, "carried_from");
  carry["carried_from"] = "A1.2";
  ASSERT_TRUE(Exec("PlanAction", carry).ok());
  EXPECT_EQ(Now()["actions"][0]["carried_from"], "A1.2");
  Json again = action;
  again.update({{"id", "A3.2"}, {"carried_from", "A1.2"}});
  ExpectRefused("PlanAction", again, "carried_from");

  // The export opens a first cycle when imported: its plan has the plan's
  // own fields, and carried_from is read, not replayed.
  const Json doc = service_->Export("DEJ", TimeQuery{}).value();
  EXPECT_EQ(doc["plan"].size(), 4u) << doc["plan"].dump();
  auto steps = PlanToCommands(doc);
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  EXPECT_TRUE(DecideImport(*steps, clock_.Now()).ok());
}

TEST_F(CycleTest, AThirdCycleKeepsEveryEarlierCycle) {
  ASSERT_TRUE(Exec("OpenCycle", NextCycle()).ok());
  ASSERT_TRUE(Exec("ProposeAxis",
                   {{"direction", "DEJ"}, {"id", "A3"}, {"title", "Accueil"}, {"missions", {"M1"}}})
                  .ok());
  clock_.Set(ParseInstant("2025-02-03T08:00:00Z").value());
  ASSERT_TRUE(Exec("OpenCycle", {{"direction", "DEJ"},
                                 {"title", "Projet de direction 2025-2029"},
                                 {"period_start", "2025-02-01"},
                                 {"period_end", "2029-01-31"},
                                 {"dated", "2025-02-03"}})
                  .ok());
  const Json plan = Now()["plan"];
  EXPECT_EQ(plan["cycle"], 3);
  ASSERT_EQ(plan["previous_cycles"].size(), 2u);
  EXPECT_EQ(plan["previous_cycles"][1]["cycle"], 2);
  EXPECT_EQ(plan["earlier_ids"]["axes"], (Json{"A1", "A2", "A3"}));
  EXPECT_TRUE(plan["carry_over"].empty());  // the second cycle had no action
}

}  // namespace
}  // namespace jalon
