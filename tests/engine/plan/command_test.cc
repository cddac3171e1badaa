// Every validation rule of the plan model: a clear error naming the field
// and the rule, and nothing appended.
#include "engine/plan/command.h"

#include <future>
#include <limits>

#include "engine/log/payload.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

struct Case {
  const char* name;
  const char* type;
  Json data;
  const char* error;  // a substring of the expected message
};

class ValidationTest : public testing::PlanFixture, public ::testing::WithParamInterface<Case> {};

TEST_P(ValidationTest, RejectsWithFieldAndRuleAndAppendsNothing) {
  ImportExample();
  // A dropped axis for the rule on progress reports.
  ASSERT_TRUE(
      Exec("DropAxis", {{"direction", "DEJ"}, {"axis", "A2"}, {"reason", "Réorientation"}}).ok());
  const uint64_t head = Head();
  const Case& c = GetParam();
  Json data = c.data;
  if (!data.contains("direction") && std::string(c.type) != "RegisterDirection")
    data["direction"] = "DEJ";
  auto r = Exec(c.type, data);
  ASSERT_FALSE(r.ok()) << c.name;
  EXPECT_NE(r.status().message().find(c.error), std::string::npos)
      << c.name << ": got '" << r.status().message() << "'";
  EXPECT_EQ(Head(), head) << c.name << ": something was appended";
}

const Json kAction = {
    {"id", "A1.9"},          {"axis", "A1"},        {"title", "t"},    {"owner", "o"},
    {"start", "2018-01-01"}, {"due", "2018-12-31"}, {"budget_eur", 0}, {"fte", 0}};

const Json kIndicator = {{"id", "I9"},
                         {"attached_to", "plan"},
                         {"kind", "output"},
                         {"name", "n"},
                         {"unit", "%"},
                         {"polarity", "increase"},
                         {"baseline", {{"value", 1}, {"date", "2016-01-01"}}},
                         {"target", {{"value", 2}, {"date", "2019-01-01"}}},
                         {"frequency", "annual"},
                         {"source", "s"}};

