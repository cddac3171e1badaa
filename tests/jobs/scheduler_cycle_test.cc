// The plan's cycle as the scheduler runs it: a caught-up review's grace, a
// plan imported late into a running daemon, the preview's dates and the
// simulation's firing times.
#include <gtest/gtest.h>

#include <set>

#include "engine/log/payload.h"
#include "jobs/scheduler.h"
#include "jobs/simulation.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon::jobs {
namespace {

class SchedulerCycleTest : public testing::PlanFixture {
 protected:
  static Instant At(const char* instant) { return ParseInstant(instant).value(); }

  void ImportDej() {
    clock_.Set(At("2016-01-04T10:00:00Z"));
    ASSERT_TRUE(service_->Import(WithoutHistory(testing::ExamplePlan()), "test").ok());
  }

  std::unique_ptr<Scheduler> Restart(JobsOptions options = {}) {
    return std::make_unique<Scheduler>(*service_, clock_, options, nullptr);
  }

  // The active reminders of rule `rule` in plan `code`, by subject.
  std::set<std::string> Open(const std::string& rule, const std::string& code = "DEJ") {
    std::set<std::string> out;
    const PlanState state = service_->State(code, {}).value();
    for (const Reminder& r : state.reminders) {
      if (r.active() && r.rule() == rule) out.insert(std::string(r.subject()));
    }
    return out;
  }

