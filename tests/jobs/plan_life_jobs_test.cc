// What the evaluation and the review documents carry of the plan's life:
// each held review's conclusions and decisions with the items they concern,
// and the budget execution (planned against spent) per action and axis.
#include <gtest/gtest.h>

#include "jobs/documents/documents.h"
#include "jobs/evaluation/evaluation.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon::jobs {
namespace {

class PlanLifeJobsTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(ParseInstant("2018-07-02T08:00:00Z").value());
    ImportExample();  // holds reviews 1 and 2, with a text decision each
    ASSERT_TRUE(Exec("RecordSpending", {{"direction", "DEJ"},
                                        {"action", "A2.1"},
                                        {"date", "2017-06-01"},
                                        {"amount_eur", 300000},
                                        {"label", "Travaux"}})
                    .ok());
    ASSERT_TRUE(
        Exec("HoldReview",
             {{"direction", "DEJ"},
              {"date", "2018-06-30"},
              {"participants", {"Directrice"}},
              {"conclusions", "Le portail avance bien."},
              {"decisions", Json::array({{{"text", "Relancer le marché"},
                                          {"concerns", {"action/A1.2", "indicator/I1"}}}})}})
            .ok());
  }

  static const Table& Named(const std::vector<Table>& tables, const std::string& name) {
    for (const Table& t : tables) {
      if (t.name == name) return t;
    }
    ADD_FAILURE() << "no table " << name;
    static const Table none;
    return none;
  }
};

TEST_F(PlanLifeJobsTest, EvaluationCarriesReviewsDecisionsAndBudgetExecution) {
  auto data = EvaluationData(*service_, "DEJ", ParseDate("2018-07-01").value(), ReminderOptions());
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const std::vector<Table> tables = EvaluationTables(*data);
  std::vector<Json> held;
  for (const Json& r : Named(tables, "revues").rows) {
    if (r["kind"] == "Revue tenue") held.push_back(r);  // as the spreadsheet says it
  }
  ASSERT_EQ(held.size(), 3u);
  EXPECT_EQ(held[0]["decision"], "Lancement du marché du portail famille.");
  EXPECT_EQ(held[2]["decision"], "Relancer le marché (action/A1.2, indicator/I1)");
  EXPECT_EQ(held[2]["conclusions"], "Le portail avance bien.");
  bool column = false;
  for (const Column& c : Named(tables, "revues").columns) column |= c.key == "conclusions";
  EXPECT_TRUE(column);

  for (const Json& a : Named(tables, "actions").rows) {
    if (a["id"] == "A2.1") {
      EXPECT_EQ(a["spent_eur"], 300000);
      EXPECT_EQ(a["budget_eur"], 1500000);
    }
  }
  for (const Json& a : Named(tables, "axes").rows) {
    if (a["id"] == "A2") {
      EXPECT_EQ(a["spent_eur"], 300000);
      EXPECT_EQ(a["budget_eur"], 1500000);
    }
  }
}

TEST_F(PlanLifeJobsTest, ReviewDocumentPrintsConclusionsAndDecisionsWithTitles) {
  auto d = ReviewDocData(*service_, "DEJ", 3);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const std::string md = ReviewDocument(*d).ToMarkdown();
  EXPECT_NE(md.find("Le portail avance bien."), std::string::npos) << md;
  const Json plan = testing::ExamplePlan();
  const std::string action = plan["actions"][1]["title"], indicator = plan["indicators"][0]["name"];
  EXPECT_NE(md.find("Relancer le marché (concerne : " + action + ", " + indicator + ")"),
            std::string::npos)
      << md;
  // An older review's text decisions still print.
  auto first = ReviewDocData(*service_, "DEJ", 1);
  ASSERT_TRUE(first.ok());
  EXPECT_NE(ReviewDocument(*first).ToMarkdown().find("Lancement du marché du portail famille."),
            std::string::npos);
}

}  // namespace
}  // namespace jalon::jobs
