// The scheduler on a real log with a simulated clock: each occurrence is
// recorded once whatever the restarts, missed ones are caught up inside the
// window and skipped outside it, and reminders follow the data.
#include "jobs/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "engine/log/payload.h"
#include "jobs/simulation.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon::jobs {
namespace {

// A channel that records what it was given and fails while told to.
class RecordingChannel : public Channel {
 public:
  std::string name() const override { return "recording"; }
  Status Send(const Message& m) override {
    if (fail) return Status::Unavailable("receiver down");
    sent.push_back(m);
    return Status::Ok();
  }
  bool fail = false;
  std::vector<Message> sent;
};

class SchedulerTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(At("2016-01-04T10:00:00Z"));
    ASSERT_TRUE(service_->Import(WithoutHistory(testing::ExamplePlan()), "test").ok());
  }
  static Instant At(const char* instant) { return ParseInstant(instant).value(); }

  // A new scheduler, as after a restart.
  std::unique_ptr<Scheduler> Restart(JobsOptions options = {}) {
    auto channel = std::make_unique<RecordingChannel>();
    channel_ = channel.get();
    return std::make_unique<Scheduler>(*service_, clock_, options, std::move(channel));
  }

  // Count of events of `type` per value of payload field `key`.
  std::map<std::string, int> Count(const std::string& type, const std::string& key) {
    std::map<std::string, int> out;
    EXPECT_TRUE(log_->Scan(1,
                           [&](const Event& e) {
                             if (e.type == type) ++out[DecodePayload(e.payload)->value(key, "")];
                             return true;
                           })
                    .ok());
    return out;
  }

  RecordingChannel* channel_ = nullptr;
};

TEST_F(SchedulerTest, EachOccurrenceFiresOnceWhateverTheRestarts) {
  for (int day = 0; day < 400; day += 3) {
    clock_.Set(At("2016-01-04T10:00:00Z") + std::chrono::days(day));
    auto scheduler = Restart();  // a fresh process every pass
    ASSERT_TRUE(scheduler->Tick().ok());
    ASSERT_TRUE(scheduler->Tick().ok());  // and a second pass at the same instant
  }
  const auto fired = Count("OccurrenceFired", "occurrence");
  EXPECT_EQ(fired,
            (std::map<std::string, int>{{"review/2016-06-30", 1}, {"review/2016-12-15", 1}}));
  EXPECT_EQ(Count("ReviewDue", "occurrence").size(), 2u);
  EXPECT_TRUE(Count("OccurrenceSkipped", "occurrence").empty());
  auto state = service_->State("DEJ", {});
  EXPECT_EQ(state->reviews_due.size(), 2u);
  EXPECT_EQ(state->occurrences.At("review/2016-06-30")["status"], "fired");
}

TEST_F(SchedulerTest, EightMonthsDownCatchesUpInsideTheWindowAndSkipsTheRest) {
  clock_.Set(At("2016-05-02T10:00:00Z"));
  ASSERT_TRUE(Restart()->Tick().ok());
  // Down from 2 May 2016 to 2 January 2017: the June review is 186 days old
  // (beyond the 45-day window); the December one is 18 days old.
  clock_.Set(At("2017-01-02T10:00:00Z"));
  TickStats stats;
  ASSERT_TRUE(Restart()->Tick(&stats).ok());
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(stats.fired, 1u);
  EXPECT_EQ(stats.caught_up, 1u);
  EXPECT_EQ(Count("OccurrenceSkipped", "occurrence"),
            (std::map<std::string, int>{{"review/2016-06-30", 1}}));
  EXPECT_EQ(Count("OccurrenceFired", "occurrence"),
            (std::map<std::string, int>{{"review/2016-12-15", 1}}));
  auto skipped = service_->History("DEJ", {"occurrence/review/2016-06-30", {}, {}});
  ASSERT_TRUE(skipped.ok());
  EXPECT_NE(skipped->dump().find("au-delà de la fenêtre de rattrapage de 45 jours"),
            std::string::npos)
      << skipped->dump();
  // A longer window, after another stop, catches up what it covers.
  JobsOptions wide;
  wide.cycle.catch_up_days = 400;
  clock_.Set(At("2018-01-03T10:00:00Z"));
  TickStats later;
  ASSERT_TRUE(Restart(wide)->Tick(&later).ok());
  EXPECT_EQ(later.fired, 2u);  // June and December 2017
  EXPECT_EQ(later.caught_up, 2u);
  EXPECT_EQ(later.skipped, 0u);
}

