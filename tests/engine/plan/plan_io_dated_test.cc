// jalon.plan/1's dated changes (DESIGN.md, "Dated changes in
// jalon.plan/1"): export then import reads the same at every date, older
// documents import with the fallbacks, and contradictions are refused with
// their path. The roll-up of a plan with every kind of dated change is
// checked against a computation of DESIGN.md's rules written here, from the
// document alone.
#include <algorithm>
#include <cmath>
#include <set>

#include "engine/plan/generator.h"
#include "engine/plan/plan_io.h"
#include "engine/plan/rollup.h"
#include "tests/engine/plan/plan_fixture.h"

namespace jalon {
namespace {

using testing::ExamplePlan;

// DESIGN.md's roll-up, read straight from a jalon.plan/1 document at `t`
// (YYYY-MM-DD; ISO dates compare as strings): {execution, performance}.
std::pair<Json, Json> Independent(const Json& doc, const std::string& t) {
  auto on = [&t](const Json& mark) {
    return mark == true || (mark.is_string() && mark.get<std::string>() <= t);
  };
  auto in_force = [&t](const Json& initial, const Json& changes, const char* key) {
    Json value = initial;
    for (const Json& c : changes) {
      if (c["date"].get<std::string>() <= t) value = c[key];
    }
    return value;
  };
  std::map<std::string, bool> dropped;
  for (const Json& a : doc["axes"]) dropped[a["id"]] = on(a.value("dropped", Json(false)));
  std::map<std::string, Json> actions;
  for (const Json& a : doc["actions"]) actions[a["id"]] = a;
  auto action_counts = [&](const Json& a) {
    return !on(a.value("cancelled", Json())) && !dropped[a["axis"]];
  };
  std::vector<double> axes;
  for (const Json& axis : doc["axes"]) {
    if (dropped[axis["id"]]) continue;
    double weighted = 0, budget = 0, plain = 0;
    int n = 0;
    for (const Json& a : doc["actions"]) {
      if (a["axis"] != axis["id"] || !action_counts(a)) continue;
      double progress = 0;
      std::string latest;
      for (const Json& r : a["progress"]) {
        const std::string d = r["date"];
        if (d <= t && d >= latest) latest = d, progress = r["percent"].get<double>();
      }
      if (on(a.value("completed", Json()))) progress = 100;
      const double b =
          in_force(a["budget_eur"], a.value("budget_changes", Json::array()), "budget_eur")
              .get<double>();
      weighted += progress * b, budget += b, plain += progress, ++n;
    }
    if (n > 0) axes.push_back(budget > 0 ? weighted / budget : plain / n);
  }
  std::vector<double> attainments;
  for (const Json& i : doc["indicators"]) {
    if (on(i.value("retired", Json()))) continue;
    const std::string at = i["attached_to"];
    if (at.starts_with("axis:") && dropped[at.substr(5)]) continue;
    if (at.starts_with("action:") && !action_counts(actions[at.substr(7)])) continue;
    std::string latest;
    double value = 0;
    for (const Json& m : i["measurements"]) {
      const std::string d = m["date"];
      if (d <= t && d >= latest) latest = d, value = m["value"].get<double>();
    }
    if (latest.empty()) continue;
    const double base = i["baseline"]["value"].get<double>();
    const double target =
        in_force(i["target"], i.value("target_changes", Json::array()), "target")["value"]
            .get<double>();
    const std::string polarity = i["polarity"];
    double a;
    if (polarity == "maintain_above") {
      a = value >= target ? 100 : 0;
    } else if (polarity == "maintain_below") {
      a = value <= target ? 100 : 0;
    } else if (target == base) {
      a = (polarity == "decrease" ? value <= target : value >= target) ? 100 : 0;
    } else {
      a = 100 * std::clamp((value - base) / (target - base), 0.0, 1.0);
    }
    attainments.push_back(a);
  }
  auto mean = [](const std::vector<double>& xs) -> Json {
    if (xs.empty()) return nullptr;
    double sum = 0;
    for (double x : xs) sum += x;
    return std::round(sum / xs.size() * 100) / 100;
  };
  return {mean(axes), mean(attainments)};
}

// Every month of the cycle, and the days around the changes.
std::vector<std::string> Dates(int first_year, int years) {
  std::vector<std::string> out;
  for (int y = first_year; y <= first_year + years; ++y) {
    for (int m = 1; m <= 12; ++m) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, m == 2 ? 28 : 30);
      out.push_back(buf);
    }
  }
  return out;
}

class PlanIoDatedTest : public testing::PlanFixture {
 protected:
  Json DashboardOf(PlanService& service, const std::string& code, const std::string& date) {
    auto d = service.Dashboard(code, ParseDate(date).value(), {});
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : Json();
  }

