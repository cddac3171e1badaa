// The reminder rules follow the plan as it now stands: an indicator that
// left the plan (retired, its action cancelled, its axis dropped) is no
// longer reminded, nor is an action of a dropped axis.
#include <set>

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

}  // namespace
}  // namespace jalon::jobs