TEST_F(SchedulerTest, RemindersFollowTheDataEscalateAndClose) {
  // I1 is quarterly with no measurement since the plan started: due on
  // 2 April 2016, past its 30 days of grace after 2 May.
  clock_.Set(At("2016-05-04T10:00:00Z"));
  auto scheduler = Restart();
  TickStats stats;
  ASSERT_TRUE(scheduler->Tick(&stats).ok());
  auto state = service_->State("DEJ", {});
  const Reminder* i1 = nullptr;
  for (const Reminder& r : state->reminders) {
    if (r.subject() == "indicator/I1") i1 = &r;
  }
  ASSERT_NE(i1, nullptr);
  const std::string id(i1->id());
  EXPECT_EQ(i1->rule(), "indicator_stale");
  EXPECT_EQ(i1->level, 0);
  EXPECT_EQ(i1->delivered, 1u);  // sent in the same pass
  ASSERT_FALSE(channel_->sent.empty());
  EXPECT_EQ(channel_->sent[0].to, std::vector<std::string>{"dej@ville.example"});

  // 14 days later: to the director; 28 days: to the steering office.
  clock_.Set(At("2016-05-18T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  EXPECT_EQ(service_->State("DEJ", {})->reminders.at(id).level, 1);
  EXPECT_EQ(channel_->sent.back().to.size(), 2u);
  clock_.Set(At("2016-06-01T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  const Reminder r = service_->State("DEJ", {})->reminders.at(id);
  EXPECT_EQ(r.level, 2);
  EXPECT_EQ(r.notices, 3u);
  EXPECT_EQ(r.delivered, 3u);
  EXPECT_EQ(channel_->sent.back().to.back(), "pilotage@ville.example");

  // Acknowledged: no more notices, even after the repeat interval.
  ASSERT_TRUE(Exec("AcknowledgeReminder", {{"direction", "DEJ"}, {"reminder", id}}).ok());
  EXPECT_FALSE(Exec("AcknowledgeReminder", {{"direction", "DEJ"}, {"reminder", id}}).ok());
  clock_.Set(At("2016-07-01T10:00:00Z"));
  ASSERT_TRUE(scheduler->Tick().ok());
  EXPECT_EQ(service_->State("DEJ", {})->reminders.at(id).notices, 3u);

  // The data arrives: the reminder closes by itself.
  ASSERT_TRUE(
      Exec("RecordMeasurement",
           {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2016-07-01"}, {"value", 5}})
          .ok());
  ASSERT_TRUE(scheduler->Tick().ok());
  EXPECT_EQ(service_->State("DEJ", {})->reminders.at(id).state, Reminder::State::kResolved);
  EXPECT_EQ(Count("ReminderResolved", "reminder").at(id), 1);
  auto unknown = Exec("AcknowledgeReminder", {{"direction", "DEJ"}, {"reminder", "rem-none"}});
  EXPECT_EQ(unknown.status().message(), "data.reminder: no such reminder for this plan");
}

// A visit appends without waiting for the projections (AppendSystem leaves
// them behind), yet each of its steps decides on the ones before: an
// occurrence fired, reminders issued, a message attempted and delivered, all
// in one visit, and not one append refused for a stale version. The pass
// ends with the projections equal to a replay of the log.
TEST_F(SchedulerTest, AVisitsStepsDecideOnTheStepsBeforeThem) {
  clock_.Set(At("2016-07-04T10:00:00Z"));  // the June review has fired; I1 is stale
  const LogStats before = log_->Stats();
  TickStats stats;
  ASSERT_TRUE(Restart()->Tick(&stats).ok());
  EXPECT_GE(stats.fired, 1u) << stats.ToJson().dump();
  EXPECT_GE(stats.issued, 1u) << stats.ToJson().dump();
  EXPECT_GE(stats.delivered, 1u) << stats.ToJson().dump();
  const LogStats after = log_->Stats();
  EXPECT_GE(after.appends - before.appends, 4u);
  EXPECT_EQ(after.conflicts, before.conflicts) << "a step decided on a stale plan";
  EXPECT_EQ(projections_->Stats().applied_position, log_->Head().position);
  Projections fresh(*log_);
  ASSERT_TRUE(fresh.CatchUp().ok());
  EXPECT_EQ(fresh.Current("DEJ")->ToJson(), projections_->Current("DEJ")->ToJson());
}

TEST_F(SchedulerTest, FailedDeliveriesBackOffAndKeepTheirMessageId) {
  JobsOptions options;
  options.delivery.retry_initial_seconds = 3600;
  clock_.Set(At("2016-05-04T10:00:00Z"));
  auto scheduler = Restart(options);
  channel_->fail = true;
  ASSERT_TRUE(scheduler->Tick().ok());
  ASSERT_TRUE(scheduler->Tick().ok());  // before retry_at: no new attempt
  EXPECT_EQ(Count("DeliveryFailed", "message").size(), 1u);
  EXPECT_EQ(Count("DeliveryAttempted", "message").begin()->second, 1);
  clock_.Advance(std::chrono::minutes(61));
  ASSERT_TRUE(scheduler->Tick().ok());  // attempt 2 fails: retry in 2 hours
  clock_.Advance(std::chrono::minutes(61));
  ASSERT_TRUE(scheduler->Tick().ok());  // too early
  EXPECT_EQ(Count("DeliveryAttempted", "message").begin()->second, 2);
  channel_->fail = false;
  clock_.Advance(std::chrono::minutes(60));
  ASSERT_TRUE(scheduler->Tick().ok());
  const auto attempted = Count("DeliveryAttempted", "message");
  ASSERT_EQ(attempted.size(), 1u);  // one message id across all attempts
  EXPECT_EQ(attempted.begin()->second, 3);
  const auto delivered = Count("ReminderDelivered", "message");
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered.begin()->first, attempted.begin()->first);
  ASSERT_EQ(channel_->sent.size(), 1u);
  EXPECT_EQ(channel_->sent[0].id, attempted.begin()->first);
}

// A channel that takes a while per message and notes how many it was
// given at once.
class SlowChannel : public Channel {
 public:
  std::string name() const override { return "slow"; }
  Status Send(const Message&) override {
    const int now = ++in_flight;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --in_flight;
    ++sent;
    return Status::Ok();
  }
  std::atomic<int> in_flight{0}, most{0}, sent{0};
};

// Many plans are visited at once, so that their appends share fsyncs; the
// channel still gets a bounded number of messages at once.
TEST_F(SchedulerTest, ManyPlansAtOnceButABoundedNumberOfMessagesInFlight) {
  constexpr int kPlans = 24;
  for (int i = 0; i < kPlans; ++i) {
    Json plan = WithoutHistory(testing::ExamplePlan());
    plan["direction"]["code"] = "D" + std::to_string(i);
    ASSERT_TRUE(service_->Import(plan, "test").ok());
  }
  clock_.Set(At("2016-05-04T10:00:00Z"));  // each plan has a stale indicator
  auto channel = std::make_unique<SlowChannel>();
  SlowChannel* slow = channel.get();
  Scheduler scheduler(*service_, clock_, JobsOptions(), std::move(channel));
  ASSERT_TRUE(scheduler.Tick().ok());
  EXPECT_EQ(slow->sent.load(), kPlans + 1);  // and DEJ: one message per plan
  EXPECT_GT(slow->most.load(), 1);           // sent in parallel...
  EXPECT_LE(slow->most.load(), 8);           // ...within the bound
}

// The scheduler keeps what the rules found while the plan's data does not
// move; that must not outlive the plan's period, after which the stale and
// overdue rules want nothing.
TEST_F(SchedulerTest, RemindersOfThePeriodCloseTheDayAfterIt) {
  clock_.Set(At("2020-12-20T10:00:00Z"));
  auto scheduler = Restart();
  ASSERT_TRUE(scheduler->Tick().ok());
  ASSERT_TRUE(scheduler->Tick().ok());  // planned with the rules' findings
  size_t stale = 0;
  {
    const PlanState state = service_->State("DEJ", {}).value();
    for (const Reminder& r : state.reminders) {
      stale += r.active() && (r.rule() == "indicator_stale" || r.rule() == "action_overdue");
    }
  }
  ASSERT_GT(stale, 0u);
  // Escalations and repeats fall due on the 3rd and 4th of January; the
  // first pass after the period comes on the 1st, and closes them.
  clock_.Set(At("2021-01-01T10:00:00Z"));
  TickStats stats;
  ASSERT_TRUE(scheduler->Tick(&stats).ok());
  EXPECT_EQ(stats.resolved, stale);
  EXPECT_EQ(stats.escalated + stats.repeated, 0u);
  const PlanState state = service_->State("DEJ", {}).value();
  for (const Reminder& r : state.reminders) {
    if (r.rule() == "indicator_stale" || r.rule() == "action_overdue") {
      EXPECT_FALSE(r.active()) << r.subject();
    }
  }
}

// The reminders a pass escalates in one plan share one event per level, and
// each still has its own audit trail and count.
TEST_F(SchedulerTest, APassEscalatesAPlansRemindersInOneEventAndEachKeepsItsHistory) {
  // Two more quarterly indicators, stale on the same day as I1.
  for (const char* id : {"I8", "I9"}) {
    ASSERT_TRUE(Exec("DefineIndicator", {{"direction", "DEJ"},
                                         {"id", id},
                                         {"attached_to", "plan"},
                                         {"kind", "output"},
                                         {"name", std::string("Indicateur ") + id},
                                         {"unit", "%"},
                                         {"polarity", "increase"},
                                         {"baseline", {{"value", 10}, {"date", "2015-12-31"}}},
                                         {"target", {{"value", 50}, {"date", "2020-12-31"}}},
                                         {"frequency", "quarterly"},
                                         {"source", "Tableau de bord interne"}})
                    .ok());
  }
  clock_.Set(At("2016-05-04T10:00:00Z"));
  auto scheduler = Restart();
  ASSERT_TRUE(scheduler->Tick().ok());
  std::vector<std::string> open;
  const PlanState issued = service_->State("DEJ", {}).value();
  for (const Reminder& r : issued.reminders) open.emplace_back(r.id());
  ASSERT_EQ(open.size(), 3u);

  const uint64_t before = Head();
  clock_.Set(At("2016-05-18T10:00:00Z"));  // 14 days: to the director
  TickStats stats;
  ASSERT_TRUE(scheduler->Tick(&stats).ok());
  EXPECT_EQ(stats.escalated, open.size());
  std::vector<Json> escalations;
  ASSERT_TRUE(log_->Scan(before + 1,
                         [&](const Event& e) {
                           if (e.type == "ReminderEscalated")
                             escalations.push_back(*DecodePayload(e.payload));
                           return true;
                         })
                  .ok());
  ASSERT_EQ(escalations.size(), 1u);
  EXPECT_EQ(escalations[0]["level"], 1);
  EXPECT_FALSE(escalations[0].contains("repeat"));
  EXPECT_EQ(escalations[0]["to"], Json({"dej@ville.example", "direction.dej@ville.example"}));
  auto listed = escalations[0]["reminders"].get<std::vector<std::string>>();
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, open);  // ReminderSet iterates in id order

  const PlanState state = service_->State("DEJ", {}).value();
  for (const std::string& id : open) {
    EXPECT_EQ(state.reminders.at(id).level, 1) << id;
    EXPECT_EQ(state.reminders.at(id).notices, 2u) << id;
    // The reminder's own trail: issued, delivered, escalated from 0 to 1.
    auto history = service_->History("DEJ", {"reminder/" + id, {}, {}});
    ASSERT_TRUE(history.ok());
    int escalated = 0;
    for (const Json& entry : (*history)["entries"]) {
      EXPECT_EQ(entry["entity"], "reminder/" + id);
      if (entry["type"] != "ReminderEscalated") continue;
      ++escalated;
      bool level_changed = false;
      for (const Json& c : entry["changes"]) {
        if (c["field"] == "/level") level_changed = c["before"] == 0 && c["after"] == 1;
      }
      EXPECT_TRUE(level_changed) << entry.dump();
    }
    EXPECT_EQ(escalated, 1) << history->dump();
  }
  // The plan's whole trail has one entry per reminder escalated.
  auto all = service_->History("DEJ", {});
  ASSERT_TRUE(all.ok());
  size_t entries = 0;
  for (const Json& entry : (*all)["entries"]) entries += entry["type"] == "ReminderEscalated";
  EXPECT_EQ(entries, open.size());
  auto counted = CountJobEvents(*log_);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ((*counted)["reminders"]["escalated"], open.size());
}

// A system append whose command id the caller says is fresh skips the
// lookup for a replay; an id that was used after all is still a replay to
// the log, and nothing is appended twice.
TEST_F(SchedulerTest, AFreshCommandIdThatWasUsedIsStillAReplay) {
  clock_.Set(At("2016-05-04T10:00:00Z"));
  ASSERT_TRUE(Restart()->Tick().ok());
  const std::string id(service_->State("DEJ", {})->reminders.begin()->id());
  int decided = 0;
  const auto decide = [&](const PlanState&) -> Result<std::vector<NewEvent>> {
    ++decided;
    NewEvent e;
    e.type = "ReminderAcknowledged";
    e.effective_at = clock_.Now();
    e.payload = EncodePayload({{"reminder", id}});
    return std::vector<NewEvent>{std::move(e)};
  };
  const uint64_t head = log_->Head().position;
  auto first =
      service_->AppendSystem("DEJ", "ack-1", "test", decide, PlanService::CommandId::kFresh);
  ASSERT_TRUE(first.ok() && first->appended()) << first.status().ToString();
  auto again =
      service_->AppendSystem("DEJ", "ack-1", "test", decide, PlanService::CommandId::kFresh);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->count, 1u);
  EXPECT_EQ(decided, 2);  // decided again (no lookup first), appended once
  auto repeated = service_->AppendSystem("DEJ", "ack-1", "test", decide);
  ASSERT_TRUE(repeated.ok());
  EXPECT_TRUE(repeated->replayed);
  EXPECT_EQ(decided, 2);  // the lookup answered before deciding
  EXPECT_EQ(log_->Head().position, head + 1);
}

// Logs written before the escalations were grouped hold one event per
// reminder: they still apply, after a restart too, and still count.
TEST_F(SchedulerTest, EscalationsRecordedOneByOneStillReplay) {
  clock_.Set(At("2016-05-04T10:00:00Z"));
  ASSERT_TRUE(Restart()->Tick().ok());
  const std::string id(service_->State("DEJ", {})->reminders.begin()->id());
  clock_.Set(At("2016-05-18T10:00:00Z"));
  auto appended = service_->AppendSystem(
      "DEJ", "old-form-escalation", "jalond/scheduler",
      [&](const PlanState&) -> Result<std::vector<NewEvent>> {
        NewEvent e;
        e.type = "ReminderEscalated";
        e.effective_at = clock_.Now();
        e.payload = EncodePayload(
            {{"reminder", id}, {"level", 2}, {"to", {"dej@ville.example"}}, {"repeat", true}});
        return std::vector<NewEvent>{std::move(e)};
      });
  ASSERT_TRUE(appended.ok() && appended->appended());
  for (int restart = 0; restart < 2; ++restart) {
    const PlanState state = service_->State("DEJ", {}).value();
    EXPECT_EQ(state.reminders.at(id).level, 2);
    EXPECT_EQ(state.reminders.at(id).notices, 2u);
    Reopen();  // the projections rebuilt from the log
  }
  auto history = service_->History("DEJ", {"reminder/" + id, {}, {}});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->at("entries").back()["type"], "ReminderEscalated");
  // A payload of neither form is refused, naming the event's position.
  PlanState state = service_->State("DEJ", {}).value();
  Event bad;
  bad.type = "ReminderEscalated";
  bad.position = 4242;
  for (const Json& payload : {Json{{"level", 1}}, Json{{"level", 1}, {"reminders", {id, 7}}},
                              Json{{"level", 1}, {"reminders", id}}}) {
    const Status s = state.Apply(bad, payload);
    EXPECT_TRUE(s.IsCorruption()) << payload.dump();
    EXPECT_NE(s.message().find("4242"), std::string::npos) << s.message();
  }
  EXPECT_EQ(state.reminders.at(id).notices, 2u);  // nothing applied
  auto counted = CountJobEvents(*log_);
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ((*counted)["reminders"]["repeated"], 1);
  EXPECT_EQ((*counted)["reminders"]["escalated"], 0);
}

}  // namespace
}  // namespace jalon::jobs