  void ExpectRefused(const Json& doc, const std::string& error) {
    const uint64_t head = Head();
    auto r = service_->Import(doc, "test");
    ASSERT_FALSE(r.ok()) << "expected: " << error;
    EXPECT_EQ(r.status().message().substr(0, error.size()), error) << r.status().message();
    EXPECT_EQ(Head(), head);
  }
};

TEST_F(PlanIoDatedTest, EveryKindOfDatedChangeMatchesAnIndependentComputation) {
  AfterGeneratedHistory();
  for (uint64_t seed : {4u, 5u}) {
    const std::string code = "GEN" + std::to_string(seed);
    GeneratorOptions options;
    options.axes = 4;
    options.dated_changes = true;
    const Json doc = GeneratePlan(code, seed, options);
    // Every kind of dated change is there.
    std::set<std::string> kinds;
    for (const Json& a : doc["actions"]) {
      for (const char* k : {"reschedules", "budget_changes", "completed", "cancelled"}) {
        if (a.contains(k)) kinds.insert(k);
      }
    }
    for (const Json& i : doc["indicators"]) {
      for (const char* k : {"target_changes", "retired"}) {
        if (i.contains(k)) kinds.insert(k);
      }
    }
    if (doc["axes"].back()["dropped"].is_string()) kinds.insert("dropped");
    EXPECT_EQ(kinds.size(), 7u) << code;
    ASSERT_TRUE(service_->Import(doc, "test").ok())
        << service_->Import(doc, "test").status().ToString();
    EXPECT_EQ(service_->Export(code, {}).value(), doc) << code;
    for (const std::string& date : Dates(2016, 4)) {
      const Json d = DashboardOf(*service_, code, date);
      const auto [execution, performance] = Independent(doc, date);
      EXPECT_EQ(d["execution"], execution) << code << " " << date;
      EXPECT_EQ(d["performance"], performance) << code << " " << date;
    }
  }
}

