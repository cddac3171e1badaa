// The reminder rules follow the plan as it now stands: an indicator that
// left the plan (retired, its action cancelled, its axis dropped) is no
// longer reminded, nor is an action of a dropped axis; and nothing is
// reminded once the plan's period has ended.
#include <set>
#include <string>

#include "engine/plan/command.h"
#include "jobs/reminders/rules.h"
#include "jobs/simulation.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon::jobs {
namespace {

class ReminderRulesTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(ParseInstant("2016-01-04T10:00:00Z").value());
    ASSERT_TRUE(service_->Import(WithoutHistory(testing::ExamplePlan()), "test").ok());
    clock_.Set(ParseInstant("2017-12-01T10:00:00Z").value());
  }

  std::set<std::string> Subjects() {
    std::set<std::string> out;
    const PlanState s = *projections_->Current("DEJ");
    for (const Expected& e : ExpectedReminders(s, DayOf(clock_.Now()), ReminderOptions(), nullptr))
      out.insert(e.subject);
    return out;
  }
};

TEST_F(ReminderRulesTest, IndicatorsThatLeftThePlanAreNoLongerReminded) {
  std::set<std::string> subjects = Subjects();
  for (const char* s : {"indicator/I1", "indicator/I2", "indicator/I3"}) {
    EXPECT_TRUE(subjects.contains(s)) << s;
  }
  ASSERT_TRUE(Exec("CancelAction", {{"direction", "DEJ"}, {"action", "A1.1"}}).ok());  // I1's
  ASSERT_TRUE(Exec("DropAxis", {{"direction", "DEJ"}, {"axis", "A2"}}).ok());          // I2's
  subjects = Subjects();
  EXPECT_FALSE(subjects.contains("indicator/I1"));
  EXPECT_FALSE(subjects.contains("indicator/I2"));
  EXPECT_TRUE(subjects.contains("indicator/I3"));
  ASSERT_TRUE(Exec("RetireIndicator", {{"direction", "DEJ"}, {"indicator", "I3"}}).ok());
  EXPECT_FALSE(Subjects().contains("indicator/I3"));
}

// A 2016-2020 plan whose December 2020 review was never held and whose
// revision was never closed.
PlanState LapsedCycle() {
  PlanState s;
  s.code = "DEJ";
  s.plan = {{"period_start", "2016-01-01"}, {"period_end", "2020-12-31"}};
  s.reviews_due = {DayOf("2020-06-30")};
  s.revision = {{"date", "2020-07-01"}};
  return s;
}

std::set<std::string> Rules(const PlanState& s, const char* day, int32_t* next_day = nullptr) {
  std::set<std::string> out;
  for (const Expected& e : ExpectedReminders(s, DayOf(day), ReminderOptions(), next_day))
    out.insert(e.rule);
  return out;
}

TEST(ReminderRulesPeriodTest, ReviewAndRevisionRemindersStopWhenThePeriodEnds) {
  const PlanState s = LapsedCycle();
  int32_t next_day = 0;
  EXPECT_EQ(Rules(s, "2020-12-31", &next_day),
            (std::set<std::string>{"review_not_held", "revision_open"}));
  EXPECT_EQ(next_day, DayOf("2021-01-01"));  // to resolve them then
  EXPECT_TRUE(Rules(s, "2021-01-01", &next_day).empty());
  EXPECT_EQ(next_day, INT32_MAX);
  EXPECT_TRUE(Rules(s, "2023-06-01").empty());
  // A reminder that would first be due after the end is never issued.
  PlanState late = LapsedCycle();
  late.reviews_due = {DayOf("2020-12-15")};
  late.revision = Json();
  EXPECT_TRUE(Rules(late, "2020-12-31", &next_day).empty());
  EXPECT_EQ(next_day, DayOf("2021-01-01"));
  EXPECT_TRUE(Rules(late, "2021-01-20", &next_day).empty());
  EXPECT_EQ(next_day, INT32_MAX);
}

// Staff read what a reminder expects in the web pages, the emails, the
// review document and the CLI: every rule's text says what to do in their
// words, never the name of a command.
TEST_F(ReminderRulesTest, NoExpectedTextNamesACommand) {
  PlanState s = *projections_->Current("DEJ");
  s.reviews_due = {DayOf("2017-06-30")};
  s.revision = {{"date", "2017-07-03"}};
  std::set<std::string> rules;
  for (const Expected& e : ExpectedReminders(s, DayOf(clock_.Now()), ReminderOptions())) {
    rules.insert(e.rule);
    for (const std::string& type : CommandTypes())
      EXPECT_EQ(e.expected.find(type), std::string::npos) << e.rule << ": " << e.expected;
    // As the plan keeps it, too.
    const Reminder r(e.id, e.rule, e.subject, e.expected);
    EXPECT_EQ(r.expected(), e.expected);
  }
  EXPECT_EQ(rules, (std::set<std::string>{"indicator_stale", "action_overdue", "review_not_held",
                                          "revision_open"}));
}

}  // namespace
}  // namespace jalon::jobs
