// What the CLI prints for people writes its dates in words (« 1er janvier
// 2020 »), as the documents and the emails do: every text output of a real
// plan on a data directory is scanned for ISO dates. The raw events
// (`jalon append`'s echo of the stored JSON) are data, not text, and are
// left out.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "tests/test_util.h"
#include "tools/cli/backend.h"
#include "tools/cli/text.h"

namespace jalon::cli {
namespace {

Json ExamplePlan() {
  std::ifstream in(JALON_EXAMPLE_PLAN);
  std::stringstream s;
  s << in.rdbuf();
  return Json::parse(s.str());
}

// The first ISO date or instant in `text`, or the first first-of-the-month written
// "1" instead of "1er", or "".
std::string IsoDateIn(const std::string& text) {
  static const std::regex kIso(
      R"(\b\d{4}-\d{2}-\d{2}(\b|T)|\b1 (janvier|février|mars|avril|mai|juin|juillet|août|septembre|)"
      R"(octobre|novembre|décembre)\b)");
  std::smatch m;
  return std::regex_search(text, m, kIso) ? m.str() : std::string();
}

TEST(CliTextTest, NoTextForPeopleWritesAnIsoDate) {
  testing::TempDir dir;
  auto backend = OpenLocal(dir.Sub("data"), jobs::JobsOptions());
  ASSERT_TRUE(backend.ok()) << backend.status().ToString();
  Backend& b = **backend;
  ASSERT_TRUE(b.Import(ExamplePlan(), "cli-text-test").ok());
  // A measurement recorded long after its date (an audit flag names it), a
  // reschedule and a target change (the plan and the history show them).
  for (const Json& command :
       {Json{{"type", "RecordMeasurement"},
             {"data",
              {{"direction", "DEJ"}, {"indicator", "I3"}, {"date", "2019-06-28"}, {"value", 70}}}},
        Json{{"type", "RescheduleAction"},
             {"data",
              {{"direction", "DEJ"},
               {"action", "A2.1"},
               {"due", "2020-03-31"},
               {"reason", "Retard du prestataire"},
               {"date", "2019-07-01"}}}},
        Json{{"type", "ChangeTarget"},
             {"data",
              {{"direction", "DEJ"},
               {"indicator", "I2"},
               {"target", {{"value", 7}, {"date", "2020-06-30"}}},
               {"reason", "Ouverture retardée de la crèche"},
               {"date", "2019-07-01"}}}}}) {
    auto r = b.Execute(command);
    ASSERT_TRUE(r.ok()) << command.dump() << ": " << r.status().ToString();
  }

  const Instant at = ParseInstant("2019-07-01T00:00:00Z").value();
  std::vector<std::pair<std::string, std::string>> texts;
  auto add = [&texts](const std::string& what, const Result<Json>& data,
                      std::string (*text)(const Json&)) {
    ASSERT_TRUE(data.ok()) << what << ": " << data.status().ToString();
    texts.emplace_back(what, text(*data));
  };
  add("show", b.Show("DEJ", {}), PlanText);
  add("dashboard", b.Dashboard("DEJ", at, {}), DashboardText);
  add("history", b.History("DEJ", {}), HistoryText);
  add("diff", b.Diff("DEJ", ParseInstant("2000-01-01T00:00:00Z").value(), SystemClock().Now()),
      DiffText);
  add("schedule", b.Schedule("DEJ", std::nullopt, std::nullopt), ScheduleText);
  add("audit", b.Audit("DEJ"), AuditText);
  add("explain", b.Explain("DEJ", "axis/A1", at), ExplainText);
  // Reminders and a simulation's summary come from the scheduler: their
  // JSON as it gives them.
  texts.emplace_back(
      "reminders",
      RemindersText({{"direction", "DEJ"},
                     {"reminders",
                      {{{"id", "R1"},
                        {"rule", "indicator_stale"},
                        {"subject", "review/2019-06-30"},
                        {"expected", "une nouvelle mesure, attendue au plus tard le 2019-06-30"},
                        {"due", "2019-06-30"},
                        {"state", "open"},
                        {"level", 1},
                        {"notices", 2},
                        {"delivered", 1},
                        {"attempts", 1},
                        {"retry_at", "2019-07-01T08:00:00Z"}}}}}));
  texts.emplace_back(
      "simulate", SimulationText({{"from", "2016-01-01"},
                                  {"to", "2020-12-31"},
                                  {"days", 1826},
                                  {"occurrences", {{"fired", 1}, {"caught_up", 0}, {"skipped", 0}}},
                                  {"reminders",
                                   {{"issued", 1},
                                    {"escalated", 0},
                                    {"repeated", 0},
                                    {"resolved", 0},
                                    {"acknowledged", 0}}},
                                  {"messages", {{"delivered", 1}, {"failed", 0}, {"attempts", 1}}},
                                  {"events", 10}}));
  bool audit_named_a_date = false;
  for (const auto& [what, text] : texts) {
    EXPECT_EQ(IsoDateIn(text), "") << what << ":\n" << text;
    if (what == "audit") audit_named_a_date = text.find("28 juin 2019") != std::string::npos;
  }
  // The audit flag of the late measurement names its date, in words.
  EXPECT_TRUE(audit_named_a_date) << texts[5].second;
}

}  // namespace
}  // namespace jalon::cli
