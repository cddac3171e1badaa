// Spending on actions, reviews with conclusions and linked decisions, and
// the mid-term revision's modalities: their rules (field-named errors,
// nothing appended), what they leave in the state, the dashboard's budget
// execution, and the jalon.plan/1 round trip.
#include "engine/log/payload.h"
#include "engine/plan/plan_io.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

class PlanLifeTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();
  }

  Result<Json> Spend(const std::string& action, const std::string& date, double amount,
                     const std::string& reason = {}) {
    Json d = {{"direction", "DEJ"},
              {"action", action},
              {"date", date},
              {"amount_eur", amount},
              {"label", "Facture"}};
    if (!reason.empty()) d["reason"] = reason;
    return Exec("RecordSpending", d);
  }

  // Runs `type` and expects the refusal `error` ("data.field: rule..."),
  // with nothing appended.
  void ExpectRefused(const std::string& type, const Json& data, const std::string& error) {
    const uint64_t head = Head();
    auto r = Exec(type, data);
    ASSERT_FALSE(r.ok()) << type << " expected: " << error;
    EXPECT_EQ(r.status().message().substr(0, error.size()), error) << r.status().message();
    EXPECT_EQ(Head(), head);
  }

  Json Dashboard(const std::string& at) {
    return service_->Dashboard("DEJ", ParseDate(at).value(), {}).value();
  }

  // Opens the mid-term revision as the scheduler does.
  void OpenRevision() {
    auto r = service_->AppendSystem(
        "DEJ", "revision/test", "job:calendar",
        [](const PlanState&) -> Result<std::vector<NewEvent>> {
          NewEvent e;
          e.type = "RevisionOpened";
          e.schema_version = 1;
          e.effective_at = ParseDate("2018-06-30").value();
          e.payload = EncodePayload(Json{{"date", "2018-06-30"}, {"due", "2018-09-30"}});
          return std::vector<NewEvent>{std::move(e)};
        });
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
};