Json With(Json base, const Json& patch) {
  base.merge_patch(patch);
  return base;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidationTest,
    ::testing::Values(
        Case{"duplicate action id", "PlanAction", With(kAction, {{"id", "A1.1"}}),
             "data.id: action 'A1.1' already exists"},
        Case{"unknown axis", "PlanAction", With(kAction, {{"axis", "A9"}}),
             "data.axis: no axis 'A9'"},
        Case{"action on dropped axis", "PlanAction", With(kAction, {{"axis", "A2"}}),
             "data.axis: axis 'A2' was dropped"},
        Case{"start after due", "PlanAction", With(kAction, {{"start", "2019-01-01"}}),
             "data.due: start (2019-01-01) is after due"},
        Case{"no such day", "PlanAction", With(kAction, {{"due", "2018-02-30"}}),
             "data.due: not a date"},
        Case{"date of wrong type", "PlanAction", With(kAction, {{"due", 20180230}}),
             "data.due: not a date"},
        Case{"budget as text", "PlanAction", With(kAction, {{"budget_eur", "cher"}}),
             "data.budget_eur: must be a number (euros, >= 0"},
        Case{"negative fte", "PlanAction", With(kAction, {{"fte", -1}}),
             "data.fte: -1 is out of bounds (full-time equivalents, >= 0"},
        Case{"unknown field", "PlanAction", With(kAction, {{"colour", "red"}}),
             "data.colour: unknown field"},
        Case{"missing field", "PlanAction", Json({{"id", "A1.9"}, {"axis", "A1"}}),
             "data.title: is required"},
        Case{"bad status", "PlanAction", With(kAction, {{"status", "done"}}),
             "data.status: must be one of planned, started"},
        Case{"percent above 100", "ReportProgress",
             Json({{"action", "A1.2"}, {"date", "2018-07-01"}, {"percent", 101}}),
             "data.percent: must be a percentage from 0 to 100"},
        Case{"negative percent", "ReportProgress",
             Json({{"action", "A1.2"}, {"date", "2018-07-01"}, {"percent", -5}}), "data.percent"},
        Case{"progress on dropped axis", "ReportProgress",
             Json({{"action", "A2.1"}, {"date", "2018-07-01"}, {"percent", 70}}),
             "data.action: its axis 'A2' was dropped"},
        Case{"progress on unknown action", "ReportProgress",
             Json({{"action", "Z9"}, {"date", "2018-07-01"}, {"percent", 7}}),
             "data.action: no action 'Z9'"},
        Case{"score above 3", "AssessMission",
             Json({{"mission", "M1"}, {"values", {{"listening", 4}}}}),
             "data.values.listening: must be an integer score from 0 to 3"},
        Case{"unknown value", "AssessMission",
             Json({{"mission", "M1"}, {"values", {{"patience", 2}}}}),
             "data.values.patience: unknown key"},
        Case{"unknown ambition", "AssessMission",
             Json({{"mission", "M1"}, {"ambitions", {{"speed", 1}}}}),
             "data.ambitions.speed: unknown key"},
        Case{"swot without evidence", "AddSwotItem",
             Json({{"id", "S9"}, {"quadrant", "internal_strength"}, {"text", "Intuition"}}),
             "data.evidence: required: rely on facts, not intuitions"},
        Case{"swot evidence without source", "AddSwotItem",
             Json({{"id", "S9"},
                   {"quadrant", "internal_strength"},
                   {"text", "x"},
                   {"evidence", {{"source", ""}, {"date", "2016-01-01"}}}}),
             "data.evidence.source: must name the fact"},
        Case{"swot bad quadrant", "AddSwotItem",
             Json({{"id", "S9"},
                   {"quadrant", "inside"},
                   {"text", "x"},
                   {"evidence", {{"source", "s"}, {"date", "2016-01-01"}}}}),
             "data.quadrant: must be one of"},
        Case{"indicator on unknown axis", "DefineIndicator",
             Json({{"id", "I9"},
                   {"attached_to", "axis:A9"},
                   {"kind", "output"},
                   {"name", "n"},
                   {"unit", "%"},
                   {"polarity", "increase"},
                   {"baseline", {{"value", 1}, {"date", "2016-01-01"}}},
                   {"target", {{"value", 2}, {"date", "2019-01-01"}}},
                   {"frequency", "annual"},
                   {"source", "s"}}),
             "data.attached_to: no axis 'A9'"},
        Case{"indicator on unknown action", "DefineIndicator",
             Json({{"id", "I9"},
                   {"attached_to", "action:Z"},
                   {"kind", "output"},
                   {"name", "n"},
                   {"unit", "%"},
                   {"polarity", "increase"},
                   {"baseline", {{"value", 1}, {"date", "2016-01-01"}}},
                   {"target", {{"value", 2}, {"date", "2019-01-01"}}},
                   {"frequency", "annual"},
                   {"source", "s"}}),
             "data.attached_to: no action 'Z'"},
        Case{"indicator bad baseline date", "DefineIndicator",
             Json({{"id", "I9"},
                   {"attached_to", "plan"},
                   {"kind", "output"},
                   {"name", "n"},
                   {"unit", "%"},
                   {"polarity", "increase"},
                   {"baseline", {{"value", 1}, {"date", "2016-00-01"}}},
                   {"target", {{"value", 2}, {"date", "2019-01-01"}}},
                   {"frequency", "annual"},
                   {"source", "s"}}),
             "data.baseline.date: not a date"},
        Case{"scenario with unknown axis", "ProposeScenario",
             Json({{"id", "SC9"}, {"title", "t"}, {"axes", {"A1", "A7"}}}),
             "data.axes[1]: no axis 'A7'"},
        Case{"axis with unknown mission", "ProposeAxis",
             Json({{"id", "A9"}, {"title", "t"}, {"missions", {"M7"}}}),
             "data.missions[0]: no mission 'M7'"},
        Case{"measurement twice on a date", "RecordMeasurement",
             Json({{"indicator", "I1"}, {"date", "2018-06-30"}, {"value", 50}}),
             "data.date: a measurement for 2018-06-30 already exists"},
        Case{"correction of nothing", "CorrectMeasurement",
             Json({{"indicator", "I1"}, {"date", "2018-05-31"}, {"value", 50}, {"reason", "r"}}),
             "data.date: no measurement dated 2018-05-31"},
        Case{"target change without reason", "ChangeTarget",
             Json({{"indicator", "I1"}, {"target", {{"value", 70}, {"date", "2020-06-30"}}}}),
             "data.reason: is required"},
        Case{"revision not open", "CloseRevision",
             Json({{"decision", "d"}, {"date", "2018-07-01"}}),
             "data.direction: no mid-term revision is open"},
        Case{"direction never registered", "EditSection",
             Json({{"direction", "XYZ"}, {"section", "legal"}, {"text", "t"}}),
             "data.direction: no such direction"},
        Case{"section unknown", "EditSection", Json({{"section", "gossip"}, {"text", "t"}}),
             "data.section: must be one of"},
        Case{"direction code with a slash", "RegisterDirection",
             Json({{"code", "../etc"}, {"name", "n"}}), "data.code: not a direction code"},
        Case{"direction registered twice", "RegisterDirection",
             Json({{"code", "DEJ"}, {"name", "n"}}),
             "data.code: direction 'DEJ' is already registered"},
        // Numbers: finite, and within the bounds of a city's plan.
        Case{"absurd budget", "PlanAction", With(kAction, {{"budget_eur", 1e308}}),
             "data.budget_eur: 1e+308 is out of bounds (euros, >= 0 and at most 100000000000)"},
        Case{"infinite budget", "PlanAction",
             With(kAction, {{"budget_eur", std::numeric_limits<double>::infinity()}}),
             "data.budget_eur: must be a finite number"},
        Case{"NaN budget", "PlanAction",
             With(kAction, {{"budget_eur", std::numeric_limits<double>::quiet_NaN()}}),
             "data.budget_eur: must be a finite number"},
        Case{"absurd fte", "PlanAction", With(kAction, {{"fte", 20000}}),
             "data.fte: 20000 is out of bounds (full-time equivalents, >= 0 and at most 10000)"},
        Case{"absurd budget edit", "EditAction", Json({{"action", "A1.2"}, {"budget_eur", 2e11}}),
             "data.budget_eur: 200000000000 is out of bounds"},
        Case{"NaN percent", "ReportProgress",
             Json({{"action", "A1.2"},
                   {"date", "2018-07-01"},
                   {"percent", std::numeric_limits<double>::quiet_NaN()}}),
             "data.percent: must be a percentage from 0 to 100"},
        Case{"huge measurement", "RecordMeasurement",
             Json({{"indicator", "I1"}, {"date", "2018-07-01"}, {"value", 1.7e308}}),
             "data.value: 1.7e+308 is out of bounds (from -1000000000000 to 1000000000000)"},
        Case{"huge negative measurement", "RecordMeasurement",
             Json({{"indicator", "I1"}, {"date", "2018-07-01"}, {"value", -1.7e308}}),
             "data.value: -1.7e+308 is out of bounds"},
        Case{"infinite measurement", "RecordMeasurement",
             Json({{"indicator", "I1"},
                   {"date", "2018-07-01"},
                   {"value", -std::numeric_limits<double>::infinity()}}),
             "data.value: must be a finite number"},
        Case{"huge correction", "CorrectMeasurement",
             Json({{"indicator", "I1"}, {"date", "2018-06-30"}, {"value", 1e13}, {"reason", "r"}}),
             "data.value: 10000000000000 is out of bounds"},
        Case{"huge baseline", "DefineIndicator",
             With(kIndicator, {{"baseline", {{"value", 1e300}, {"date", "2016-01-01"}}}}),
             "data.baseline.value: 1e+300 is out of bounds"},
        Case{"huge target", "DefineIndicator",
             With(kIndicator, {{"target", {{"value", -1e200}, {"date", "2019-01-01"}}}}),
             "data.target.value: -1e+200 is out of bounds"},
        Case{"huge target change", "ChangeTarget",
             Json({{"indicator", "I1"},
                   {"target", {{"value", 5e12}, {"date", "2020-06-30"}}},
                   {"reason", "r"}}),
             "data.target.value: 5000000000000 is out of bounds"},
        Case{"absurd agents", "EditSection", Json({{"section", "identity"}, {"agents", 5000000}}),
             "data.agents: must be an integer from 0 to 100000"},
        // Dates: plausible years, the plan's period, and nothing after today.
        Case{"year 0", "ReportProgress",
             Json({{"action", "A1.2"}, {"date", "0000-06-30"}, {"percent", 50}}), "data.date"},
        Case{"year 1900", "RecordMeasurement",
             Json({{"indicator", "I1"}, {"date", "1900-01-01"}, {"value", 5}}),
             "data.date: 1900-01-01 is not a plausible date (years 1970 to 2100)"},
        Case{"year 9999", "EditSection",
             Json({{"section", "legal"}, {"text", "t"}, {"date", "9999-12-31"}}),
             "data.date: 9999-12-31 is not a plausible date"},
        Case{"evidence from 1900", "AddSwotItem",
             Json({{"id", "S9"},
                   {"quadrant", "internal_strength"},
                   {"text", "x"},
                   {"evidence", {{"source", "s"}, {"date", "1900-01-01"}}}}),
             "data.evidence.date: 1900-01-01 is not a plausible date"},
        Case{"progress after today", "ReportProgress",
             Json({{"action", "A1.2"}, {"date", "2018-07-02"}, {"percent", 50}}),
             "data.date: 2018-07-02 is after today (2018-07-01)"},
        Case{"progress in 2030", "ReportProgress",
             Json({{"action", "A1.2"}, {"date", "2030-01-01"}, {"percent", 50}}),
             "data.date: 2030-01-01 is after today"},
        Case{"progress before the period", "ReportProgress",
             Json({{"action", "A1.2"}, {"date", "2015-12-31"}, {"percent", 50}}),
             "data.date: 2015-12-31 is too far from the plan's period 2016-01-01 to 2020-12-31"},
        Case{"measurement after today", "RecordMeasurement",
             Json({{"indicator", "I1"}, {"date", "2018-07-02"}, {"value", 5}}),
             "data.date: 2018-07-02 is after today (2018-07-01): a measurement records"},
        Case{"measurement long before the period", "RecordMeasurement",
             Json({{"indicator", "I1"}, {"date", "2005-12-31"}, {"value", 5}}),
             "data.date: 2005-12-31 is too far from the plan's period 2016-01-01 to 2020-12-31 "
             "(allowed from 2006-01-01 to 2018-07-01)"},
        Case{"correction after today", "CorrectMeasurement",
             Json({{"indicator", "I1"}, {"date", "2019-03-31"}, {"value", 5}, {"reason", "r"}}),
             "data.date: 2019-03-31 is after today"},
        Case{"completion after today", "CompleteAction",
             Json({{"action", "A1.2"}, {"date", "2019-01-01"}}),
             "data.date: 2019-01-01 is after today"},
        Case{"completion before the period", "CompleteAction",
             Json({{"action", "A1.2"}, {"date", "2015-06-01"}}),
             "data.date: 2015-06-01 is too far from the plan's period"},
        Case{"cancellation after today", "CancelAction",
             Json({{"action", "A1.2"}, {"date", "2020-01-01"}}),
             "data.date: 2020-01-01 is after today"},
        Case{"review long after the period", "HoldReview",
             Json({{"date", "2025-12-15"}, {"participants", {"p"}}, {"decisions", "d"}}),
             "data.date: 2025-12-15 is too far from the plan's period"},
        Case{"review before the period", "HoldReview",
             Json({{"date", "2015-12-15"}, {"participants", {"p"}}, {"decisions", "d"}}),
             "data.date: 2015-12-15 is too far from the plan's period"},
        Case{"action starting after the period", "PlanAction",
             With(kAction, {{"start", "2030-01-01"}, {"due", "2030-12-31"}}),
             "data.start: 2030-01-01 is outside the plan's period 2016-01-01 to 2020-12-31"},
        Case{"action due after the period", "PlanAction", With(kAction, {{"due", "2021-06-30"}}),
             "data.due: 2021-06-30 is outside the plan's period"},
        Case{"action starting before the period", "PlanAction",
             With(kAction, {{"start", "2015-09-01"}}), "data.start: 2015-09-01 is outside"},
        Case{"reschedule after the period", "RescheduleAction",
             Json({{"action", "A1.2"}, {"due", "2099-12-31"}, {"reason", "r"}}),
             "data.due: 2099-12-31 is outside the plan's period"},
        Case{"baseline a decade before", "DefineIndicator",
             With(kIndicator, {{"baseline", {{"value", 1}, {"date", "1990-01-01"}}}}),
             "data.baseline.date: 1990-01-01 is too far from the plan's period"},
        Case{"baseline after the period", "DefineIndicator",
             With(kIndicator, {{"baseline", {{"value", 1}, {"date", "2021-01-01"}}},
                               {"target", {{"value", 2}, {"date", "2022-01-01"}}}}),
             "data.baseline.date: 2021-01-01 is too far from the plan's period"},
        Case{"target far after the period", "DefineIndicator",
             With(kIndicator, {{"target", {{"value", 2}, {"date", "2030-01-01"}}}}),
             "data.target.date: 2030-01-01 is too far from the plan's period 2016-01-01 to "
             "2020-12-31 (allowed from 2016-01-01 to 2023-12-31)"},
        Case{"target before its baseline", "DefineIndicator",
             With(kIndicator, {{"baseline", {{"value", 1}, {"date", "2017-06-30"}}},
                               {"target", {{"value", 2}, {"date", "2016-06-30"}}}}),
             "data.target.date: 2016-06-30 is before the baseline's date (2017-06-30)"},
        Case{"target change before the baseline", "ChangeTarget",
             Json({{"indicator", "I1"},
                   {"target", {{"value", 70}, {"date", "2016-03-31"}}},
                   {"reason", "r"}}),
             "data.target.date: 2016-03-31 is before the baseline's date (2016-06-30)"},
        Case{"validation a decade after", "ValidateAxis",
             Json({{"axis", "A1"}, {"orientation", "o"}, {"by", "b"}, {"date", "2099-01-01"}}),
             "data.date: 2099-01-01 is too far from the plan's period"},
        Case{"review without participants", "HoldReview",
             Json({{"date", "2018-06-30"}, {"participants", Json::array()}, {"decisions", "d"}}),
             "data.participants: a review has at least one participant"}),
    [](const auto& info) {
      std::string name = info.param.name;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(ParseCommandTest, RejectsBadEnvelopes) {
  EXPECT_NE(ParseCommand(Json::array()).status().message().find("body: must be a JSON object"),
            std::string::npos);
  EXPECT_NE(ParseCommand({{"data", Json::object()}}).status().message().find("type: is required"),
            std::string::npos);
  EXPECT_NE(ParseCommand({{"type", "Fly"}, {"data", Json::object()}})
                .status()
                .message()
                .find("type: unknown command type 'Fly'"),
            std::string::npos);
  EXPECT_NE(ParseCommand({{"type", "PlanAction"}, {"data", Json::object()}, {"extra", 1}})
                .status()
                .message()
                .find("extra: unknown field"),
            std::string::npos);
  EXPECT_NE(ParseCommand({{"type", "PlanAction"}, {"data", "x"}})
                .status()
                .message()
                .find("data: must be an object"),
            std::string::npos);
  EXPECT_NE(
      ParseCommand({{"type", "PlanAction"}, {"data", Json::object()}, {"expected_version", -1}})
          .status()
          .message()
          .find("expected_version"),
      std::string::npos);
  EXPECT_TRUE(
      ParseCommand({{"type", "PlanAction"}, {"data", Json::object()}, {"expected_version", 3}})
          .ok());
}

class CommandBehaviourTest : public testing::PlanFixture {};

TEST_F(CommandBehaviourTest, ExpectedVersionMismatchIsAConflict) {
  ImportExample();
  const uint64_t version = projections_->Current("DEJ")->version;
  auto stale =
      Exec("EditSection", {{"direction", "DEJ"}, {"section", "legal"}, {"text", "x"}}, version - 1);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.status().IsConflict());
  auto fresh =
      Exec("EditSection", {{"direction", "DEJ"}, {"section", "legal"}, {"text", "x"}}, version);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ((*fresh)["version"], version + 1);
}

// A system append decided on a plan that moves before the append lands:
// AppendSystemAsync reports the conflict and appends nothing; AppendSystem
// catches up and decides again. Here the plan is moved by a direct append to
// its stream from inside the decision (after the version was read).
TEST_F(CommandBehaviourTest, ASystemAppendOnAPlanThatMovedIsAConflictOrDecidedAgain) {
  ImportExample();
  int decided = 0;
  auto sneak_in = [&] {
    AppendRequest r;
    r.stream = PlanStream("DEJ");
    r.actor = "test";
    NewEvent e;
    e.type = "SectionEdited";
    e.effective_at = clock_.Now();
    e.payload = EncodePayload(
        {{"direction", "DEJ"}, {"section", "legal"}, {"text", "x" + std::to_string(decided)}});
    r.events.push_back(std::move(e));
    ASSERT_TRUE(log_->Append(std::move(r)).ok());
  };
  const auto decide = [&](const PlanState&) -> Result<std::vector<NewEvent>> {
    if (++decided == 1) sneak_in();  // only the first decision is overtaken
    NewEvent e;
    e.type = "SectionEdited";
    e.effective_at = clock_.Now();
    e.payload = EncodePayload({{"direction", "DEJ"}, {"section", "history"}, {"text", "décidé"}});
    return std::vector<NewEvent>{std::move(e)};
  };
  const uint64_t head = Head();
  std::promise<Result<PlanService::SystemAppend>> answered;
  service_->AppendSystemAsync(
      "DEJ", "sys-1", "test", decide, PlanService::CommandId::kFresh,
      [&](Result<PlanService::SystemAppend> r) { answered.set_value(std::move(r)); });
  const Result<PlanService::SystemAppend> async = answered.get_future().get();
  EXPECT_TRUE(async.status().IsConflict()) << async.status().ToString();
  EXPECT_EQ(Head(), head + 1);  // the sneaked-in event only

  decided = 0;
  auto sync = service_->AppendSystem("DEJ", "sys-2", "test", decide);
  ASSERT_TRUE(sync.ok()) << sync.status().ToString();
  EXPECT_TRUE(sync->appended());
  EXPECT_EQ(decided, 2);
  EXPECT_EQ(Head(), head + 3);
  EXPECT_EQ(sync->position, Head());
  ASSERT_TRUE(service_->CatchUpTo(sync->position).ok());
  EXPECT_EQ(projections_->Current("DEJ")->version, *log_->StreamVersion(PlanStream("DEJ")));
}

TEST_F(CommandBehaviourTest, ReplayedCommandIdReturnsTheFirstResult) {
  ImportExample();
  Json data = {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-07-01"}, {"percent", 45}};
  auto first = Exec("ReportProgress", data, std::nullopt, "same-id");
  ASSERT_TRUE(first.ok());
  const uint64_t head = Head();
  // Even a command that would now be invalid is answered with the original result.
  auto again = Exec("ReportProgress", data, std::nullopt, "same-id");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE((*again)["replayed"].get<bool>());
  EXPECT_EQ((*again)["position"], (*first)["position"]);
  EXPECT_EQ(Head(), head);
}

TEST_F(CommandBehaviourTest, CorrectionsAndTargetChangesKeepTheirLineage) {
  ImportExample();
  ASSERT_TRUE(Exec("CorrectMeasurement", {{"direction", "DEJ"},
                                          {"indicator", "I1"},
                                          {"date", "2018-06-30"},
                                          {"value", 43},
                                          {"reason", "Double saisie"}})
                  .ok());
  ASSERT_TRUE(Exec("ChangeTarget", {{"direction", "DEJ"},
                                    {"indicator", "I1"},
                                    {"target", {{"value", 70}, {"date", "2020-06-30"}}},
                                    {"reason", "Objectif relevé"}})
                  .ok());
  const PlanState s = *projections_->Current("DEJ");
  const Json i1 = s.IndicatorJson("I1");
  EXPECT_EQ(i1["measurements"][1]["value"], 43);
  EXPECT_EQ(i1["measurements"][1]["corrections"][0]["from"], 41);
  EXPECT_EQ(i1["target"]["value"], 70);
  EXPECT_EQ(i1["initial_target"]["value"], 60);
  EXPECT_EQ(i1["target_changes"][0]["target"]["value"], 70);
  EXPECT_EQ(i1["target_changes"][0]["by"], "test:user");
  EXPECT_EQ(i1["target_changes"][0]["date"], "2018-07-01");
  Json dash = Dashboard(s, ParseDate("2018-07-01").value());
  EXPECT_EQ(dash["indicators"][0]["initial_target"], 60);
  EXPECT_EQ(dash["indicators"][0]["target"], 70);
  EXPECT_EQ(dash["indicators"][0]["latest"], 43);
  EXPECT_DOUBLE_EQ(dash["indicators"][0]["attainment"].get<double>(), Round2(100.0 * 43 / 70));
  // Both the original and the correction stay in the log.
  auto history = service_->History("DEJ", {"indicator/I1", {}, {}});
  ASSERT_TRUE(history.ok());
  int recorded = 0, corrected = 0;
  for (const Json& e : (*history)["entries"]) {
    recorded += e["type"] == "MeasurementRecorded";
    corrected += e["type"] == "MeasurementCorrected";
  }
  EXPECT_EQ(recorded, 2);
  EXPECT_EQ(corrected, 1);
}

}  // namespace
}  // namespace jalon