  struct Recorded {
    std::string stream;
    Json payload;
    Instant at;
  };
  // Every event of `type`, in log order.
  std::vector<Recorded> Events(const std::string& type) {
    std::vector<Recorded> out;
    EXPECT_TRUE(
        log_->Scan(1,
                   [&](const Event& e) {
                     if (e.type == type)
                       out.push_back({e.stream, DecodePayload(e.payload).value(), e.recorded_at});
                     return true;
                   })
            .ok());
    return out;
  }
};

// Down from May to 10 August 2016: the June review fires 41 days late,
// inside the catch-up window. Its 30 days of grace run from 10 August, not
// from 30 June (which would remind at once).
TEST_F(SchedulerCycleTest, ACaughtUpReviewGetsItsWholeGraceFromWhenItFired) {
  ImportDej();
  clock_.Set(At("2016-05-02T10:00:00Z"));
  ASSERT_TRUE(Restart()->Tick().ok());
  clock_.Set(At("2016-08-10T10:00:00Z"));
  auto scheduler = Restart();
  TickStats stats;
  ASSERT_TRUE(scheduler->Tick(&stats).ok());
  EXPECT_EQ(stats.caught_up, 1u);
  const Json fired = service_->State("DEJ", {})->occurrences.At("review/2016-06-30");
  EXPECT_EQ(fired["fired_on"], "2016-08-10") << fired.dump();
  EXPECT_TRUE(Open("review_not_held").empty());
  clock_.Set(At("2016-09-09T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  EXPECT_TRUE(Open("review_not_held").empty());
  clock_.Set(At("2016-09-10T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  EXPECT_EQ(Open("review_not_held"), std::set<std::string>{"review/2016-06-30"});
}

// A plan imported in January 2017 into a daemon running since 2016: its
// 2016 reviews were due before it was in the log. Both are skipped saying
// so, even the December one inside the catch-up window; the next fires.
TEST_F(SchedulerCycleTest, APlanImportedLateIsNotToldItMissedItsOccurrencesWhileDown) {
  ImportDej();
  clock_.Set(At("2016-01-05T10:00:00Z"));
  auto scheduler = Restart();
  ASSERT_TRUE(scheduler->Tick().ok());
  clock_.Set(At("2017-01-10T10:00:00Z"));
  Json drh = WithoutHistory(testing::ExamplePlan());
  drh["direction"]["code"] = "DRH";
  ASSERT_TRUE(service_->Import(drh, "test").ok());
  ASSERT_TRUE(scheduler->Tick().ok());
  std::set<std::string> skipped;
  for (const Recorded& e : Events("OccurrenceSkipped")) {
    if (e.stream != "plan/DRH") continue;
    const Json& p = e.payload;
    const std::string reason = p["reason"];
    if (reason.find("antérieure à l'enregistrement du projet") != std::string::npos)
      skipped.insert(p["occurrence"].get<std::string>());
    EXPECT_EQ(reason.find("arrêt de jalond"), std::string::npos) << reason;
  }
  EXPECT_EQ(skipped, (std::set<std::string>{"review/2016-06-30", "review/2016-12-15"}));
  const PlanState state = service_->State("DRH", {}).value();
  EXPECT_TRUE(state.reviews_due.empty());
  EXPECT_EQ(state.occurrences.At("review/2016-12-15")["status"], "skipped");
  clock_.Set(At("2017-06-30T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  EXPECT_EQ(service_->State("DRH", {})->occurrences.At("review/2017-06-30")["status"], "fired");
}

// Saturday 30 June 2018 fires on Monday 2 July, with the revision: a
// preview of July lists it, a preview of June does not.
TEST_F(SchedulerCycleTest, ThePreviewFiltersOnTheDayAnOccurrenceFires) {
  ImportDej();
  auto scheduler = Restart();
  auto ids = [&](const char* from, const char* to) {
    std::set<std::string> out;
    const Json schedule = scheduler->Schedule("DEJ", DayOf(from), DayOf(to)).value();
    for (const Json& o : schedule["occurrences"]) out.insert(o["occurrence"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ids("2018-07-01", "2018-07-31"),
            (std::set<std::string>{"review/2018-06-30", "revision/2018-07-02"}));
  EXPECT_TRUE(ids("2018-06-01", "2018-06-30").empty());
  EXPECT_EQ(ids("2018-07-02", "2018-07-02").size(), 2u);
}

// `demo simulate` records each firing at the configured fire time: 09:00
// in Paris (07:00Z in summer) by default, 16:30 (14:30Z) when configured.
TEST_F(SchedulerCycleTest, TheSimulationFiresAtTheConfiguredTime) {
  JobsOptions options;
  options.cycle.fire_hour = 16;
  options.cycle.fire_minute = 30;
  auto scheduler = Restart(options);
  SimulationOptions sim;
  sim.from = DayOf("2016-06-28");
  sim.to = DayOf("2016-07-01");
  sim.plans = {testing::ExamplePlan()};
  ASSERT_TRUE(Simulate(*service_, clock_, *scheduler, sim).ok());
  const auto fired = Events("OccurrenceFired");
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].payload["occurrence"], "review/2016-06-30");
  EXPECT_EQ(FormatInstant(fired[0].at), "2016-06-30T14:30:00Z");
}

TEST_F(SchedulerCycleTest, TheSimulationFiresAtNineInParisByDefault) {
  auto scheduler = Restart();
  SimulationOptions sim;
  sim.from = DayOf("2016-06-29");
  sim.to = DayOf("2016-06-30");
  sim.plans = {testing::ExamplePlan()};
  ASSERT_TRUE(Simulate(*service_, clock_, *scheduler, sim).ok());
  const auto fired = Events("OccurrenceFired");
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(FormatInstant(fired[0].at), "2016-06-30T07:00:00Z");
}

// The next cycle is scheduled on its own period: an occurrence due before
// the cycle was opened is skipped, not fired; the next one fires.
TEST_F(SchedulerCycleTest, ANextCycleIsScheduledOnItsOwnPeriod) {
  ImportDej();
  auto scheduler = Restart();
  for (Instant t = At("2016-01-05T10:00:00Z"); t < At("2021-08-02T10:00:00Z");
       t += std::chrono::hours(24 * 5)) {
    clock_.Set(t);
    ASSERT_TRUE(scheduler->Tick().ok());
  }
  // The reminders the period's end closed say so, not that data arrived.
  size_t closed_by_the_end = 0;
  for (const Recorded& r : Events("ReminderResolved")) {
    if (r.at < At("2021-01-01T00:00:00Z")) continue;
    EXPECT_EQ(r.payload["reason"], "la période du projet est achevée") << r.payload.dump();
    ++closed_by_the_end;
  }
  EXPECT_GT(closed_by_the_end, 0u);
  clock_.Set(At("2021-08-02T10:00:00Z"));
  ASSERT_TRUE(Exec("OpenCycle", testing::ExampleNextCycle("2021-08-02")).ok());
  ASSERT_TRUE(scheduler->Tick().ok());
  const PlanState state = service_->State("DEJ", {}).value();
  const Json june = state.occurrences.At("review/2021-06-30");
  EXPECT_EQ(june["status"], "skipped") << june.dump();
  EXPECT_NE(june.value("reason", "").find("antérieure à l'enregistrement du projet"),
            std::string::npos)
      << june.dump();
  clock_.Set(At("2021-12-16T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  const Json december = service_->State("DEJ", {})->occurrences.At("review/2021-12-15");
  EXPECT_EQ(december["status"], "fired") << december.dump();
}

}  // namespace
}  // namespace jalon::jobs