TEST_F(PlanLifeTest, SpendingRulesNameTheFieldAndAppendNothing) {
  ASSERT_TRUE(Spend("A1.2", "2017-03-01", 5000).ok());
  const Json base = {{"direction", "DEJ"}, {"action", "A1.2"}, {"label", "Facture"}};
  auto with = [&base](Json extra) {
    Json d = base;
    d.update(extra);
    return d;
  };
  ExpectRefused("RecordSpending", with({{"date", "2017-03-02"}, {"amount_eur", -100}}),
                "data.reason: a correction (a negative amount) gives its reason");
  ExpectRefused("RecordSpending",
                with({{"date", "2017-03-02"}, {"amount_eur", -6000}, {"reason", "Avoir"}}),
                "data.amount_eur: the total spent on the action would fall below 0");
  // A correction dated before the spending it would correct.
  ExpectRefused("RecordSpending",
                with({{"date", "2017-02-01"}, {"amount_eur", -100}, {"reason", "Avoir"}}),
                "data.amount_eur: the total spent on the action would fall below 0");
  ExpectRefused("RecordSpending", with({{"date", "2017-03-02"}, {"amount_eur", 0}}),
                "data.amount_eur: a spending is not 0");
  ExpectRefused("RecordSpending", with({{"date", "2018-08-01"}, {"amount_eur", 10}}),
                "data.date: 2018-08-01 is after today");
  ExpectRefused("RecordSpending", with({{"date", "2015-06-01"}, {"amount_eur", 10}}),
                "data.date: 2015-06-01 is too far from the plan's period");
  ExpectRefused("RecordSpending",
                with({{"action", "Z9"}, {"date", "2017-03-02"}, {"amount_eur", 10}}),
                "data.action: no action 'Z9'");
  ExpectRefused("RecordSpending", with({{"date", "2017-03-02"}}), "data.amount_eur: is required");
  ExpectRefused(
      "RecordSpending",
      {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2017-03-02"}, {"amount_eur", 10}},
      "data.label: is required");
  // A cancelled action takes what was spent before its cancellation only.
  ASSERT_TRUE(
      Exec("CancelAction", {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-01-31"}})
          .ok());
  ExpectRefused("RecordSpending", with({{"date", "2018-02-01"}, {"amount_eur", 10}}),
                "data.date: the action was cancelled on 2018-01-31");
  EXPECT_TRUE(Spend("A1.2", "2018-01-15", 200).ok());
  // A correction that keeps the total at or above 0 at every date.
  EXPECT_TRUE(Spend("A1.2", "2017-04-01", -5000, "Facture annulée").ok());
}

TEST_F(PlanLifeTest, DashboardShowsBudgetAndSpentApartFromTheGauges) {
  const Json before = Dashboard("2018-06-30");
  ASSERT_TRUE(Spend("A1.2", "2017-03-01", 5000).ok());
  ASSERT_TRUE(Spend("A2.1", "2017-06-01", 300000).ok());
  ASSERT_TRUE(Spend("A2.1", "2017-07-01", -20000, "Avoir du prestataire").ok());
  const Json after = Dashboard("2018-06-30");
  EXPECT_EQ(after["execution"], before["execution"]);
  EXPECT_EQ(after["performance"], before["performance"]);
  EXPECT_EQ(after["spent_eur"], 285000.0);
  EXPECT_EQ(after["budget_eur"], 1600000.0);
  for (const Json& axis : after["axes"]) {
    if (axis["id"] == "A2") {
      EXPECT_EQ(axis["spent_eur"], 280000.0);
      EXPECT_EQ(axis["budget_eur"], 1500000.0);
      EXPECT_EQ(axis["actions"][0]["spent_eur"], 280000.0);
    }
  }
  // Spent to the dashboard's date only.
  const Json earlier = Dashboard("2017-06-15");
  EXPECT_EQ(earlier["spent_eur"], 305000.0);
}

TEST_F(PlanLifeTest, SpendingAndReviewsSurviveExportAndReimport) {
  ASSERT_TRUE(Spend("A1.2", "2017-03-01", 5000).ok());
  ASSERT_TRUE(Spend("A1.2", "2017-03-01", -1000, "Doublon").ok());
  ASSERT_TRUE(Spend("A1.2", "2017-02-01", 700).ok());
  const Json decisions =
      Json::array({{{"text", "Relancer le marché"}, {"concerns", {"action/A1.2", "indicator/I1"}}},
                   {{"text", "Rien d'autre"}, {"concerns", Json::array()}}});
  ASSERT_TRUE(Exec("HoldReview", {{"direction", "DEJ"},
                                  {"date", "2018-06-29"},
                                  {"participants", {"Directrice"}},
                                  {"conclusions", "Le portail avance."},
                                  {"decisions", decisions}})
                  .ok());
  Json doc = service_->Export("DEJ", {}).value();
  const Json& spending = doc["actions"][1]["spending"];
  ASSERT_EQ(spending.size(), 3u);
  EXPECT_EQ(spending[0], Json({{"date", "2017-02-01"}, {"amount_eur", 700}, {"label", "Facture"}}));
  EXPECT_EQ(spending[2]["reason"], "Doublon");
  EXPECT_EQ(doc["reviews"][2]["decisions"], decisions);
  EXPECT_EQ(doc["reviews"][2]["conclusions"], "Le portail avance.");
  // Old reviews keep their text decisions.
  EXPECT_TRUE(doc["reviews"][0]["decisions"].is_string());

  doc["direction"]["code"] = "DEJ2";
  ASSERT_TRUE(service_->Import(doc, "test").ok());
  EXPECT_EQ(service_->Export("DEJ2", {}).value(), doc);
  EXPECT_EQ(service_->Dashboard("DEJ2", ParseDate("2018-06-30").value(), {}).value()["spent_eur"],
            Dashboard("2018-06-30")["spent_eur"]);
}

TEST_F(PlanLifeTest, ReviewDecisionsConcernItemsOfThePlan) {
  const Json base = {
      {"direction", "DEJ"}, {"date", "2018-06-29"}, {"participants", {"Directrice"}}};
  auto with = [&base](Json decisions) {
    Json d = base;
    d["decisions"] = std::move(decisions);
    return d;
  };
  ExpectRefused("HoldReview",
                with(Json::array({{{"text", "x"}, {"concerns", {"action/A1.2", "action/Z9"}}}})),
                "data.decisions[0].concerns[1]: no action 'Z9' in this plan");
  ExpectRefused("HoldReview", with(Json::array({{{"text", "x"}, {"concerns", {"indicator/I9"}}}})),
                "data.decisions[0].concerns[0]: no indicator 'I9' in this plan");
  ExpectRefused("HoldReview", with(Json::array({{{"text", "x"}, {"concerns", {"axis/A1"}}}})),
                "data.decisions[0].concerns[0]: must be \"action/ID\" or \"indicator/ID\"");
  ExpectRefused("HoldReview", with(Json::array({{{"text", ""}, {"concerns", Json::array()}}})),
                "data.decisions[0].text: must be a non-empty string");
  ExpectRefused("HoldReview", with(42), "data.decisions: must be a text or a list");
  EXPECT_TRUE(Exec("HoldReview", with("Une décision en texte")).ok());
  const PlanState s = service_->State("DEJ", {}).value();
  EXPECT_EQ(s.reviews.back()["decisions"], "Une décision en texte");
}

TEST_F(PlanLifeTest, RevisionModalitiesWhileTheRevisionIsOpen) {
  const Json data = {{"direction", "DEJ"},
                     {"scope", "Les axes 1 et 2"},
                     {"modalities", "Deux ateliers avec les chefs de service"}};
  ExpectRefused("SetRevisionModalities", data,
                "data.direction: no mid-term revision is open for this plan");
  OpenRevision();
  ASSERT_TRUE(Exec("SetRevisionModalities", data).ok());
  ExpectRefused("SetRevisionModalities", {{"direction", "DEJ"}, {"scope", "x"}},
                "data.modalities: is required");
  PlanState s = service_->State("DEJ", {}).value();
  EXPECT_EQ(s.revision["scope"], "Les axes 1 et 2");
  EXPECT_EQ(s.revision["modalities"], "Deux ateliers avec les chefs de service");
  ASSERT_TRUE(Exec("CloseRevision",
                   {{"direction", "DEJ"}, {"decision", "Maintenu"}, {"date", "2018-07-01"}})
                  .ok());
  ExpectRefused("SetRevisionModalities", data,
                "data.direction: the mid-term revision is already closed");
  s = service_->State("DEJ", {}).value();
  EXPECT_EQ(s.revision["modalities"], "Deux ateliers avec les chefs de service");
}

}  // namespace
}  // namespace jalon