TEST_F(PlanIoDatedTest, ExportThenImportGivesTheSameDashboardsAtEveryDate) {
  ImportExample();
  auto ok = [&](const std::string& type, Json data) {
    data["direction"] = "DEJ";
    auto r = Exec(type, std::move(data));
    ASSERT_TRUE(r.ok()) << type << ": " << r.status().ToString();
  };
  ok("RescheduleAction",
     {{"action", "A1.2"}, {"due", "2019-12-31"}, {"reason", "Marché"}, {"date", "2018-02-01"}});
  ok("EditAction", {{"action", "A2.1"},
                    {"budget_eur", 1800000},
                    {"fte", 14},
                    {"reason", "Avenant"},
                    {"date", "2018-03-01"}});
  ok("ChangeTarget", {{"indicator", "I1"},
                      {"target", {{"value", 50}, {"date", "2019-12-31"}}},
                      {"reason", "Révision"},
                      {"by", "Comité de pilotage"},
                      {"date", "2017-09-01"}});
  ok("ChangeTarget", {{"indicator", "I1"},
                      {"target", {{"value", 45}, {"date", "2019-12-31"}}},
                      {"reason", "Révision"},
                      {"date", "2018-04-01"}});
  ok("RetireIndicator", {{"indicator", "I3"}, {"date", "2017-05-01"}});
  ok("RetireMission", {{"mission", "M2"}, {"date", "2017-01-01"}});
  ok("CompleteAction", {{"action", "A1.2"}, {"date", "2018-05-15"}});
  ok("DropAxis", {{"axis", "A2"}, {"date", "2018-06-01"}});
  const Json first = service_->Export("DEJ", {}).value();
  EXPECT_EQ(first["axes"][1]["dropped"], "2018-06-01");
  EXPECT_EQ(first["actions"][1]["due"], "2019-06-30");  // the planned one
  EXPECT_EQ(first["actions"][1]["completed"], "2018-05-15");
  EXPECT_EQ(first["indicators"][0]["target"]["value"], 60);  // the initial one
  EXPECT_EQ(first["indicators"][0]["target_changes"][0]["by"], "Comité de pilotage");

  testing::TempDir other;
  auto log = testing::OpenLogOrDie(other.path(), clock_);
  Projections projections(*log);
  ASSERT_TRUE(projections.Start().ok());
  PlanService service(*log, projections, clock_);
  auto r = service.Import(first, "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(service.Export("DEJ", {}).value(), first);
  for (const std::string& date : Dates(2016, 3)) {
    EXPECT_EQ(DashboardOf(service, "DEJ", date), DashboardOf(*service_, "DEJ", date)) << date;
    const auto [execution, performance] = Independent(first, date);
    EXPECT_EQ(DashboardOf(service, "DEJ", date)["execution"], execution) << date;
    EXPECT_EQ(DashboardOf(service, "DEJ", date)["performance"], performance) << date;
  }
}

TEST_F(PlanIoDatedTest, OlderDocumentsImportWithTheFallbacks) {
  Json doc = ExamplePlan();
  doc["actions"][0].erase("completed");  // done, undated: its last report
  doc["actions"][1]["reschedules"] = {{{"from", {{"start", "2017-01-01"}, {"due", "2019-06-30"}}},
                                       {"to", {{"start", "2017-01-01"}, {"due", "2019-12-31"}}},
                                       {"reason", "Marché"}}};
  doc["actions"][1]["due"] = "2019-12-31";
  doc["actions"][2]["status"] = "cancelled";  // undated: its last report
  doc["indicators"][0]["target_changes"] = {{{"from", {{"value", 60}, {"date", "2019-12-31"}}},
                                             {"to", {{"value", 70}, {"date", "2019-12-31"}}},
                                             {"reason", "Relevé"}}};
  doc["indicators"][0]["target"] = {{"value", 70}, {"date", "2019-12-31"}};
  doc["indicators"][2]["retired"] = true;
  doc["axes"][1]["dropped"] = true;  // left out at every date
  auto r = service_->Import(doc, "test");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Json out = service_->Export("DEJ", {}).value();
  EXPECT_EQ(out["actions"][0]["completed"], "2017-08-30");
  EXPECT_EQ(out["actions"][1]["due"], "2019-06-30");
  EXPECT_EQ(out["actions"][1]["reschedules"][0]["due"], "2019-12-31");
  EXPECT_EQ(out["actions"][2]["cancelled"], "2018-06-30");
  EXPECT_EQ(out["indicators"][0]["target"]["value"], 60);
  EXPECT_EQ(out["indicators"][0]["target_changes"][0]["target"]["value"], 70);
  EXPECT_EQ(out["indicators"][2]["retired"], "2016-03-15");  // the plan's date
  EXPECT_EQ(out["axes"][1]["dropped"], true);
  const Json d = DashboardOf(*service_, "DEJ", "2016-06-30");
  EXPECT_EQ(d["axes"][1]["dropped"], true);
  EXPECT_EQ(d["axes"][0]["actions"][0]["status"], "not_started");  // not done in 2016
}

TEST_F(PlanIoDatedTest, ContradictionsAreRefusedNamingTheField) {
  Json doc = ExamplePlan();
  doc["indicators"][0]["target"]["value"] = -5;  // increase, baseline 0
  ExpectRefused(doc, "indicators[0].target.value: -5 is below the baseline (0)");

  doc = ExamplePlan();
  doc["indicators"][0]["baseline"]["date"] = "2020-01-31";
  ExpectRefused(doc, "indicators[0].target.date: 2019-12-31 is before the baseline's date");

  doc = ExamplePlan();
  doc["actions"][0]["completed"] = "2016-08-01";  // starts 2016-09-01
  ExpectRefused(doc, "actions[0].completed: 2016-08-01 is before the action's start");

  doc = ExamplePlan();
  doc["actions"][0]["completed"] = "2017-08-30";
  doc["actions"][1]["completed"] = "2017-08-30";  // started, not done
  ExpectRefused(doc, "actions[1].completed: only an action whose status is done");

  doc = ExamplePlan();
  doc["actions"][1]["reschedules"] = {
      {{"date", "2018-01-10"}, {"start", "2017-01-01"}, {"due", "2019-09-30"}, {"reason", "a"}},
      {{"date", "2017-12-01"}, {"start", "2017-01-01"}, {"due", "2019-12-31"}, {"reason", "b"}}};
  ExpectRefused(doc, "actions[1].reschedules[1].date: 2017-12-01 is before the last reschedule");

  doc = ExamplePlan();
  doc["indicators"][0]["target_changes"] = {{{"date", "2018-01-10"},
                                             {"target", {{"value", 50}, {"date", "2019-12-31"}}},
                                             {"reason", "a"}},
                                            {{"date", "2017-12-01"},
                                             {"target", {{"value", 40}, {"date", "2019-12-31"}}},
                                             {"reason", "b"}}};
  ExpectRefused(
      doc, "indicators[0].target_changes[1].date: 2017-12-01 is before the last target change");

  doc = ExamplePlan();
  doc["axes"][0]["dropped"] = 3;
  ExpectRefused(doc, "axes[0].dropped: must be a date, true or false");
}

}  // namespace
}  // namespace jalon
