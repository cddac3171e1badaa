// Every refusal a command can give has its French wording: the test drives
// every command type's every field through values of every wrong kind, on
// a plan with done, cancelled and dropped parts, collects the rules the
// commands answer with, and requires each to be in refusal_fr.cc's table.
#include "engine/plan/refusal_fr.h"

#include <gtest/gtest.h>

#include <set>

#include "engine/log/payload.h"
#include "engine/plan/command.h"
#include "engine/plan/command_internal.h"
#include "engine/plan/generator.h"
#include "engine/plan/plan_io.h"
#include "engine/util/french_date.h"

namespace jalon {
namespace {

using command_internal::Kind;

const Instant kNow = ParseDate("2021-03-01").value();

// Runs `type` with `data` on `state`; applies its events if accepted.
Status Run(PlanState& state, const std::string& type, const Json& data) {
  Command c;
  c.type = type;
  c.data = data;
  auto decision = Decide(state, c, kNow);
  if (!decision.ok()) return decision.status();
  for (const NewEvent& e : decision->events) {
    Event applied;
    applied.type = e.type;
    applied.position = applied.version = state.version + 1;
    JALON_RETURN_IF_ERROR(state.Apply(applied, DecodePayload(e.payload).value()));
  }
  return Status::Ok();
}

// A generated plan, with a dropped axis, a done and a cancelled action.
PlanState Plan() {
  PlanState state;
  auto steps = PlanToCommands(GeneratePlan("DEJ", 7));
  EXPECT_TRUE(steps.ok());
  if (!steps.ok()) return state;
  auto decision = DecideImport(*steps, kNow);
  EXPECT_TRUE(decision.ok()) << decision.status().message();
  if (!decision.ok()) return state;
  for (const NewEvent& e : decision->events) {
    Event applied;
    applied.type = e.type;
    applied.position = applied.version = state.version + 1;
    EXPECT_TRUE(state.Apply(applied, DecodePayload(e.payload).value()).ok());
  }
  EXPECT_TRUE(Run(state, "DropAxis", {{"direction", "DEJ"}, {"axis", "A4"}}).ok());
  EXPECT_TRUE(Run(state, "CompleteAction", {{"direction", "DEJ"}, {"action", "A1.1"}}).ok());
  EXPECT_TRUE(Run(state, "CancelAction", {{"direction", "DEJ"}, {"action", "A1.2"}}).ok());
  return state;
}

// A value of `kind` that its field check accepts.
Json Valid(const command_internal::Field& f) {
  switch (f.kind) {
    case Kind::kName:
      return "Un nom";
    case Kind::kText:
      return "Un texte";
    case Kind::kCode:
      return "DEJ";
    case Kind::kId:
      return "A1";
    case Kind::kDate:
      return "2017-03-01";
    case Kind::kMeasure:
    case Kind::kBudget:
    case Kind::kFte:
    case Kind::kAgents:
    case Kind::kPercent:
      return 10;
    case Kind::kValues:
      return {{"listening", 2}};
    case Kind::kAmbitions:
      return {{"efficiency", 2}};
    case Kind::kNames:
      return Json::array({"Une personne"});
    case Kind::kIds:
      return Json::array({"A1"});
    case Kind::kEnum:
      return f.choices.front();
    case Kind::kDatedValue:
      return {{"value", 40}, {"date", "2019-12-31"}};
    case Kind::kEvidence:
      return {{"source", "Rapport"}, {"date", "2015-11-02"}};
    case Kind::kAttachedTo:
      return "plan";
    case Kind::kTrue:
      return true;
    case Kind::kMeans:
      return {{"fte", {{"2017", 2.5}}}, {"budget_eur", {{"2017", 1000}}}, {"new_projects_eur", 10}};
    case Kind::kDecisions:
      return "Un texte";
  }
  return nullptr;
}

// Values wrong in every way a person or a probe gets a field wrong.
std::vector<Json> Wrong() {
  std::vector<Json> out = {nullptr,
                           Json::array({Json::array()}),
                           Json::object(),
                           "x",
                           "",
                           -1,
                           1e30,
                           150,
                           3.5,
                           "2017-02-30",
                           "1800-01-01",
                           "2099-06-01",
                           "2030-01-01",
                           "2009-01-01",
                           "2016-02-01",
                           std::string(5000, 'x'),
                           std::string(300 * 1024, 'x'),
                           "axis:ZZ",
                           "action:ZZ",
                           "action:A1.2",
                           "axis:A4",
                           "ZZ",
                           "A1.1",
                           "A1.2",
                           "A4",
                           "I1",
                           "M1",
                           "S1",
                           "SC1",
                           Json::array({"ZZ"}),
                           Json::array({"A4"}),
                           Json::array({"A1", "A1"}),
                           Json::array({""}),
                           Json{{"zz", 1}},
                           Json{{"fte", {{"2030", 1}}}},
                           Json{{"fte", {{"20x7", 1}}}},
                           Json{{"fte", 3}},
                           Json{{"budget_eur", {{"2017", -1}}}},
                           Json{{"listening", 7}},
                           Json{{"value", "x"}},
                           Json{{"value", 1}, {"date", "2010-01-01"}},
                           Json{{"source", ""}, {"date", "2015-01-01"}},
                           "DEJ",
                           "dej",
                           true};
  out.push_back(Json(std::vector<std::string>(1001, "x")));
  return out;
}

std::set<std::string> RulesGiven() {
  const PlanState plan = Plan();
  std::set<std::string> rules;
  auto note = [&](const Status& s) {
    if (s.ok() || !s.IsInvalidArgument()) return;
    auto [field, rule] = SplitFieldError(s.message());
    rules.insert(rule);
  };
  for (const auto& [type, spec] : command_internal::Specs()) {
    Json valid = Json::object();
    for (const auto& f : spec.fields) valid[f.name] = Valid(f);
    for (const PlanState& state : {PlanState(), plan}) {
      PlanState copy = state;
      note(Run(copy, type, valid));
      note(Run(copy, type, Json::object()));
      Json unknown = valid;
      unknown["zzz"] = 1;
      note(Run(copy, type, unknown));
      for (const auto& f : spec.fields) {
        Json missing = valid;
        missing.erase(f.name);
        note(Run(copy, type, missing));
        for (const Json& v : Wrong()) {
          Json data = valid;
          data[f.name] = v;
          note(Run(copy, type, data));
          copy = state;
        }
      }
    }
  }
  // The envelope.
  for (const char* bad : {R"({"data": {}})", R"({"type": 5, "data": {}})",
                          R"({"type": "Nope", "data": {}})", R"({"type": "OpenPlan", "data": 5})",
                          R"({"type": "OpenPlan", "data": {}, "command_id": ""})",
                          R"({"type": "OpenPlan", "data": {}, "expected_version": -1})",
                          R"({"type": "OpenPlan", "data": {}, "effective_at": "x"})",
                          R"({"type": "OpenPlan", "data": {}, "effective_at": "1800-01-01"})",
                          R"({"type": "OpenPlan", "data": {}, "zz": 1})"}) {
    auto c = ParseCommand(Json::parse(bad));
    if (!c.ok()) note(c.status());
  }
  return rules;
}

TEST(RefusalFrTest, EveryRuleTheCommandsGiveHasItsFrench) {
  const std::set<std::string> rules = RulesGiven();
  // The drive reaches the rules: field kinds, dates, ids and states.
  EXPECT_GE(rules.size(), 60u);
  for (const std::string& rule : rules) {
    EXPECT_TRUE(HasFrenchRefusal(rule)) << "no French for: " << rule;
  }
}

TEST(RefusalFrTest, WordsTheRuleForStaffWithDatesInWords) {
  EXPECT_EQ(FrenchRefusal("must be a percentage from 0 to 100"),
            "doit être un pourcentage entre 0 et 100");
  EXPECT_EQ(FrenchRefusal("2018-07-24 is after today (2018-07-01): a progress report"),
            "24 juillet 2018 est postérieur à aujourd'hui (1er juillet 2018)");
  EXPECT_EQ(FrenchRefusal("no action 'A9' in this plan"), "aucune action « A9 » dans ce projet");
  // Unknown to the table: still French around the English, never empty.
  EXPECT_EQ(FrenchRefusal("a rule nobody wrote"), "valeur refusée (a rule nobody wrote)");
  EXPECT_FALSE(HasFrenchRefusal("a rule nobody wrote"));
}

TEST(FrenchDateTest, WritesDatesInWordsAndLeavesTheRest) {
  EXPECT_EQ(FrenchDate("2017-07-24"), "24 juillet 2017");
  EXPECT_EQ(FrenchDate("2018-03-01"), "1er mars 2018");
  EXPECT_EQ(FrenchDate("2016-12-31"), "31 décembre 2016");
  EXPECT_EQ(FrenchDate("2017-02-30"), "2017-02-30");
  EXPECT_EQ(FrenchDate("24/07/2017"), "24/07/2017");
  EXPECT_EQ(FrenchDatesInText("du 2016-01-01 au 2020-12-31, réf. 12016-01-011"),
            "du 1er janvier 2016 au 31 décembre 2020, réf. 12016-01-011");
}

}  // namespace
}  // namespace jalon
