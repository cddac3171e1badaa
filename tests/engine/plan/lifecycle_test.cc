// The plan's lifecycle (docs/lifecycle.md): what a closed thing may still
// receive. Every cell of the table there is a case here, decided on a plan
// that holds an entity in each state, and a refused command names the
// entity and its state.
#include <gtest/gtest.h>

#include "engine/log/payload.h"
#include "engine/plan/command.h"
#include "engine/plan/plan_io.h"

namespace jalon {
namespace {

const Instant kNow = ParseInstant("2018-07-01T08:00:00Z").value();

Status Apply(PlanState& s, const std::string& type, Json data) {
  if (type != "RegisterDirection") data["direction"] = "DEJ";
  Command c;
  c.type = type;
  c.data = std::move(data);
  auto d = Decide(s, c, kNow);
  if (!d.ok()) return d.status();
  for (const NewEvent& n : d->events) {
    Event e;
    e.stream = d->stream;
    e.type = n.type;
    e.position = e.version = s.version + 1;
    e.recorded_at = kNow;
    e.effective_at = n.effective_at;
    JALON_RETURN_IF_ERROR(s.Apply(e, DecodePayload(n.payload).value()));
  }
  return Status::Ok();
}

Json Action(const std::string& id, const std::string& axis) {
  return {{"id", id},
          {"axis", axis},
          {"title", "Action " + id},
          {"owner", "Service"},
          {"start", "2017-01-01"},
          {"due", "2019-12-31"},
          {"budget_eur", 1000},
          {"fte", 1}};
}

Json Indicator(const std::string& id, const std::string& attached_to) {
  return {{"id", id},
          {"attached_to", attached_to},
          {"kind", "output"},
          {"name", "Indicateur " + id},
          {"unit", "%"},
          {"polarity", "increase"},
          {"baseline", {{"value", 10}, {"date", "2015-12-31"}}},
          {"target", {{"value", 50}, {"date", "2019-12-31"}}},
          {"frequency", "quarterly"},
          {"source", "Tableau de suivi"}};
}

// A plan with one entity in each state of the table:
//   actions A1.1 open, A1.2 done, A1.3 cancelled (axis A1, open);
//           A2.1 open on axis A2, which is dropped;
//   axes A1 open, A2 dropped; scenarios SC1 (A1), SC2 (A1, A2);
//   indicators I1 active, I2 retired, both measured on 2018-03-31;
//   missions M1 active, M2 retired.
const PlanState& Lifecycle() {
  static const PlanState state = [] {
    PlanState s;
    auto must = [&s](const std::string& type, Json data) {
      const Status st = Apply(s, type, std::move(data));
      if (!st.ok()) throw std::runtime_error(type + ": " + st.ToString());
    };
    must("RegisterDirection", {{"code", "DEJ"}, {"name", "Enfance et jeunesse"}});
    must("OpenPlan", {{"title", "Projet"},
                      {"period_start", "2016-01-01"},
                      {"period_end", "2020-12-31"},
                      {"dated", "2016-03-15"}});
    must("DefineMission", {{"id", "M1"}, {"title", "Accueillir"}});
    must("DefineMission", {{"id", "M2"}, {"title", "Informer"}});
    must("RetireMission", {{"mission", "M2"}});
    must("ProposeAxis", {{"id", "A1"}, {"title", "Axe 1"}, {"missions", {"M1"}}});
    must("ProposeAxis", {{"id", "A2"}, {"title", "Axe 2"}, {"missions", {"M1"}}});
    must("ProposeScenario", {{"id", "SC1"}, {"title", "S1"}, {"axes", {"A1"}}});
    must("ProposeScenario", {{"id", "SC2"}, {"title", "S2"}, {"axes", {"A1", "A2"}}});
    for (const char* id : {"A1.1", "A1.2", "A1.3"}) must("PlanAction", Action(id, "A1"));
    must("PlanAction", Action("A2.1", "A2"));
    must("CompleteAction", {{"action", "A1.2"}, {"date", "2018-05-31"}});
    must("CancelAction", {{"action", "A1.3"}, {"date", "2018-05-31"}});
    must("DefineIndicator", Indicator("I1", "plan"));
    must("DefineIndicator", Indicator("I2", "plan"));
    for (const char* id : {"I1", "I2"}) {
      must("RecordMeasurement", {{"indicator", id}, {"date", "2018-03-31"}, {"value", 20}});
    }
    must("RetireIndicator", {{"indicator", "I2"}});
    must("DropAxis", {{"axis", "A2"}});
    return s;
  }();
  return state;
}

struct Cell {
  const char* state;    // the row of docs/lifecycle.md
  const char* command;  // the column
  Json data;
  const char* refusal;  // nullptr: allowed; else a substring of the message
};

void PrintTo(const Cell& c, std::ostream* os) { *os << c.state << " x " << c.command; }

class LifecycleTest : public ::testing::TestWithParam<Cell> {};

TEST_P(LifecycleTest, FollowsTheTable) {
  const Cell& c = GetParam();
  PlanState s = Lifecycle();
  const Status st = Apply(s, c.command, c.data);
  if (c.refusal == nullptr) {
    EXPECT_TRUE(st.ok()) << st.ToString();
  } else {
    ASSERT_FALSE(st.ok()) << "accepted";
    EXPECT_TRUE(st.IsInvalidArgument()) << st.ToString();
    EXPECT_NE(st.message().find(c.refusal), std::string::npos) << st.message();
  }
}

Json Edit(const char* action) { return {{"action", action}, {"title", "Nouveau titre"}}; }
Json EditBudget(const char* action) { return {{"action", action}, {"budget_eur", 2500}}; }
Json EditStatus(const char* action) { return {{"action", action}, {"status", "started"}}; }
Json Progress(const char* action) {
  return {{"action", action}, {"date", "2018-06-30"}, {"percent", 50}};
}
Json Reschedule(const char* action) {
  return {{"action", action}, {"due", "2020-06-30"}, {"reason", "Retard"}};
}
Json Close(const char* action) { return {{"action", action}, {"date", "2018-06-30"}}; }
Json OnAction(const char* action) { return Indicator("I9", std::string("action:") + action); }
Json OnAxis(const char* axis) { return Indicator("I9", std::string("axis:") + axis); }
Json Measure(const char* indicator) {
  return {{"indicator", indicator}, {"date", "2018-06-30"}, {"value", 30}};
}
Json Correct(const char* indicator) {
  return {{"indicator", indicator}, {"date", "2018-03-31"}, {"value", 21}, {"reason", "Erreur"}};
}
Json Target(const char* indicator) {
  return {{"indicator", indicator},
          {"target", {{"value", 60}, {"date", "2020-06-30"}}},
          {"reason", "Objectif relevé"}};
}

INSTANTIATE_TEST_SUITE_P(
    Table, LifecycleTest,
    ::testing::Values(
        // An open action receives everything.
        Cell{"action open", "EditAction", Edit("A1.1"), nullptr},
        Cell{"action open", "EditAction", EditBudget("A1.1"), nullptr},
        Cell{"action open", "EditAction", EditStatus("A1.1"), nullptr},
        Cell{"action open", "ReportProgress", Progress("A1.1"), nullptr},
        Cell{"action open", "RescheduleAction", Reschedule("A1.1"), nullptr},
        Cell{"action open", "CompleteAction", Close("A1.1"), nullptr},
        Cell{"action open", "CancelAction", Close("A1.1"), nullptr},
        Cell{"action open", "DefineIndicator", OnAction("A1.1"), nullptr},
        // A done action keeps its completion; its record may be put right.
        Cell{"action done", "EditAction", Edit("A1.2"), nullptr},
        Cell{"action done", "EditAction", EditBudget("A1.2"), nullptr},
        Cell{"action done", "EditAction", EditStatus("A1.2"),
             "status: the action is done; its status can no longer change"},
        Cell{"action done", "ReportProgress", Progress("A1.2"), "action: action 'A1.2' is done"},
        Cell{"action done", "RescheduleAction", Reschedule("A1.2"),
             "action: action 'A1.2' is done"},
        Cell{"action done", "CompleteAction", Close("A1.2"), "action: the action is already done"},
        Cell{"action done", "CancelAction", Close("A1.2"), "action: the action is already done"},
        Cell{"action done", "DefineIndicator", OnAction("A1.2"), nullptr},
        // A cancelled action has left the plan; history still names it.
        Cell{"action cancelled", "EditAction", Edit("A1.3"), "action: action 'A1.3' was cancelled"},
        Cell{"action cancelled", "EditAction", EditBudget("A1.3"),
             "action: action 'A1.3' was cancelled"},
        Cell{"action cancelled", "EditAction", EditStatus("A1.3"),
             "action: action 'A1.3' was cancelled"},
        Cell{"action cancelled", "ReportProgress", Progress("A1.3"),
             "action: the action was cancelled"},
        Cell{"action cancelled", "RescheduleAction", Reschedule("A1.3"),
             "action: action 'A1.3' was cancelled"},
        Cell{"action cancelled", "CompleteAction", Close("A1.3"),
             "action: the action is already cancelled"},
        Cell{"action cancelled", "CancelAction", Close("A1.3"),
             "action: the action is already cancelled"},
        Cell{"action cancelled", "DefineIndicator", OnAction("A1.3"),
             "attached_to: action 'A1.3' was cancelled"},
        // An action of a dropped axis left the plan with it; it may only be
        // cancelled.
        Cell{"action of a dropped axis", "EditAction", Edit("A2.1"),
             "action: action 'A2.1' belongs to axis 'A2', which was dropped"},
        Cell{"action of a dropped axis", "EditAction", EditBudget("A2.1"),
             "action: action 'A2.1' belongs to axis 'A2', which was dropped"},
        Cell{"action of a dropped axis", "EditAction", EditStatus("A2.1"),
             "action: action 'A2.1' belongs to axis 'A2', which was dropped"},
        Cell{"action of a dropped axis", "ReportProgress", Progress("A2.1"),
             "action: its axis 'A2' was dropped"},
        Cell{"action of a dropped axis", "RescheduleAction", Reschedule("A2.1"),
             "action: action 'A2.1' belongs to axis 'A2', which was dropped"},
        Cell{"action of a dropped axis", "CompleteAction", Close("A2.1"),
             "action: action 'A2.1' belongs to axis 'A2', which was dropped"},
        Cell{"action of a dropped axis", "CancelAction", Close("A2.1"), nullptr},
        Cell{"action of a dropped axis", "DefineIndicator", OnAction("A2.1"),
             "attached_to: action 'A2.1' belongs to axis 'A2', which was dropped"},
        // An open axis receives everything.
        Cell{"axis open", "EditAxis", Json({{"axis", "A1"}, {"title", "Axe"}}), nullptr},
        Cell{"axis open", "ValidateAxis",
             Json({{"axis", "A1"}, {"orientation", "o"}, {"by", "Bureau"}, {"date", "2016-04-12"}}),
             nullptr},
        Cell{"axis open", "DropAxis", Json({{"axis", "A1"}}), nullptr},
        Cell{"axis open", "ProposeScenario",
             Json({{"id", "SC9"}, {"title", "S"}, {"axes", {"A1"}}}), nullptr},
        Cell{"axis open", "RetainScenario", Json({{"scenario", "SC1"}}), nullptr},
        Cell{"axis open", "PlanAction", Action("A1.9", "A1"), nullptr},
        Cell{"axis open", "DefineIndicator", OnAxis("A1"), nullptr},
        // A dropped axis is the record of a choice given up.
        Cell{"axis dropped", "EditAxis", Json({{"axis", "A2"}, {"title", "Axe"}}),
             "axis: axis 'A2' was dropped"},
        Cell{"axis dropped", "ValidateAxis",
             Json({{"axis", "A2"}, {"orientation", "o"}, {"by", "Bureau"}, {"date", "2016-04-12"}}),
             "axis: axis 'A2' was dropped"},
        Cell{"axis dropped", "DropAxis", Json({{"axis", "A2"}}), "axis: axis 'A2' was dropped"},
        Cell{"axis dropped", "ProposeScenario",
             Json({{"id", "SC9"}, {"title", "S"}, {"axes", {"A1", "A2"}}}),
             "axes[1]: axis 'A2' was dropped"},
        Cell{"axis dropped", "RetainScenario", Json({{"scenario", "SC2"}}),
             "scenario: scenario 'SC2' orders axis 'A2', which was dropped"},
        Cell{"axis dropped", "PlanAction", Action("A2.9", "A2"), "axis: axis 'A2' was dropped"},
        Cell{"axis dropped", "DefineIndicator", OnAxis("A2"), "attached_to: axis 'A2' was dropped"},
        // An active indicator receives everything.
        Cell{"indicator active", "RecordMeasurement", Measure("I1"), nullptr},
        Cell{"indicator active", "CorrectMeasurement", Correct("I1"), nullptr},
        Cell{"indicator active", "ChangeTarget", Target("I1"), nullptr},
        Cell{"indicator active", "RetireIndicator", Json({{"indicator", "I1"}}), nullptr},
        // A retired indicator keeps its measurements as they stood.
        Cell{"indicator retired", "RecordMeasurement", Measure("I2"),
             "indicator: the indicator was retired"},
        Cell{"indicator retired", "CorrectMeasurement", Correct("I2"),
             "indicator: the indicator was retired"},
        Cell{"indicator retired", "ChangeTarget", Target("I2"),
             "indicator: the indicator was retired"},
        Cell{"indicator retired", "RetireIndicator", Json({{"indicator", "I2"}}),
             "indicator: already retired"},
        // An active mission receives everything.
        Cell{"mission active", "EditMission", Json({{"mission", "M1"}, {"title", "T"}}), nullptr},
        Cell{"mission active", "AssessMission",
             Json({{"mission", "M1"}, {"values", {{"listening", 2}}}}), nullptr},
        Cell{"mission active", "RetireMission", Json({{"mission", "M1"}}), nullptr},
        Cell{"mission active", "ProposeAxis",
             Json({{"id", "A9"}, {"title", "Axe"}, {"missions", {"M1"}}}), nullptr},
        // A retired mission stays as it was; axes proposed before its
        // retirement still name it, so an exported plan imports again.
        Cell{"mission retired", "EditMission", Json({{"mission", "M2"}, {"title", "T"}}),
             "mission: the mission was retired"},
        Cell{"mission retired", "AssessMission",
             Json({{"mission", "M2"}, {"values", {{"listening", 2}}}}),
             "mission: the mission was retired"},
        Cell{"mission retired", "RetireMission", Json({{"mission", "M2"}}),
             "mission: already retired"},
        Cell{"mission retired", "ProposeAxis",
             Json({{"id", "A9"}, {"title", "Axe"}, {"missions", {"M2"}}}), nullptr}),
    [](const auto& info) {
      std::string name = std::string(info.param.state) + "_" + info.param.command + "_" +
                         std::to_string(info.index);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// A plan holding every closed state exports and imports again: the import
// replays the history in an order the lifecycle allows (an indicator was
// defined on its action before the action was cancelled).
TEST(LifecycleImportTest, AnExportedPlanWithClosedThingsImportsAgain) {
  PlanState s = Lifecycle();
  ASSERT_TRUE(Apply(s, "DefineIndicator", OnAction("A1.1")).ok());
  ASSERT_TRUE(Apply(s, "CancelAction", Close("A1.1")).ok());
  const Json doc = ExportPlan(s);
  auto steps = PlanToCommands(doc);
  ASSERT_TRUE(steps.ok()) << steps.status().ToString();
  auto decision = DecideImport(*steps, kNow);
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  PlanState again;
  for (const NewEvent& n : decision->events) {
    Event e;
    e.stream = decision->stream;
    e.type = n.type;
    e.position = e.version = again.version + 1;
    e.effective_at = n.effective_at;
    ASSERT_TRUE(again.Apply(e, DecodePayload(n.payload).value()).ok());
  }
  EXPECT_EQ(ExportPlan(again), doc);
}

}  // namespace
}  // namespace jalon
