// History (who changed what, field by field) and diff between two instants.
#include "engine/plan/audit.h"

#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

class AuditTest : public testing::PlanFixture {};

TEST_F(AuditTest, HistoryShowsWhoWhenAndFieldLevelChanges) {
  ImportExample();
  clock_.Set(ParseInstant("2018-07-02T09:30:00Z").value());
  auto r = Exec("ReportProgress",
                {{"direction", "DEJ"},
                 {"action", "A1.2"},
                 {"date", "2018-07-01"},
                 {"percent", 45},
                 {"note", "Test utilisateurs"}},
                std::nullopt, "cmd-progress-1");
  ASSERT_TRUE(r.ok());
  auto h = service_->History("DEJ", {"action/A1.2", {}, {}});
  ASSERT_TRUE(h.ok());
  const Json& entries = (*h)["entries"];
  ASSERT_EQ(entries.size(), 3u);  // planned, first report, the new report
  EXPECT_EQ(entries[0]["type"], "ActionPlanned");
  EXPECT_EQ(entries[0]["actor"], "test:importer");
  const Json& last = entries[2];
  EXPECT_EQ(last["type"], "ProgressReported");
  EXPECT_EQ(last["actor"], "test:user");
  EXPECT_EQ(last["command_id"], "cmd-progress-1");
  EXPECT_EQ(last["recorded_at"], "2018-07-02T09:31:00Z");
  EXPECT_EQ(last["effective_at"], "2018-07-01T00:00:00Z");
  Json expected = Json::array(
      {{{"field", "/progress/1/date"}, {"before", nullptr}, {"after", "2018-07-01"}},
       {{"field", "/progress/1/note"}, {"before", nullptr}, {"after", "Test utilisateurs"}},
       {{"field", "/progress/1/percent"}, {"before", nullptr}, {"after", 45}}});
  EXPECT_EQ(last["changes"], expected);

  ASSERT_TRUE(Exec("ChangeTarget", {{"direction", "DEJ"},
                                    {"indicator", "I1"},
                                    {"target", {{"value", 70}, {"date", "2020-06-30"}}},
                                    {"reason", "Relevé"}})
                  .ok());
  auto hi = service_->History("DEJ", {"indicator/I1", {}, {}});
  const Json& change = (*hi)["entries"].back()["changes"];
  bool saw_target = false;
  for (const Json& c : change) {
    if (c["field"] == "/target/value") {
      EXPECT_EQ(c["before"], 60);
      EXPECT_EQ(c["after"], 70);
      saw_target = true;
    }
  }
  EXPECT_TRUE(saw_target) << change.dump();
}

TEST_F(AuditTest, HistoryFiltersByRecordedTime) {
  ImportExample();
  const Instant after_import = clock_.Now();
  clock_.Advance(std::chrono::hours(24));
  ASSERT_TRUE(
      Exec("EditSection", {{"direction", "DEJ"}, {"section", "legal"}, {"text", "Nouveau cadre"}})
          .ok());
  auto h = service_->History("DEJ", {"", after_import + Micros(1), {}});
  ASSERT_TRUE(h.ok());
  ASSERT_EQ((*h)["entries"].size(), 1u);
  EXPECT_EQ((*h)["entries"][0]["entity"], "section/legal");
  EXPECT_EQ((*h)["entries"][0]["changes"][0]["after"], "Nouveau cadre");
  auto all = service_->History("DEJ", {});
  EXPECT_EQ((*all)["entries"].size(), Head());
}

TEST_F(AuditTest, DiffListsAddedChangedAndRemovedBetweenInstants) {
  ImportExample();
  const Instant t1 = clock_.Now();
  clock_.Advance(std::chrono::hours(48));
  ASSERT_TRUE(Exec("PlanAction", {{"direction", "DEJ"},
                                  {"id", "A1.3"},
                                  {"axis", "A1"},
                                  {"title", "Guichet mobile"},
                                  {"owner", "Accueil"},
                                  {"start", "2018-09-01"},
                                  {"due", "2019-06-30"},
                                  {"budget_eur", 5000},
                                  {"fte", 0.5}})
                  .ok());
  ASSERT_TRUE(Exec("RemoveSwotItem", {{"direction", "DEJ"}, {"id", "S4"}}).ok());
  ASSERT_TRUE(
      Exec("EditAction", {{"direction", "DEJ"}, {"action", "A1.2"}, {"owner", "Direction"}}).ok());
  const Instant t2 = clock_.Now();
  auto d = service_->Diff("DEJ", t1, t2);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ((*d)["added"].size(), 1u);
  EXPECT_EQ((*d)["added"][0]["entity"], "action/A1.3");
  ASSERT_EQ((*d)["removed"].size(), 1u);
  EXPECT_EQ((*d)["removed"][0]["entity"], "swot/S4");
  ASSERT_EQ((*d)["changed"].size(), 1u);
  EXPECT_EQ((*d)["changed"][0]["entity"], "action/A1.2");
  EXPECT_EQ((*d)["changed"][0]["changes"][0]["field"], "/owner");
  EXPECT_EQ((*d)["changed"][0]["changes"][0]["before"], "Service accueil familles");
  auto none = service_->Diff("DEJ", t2, t2);
  EXPECT_TRUE((*none)["added"].empty() && (*none)["changed"].empty() && (*none)["removed"].empty());
}

}  // namespace
}  // namespace jalon
