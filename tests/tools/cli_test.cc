// The `jalon` binary end to end on a data directory, as a user runs it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"

namespace jalon {
namespace {

using nlohmann::json;
using testing::ChildProcess;
using testing::TempDir;

using CliRun = testing::RunResult;
using testing::Jalon;
using testing::kExample;
using testing::kJalon;

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

class CliTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const json& j) {
    const std::string path = dir_.Sub(name);
    std::ofstream(path) << j.dump();
    return path;
  }
  std::string Data() const { return dir_.Sub("data"); }
  // A file with the command that opens the sample plan's next cycle.
  std::string NextCycleCommand() {
    return Write("cycle.json", {{"type", "OpenCycle"},
                                {"data",
                                 {{"direction", "DEJ"},
                                  {"title", "Projet de direction 2021-2024"},
                                  {"period_start", "2021-01-01"},
                                  {"period_end", "2024-12-31"},
                                  {"dated", "2021-01-04"}}}});
  }
  TempDir dir_;
};

TEST_F(CliTest, ImportExportDashboardAndTimeTravel) {
  CliRun imported = Jalon({"import", kExample, "--data", Data()});
  ASSERT_EQ(imported.code, 0) << imported.output;
  EXPECT_NE(imported.output.find("Imported DEJ: 46 events"), std::string::npos) << imported.output;

  CliRun exported = Jalon({"export", "DEJ", "--data", Data(), "-o", dir_.Sub("out.json")});
  ASSERT_EQ(exported.code, 0) << exported.output;
  EXPECT_EQ(ReadJson(dir_.Sub("out.json")), ReadJson(kExample));

  CliRun dash = Jalon({"dashboard", "DEJ", "--at", "2018-07-01", "--json", "--data", Data()});
  ASSERT_EQ(dash.code, 0) << dash.output;
  json d = json::parse(dash.output);
  EXPECT_EQ(d["execution"], 73.0);
  EXPECT_EQ(d["performance"], 54.17);
  CliRun text = Jalon({"dashboard", "DEJ", "--at", "2018-07-01", "--data", Data()});
  EXPECT_NE(text.output.find("Exécution : 73.00 %"), std::string::npos) << text.output;

  const std::string cmd = Write(
      "cmd.json",
      {{"type", "ReportProgress"},
       {"command_id", "cli-1"},
       {"data",
        {{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-09-01"}, {"percent", 55}}}});
  CliRun applied = Jalon({"apply", cmd, "--data", Data(), "--json"});
  ASSERT_EQ(applied.code, 0) << applied.output;
  json result = json::parse(applied.output);
  EXPECT_EQ(result["position"], 47);
  EXPECT_EQ(result["events"][0]["type"], "ProgressReported");
  EXPECT_EQ(result["events"][0]["data"]["percent"], 55);

  // The plan as it stood before that command.
  CliRun before = Jalon({"show", "DEJ", "--position", "46", "--json", "--data", Data()});
  ASSERT_EQ(before.code, 0) << before.output;
  EXPECT_EQ(json::parse(before.output)["actions"][1]["progress"].size(), 1u);
  CliRun now = Jalon({"show", "DEJ", "--json", "--data", Data()});
  EXPECT_EQ(json::parse(now.output)["actions"][1]["progress"].size(), 2u);

  CliRun history = Jalon({"history", "DEJ", "--entity", "action/A1.2", "--data", Data()});
  ASSERT_EQ(history.code, 0);
  EXPECT_NE(history.output.find("/progress/1/percent : — → 55"), std::string::npos)
      << history.output;

  CliRun replay = Jalon({"replay", "--data", Data()});
  ASSERT_EQ(replay.code, 0) << replay.output;
  EXPECT_NE(replay.output.find("Rebuilt 1 direction(s) from 47 events"), std::string::npos)
      << replay.output;

  CliRun verify = Jalon({"verify", "--data", Data()});
  EXPECT_EQ(verify.code, 0) << verify.output;
}

// The next cycle from the CLI: show names the cycle before and where it is
// read; evaluate --cycle gives the evaluation of the cycle as it ended.
TEST_F(CliTest, ANextCycleKeepsThePreviousOnesEvaluation) {
  ASSERT_EQ(Jalon({"import", kExample, "--data", Data()}).code, 0);
  const std::string cmd = NextCycleCommand();
  CliRun applied = Jalon({"apply", cmd, "--data", Data()});
  ASSERT_EQ(applied.code, 0) << applied.output;
  CliRun shown = Jalon({"show", "DEJ", "--data", Data()});
  EXPECT_NE(shown.output.find("Cycle 1 : Projet de direction 2016-2020 (du 1er janvier 2016 au 31 "
                              "décembre 2020), tel qu'à sa clôture : --position 46"),
            std::string::npos)
      << shown.output;
  CliRun first = Jalon({"evaluate", "DEJ", "--cycle", "1", "--data", Data()});
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_EQ(json::parse(first.output)["indicators"].size(), 3u);
  EXPECT_EQ(json::parse(first.output)["period_end"], "2020-12-31");
  CliRun current = Jalon({"evaluate", "DEJ", "--data", Data()});
  ASSERT_EQ(current.code, 0) << current.output;
  EXPECT_EQ(json::parse(current.output)["cycle"], 2);
  CliRun none = Jalon({"evaluate", "DEJ", "--cycle", "3", "--data", Data()});
  EXPECT_NE(none.code, 0);
  EXPECT_NE(none.output.find("no cycle 3"), std::string::npos) << none.output;
}

// The documents of a previous cycle: brief --cycle is that cycle's plan at
// its close, review-doc --cycle numbers that cycle's reviews, and the new
// cycle's reviews start again at 1.
TEST_F(CliTest, APreviousCyclesDocumentsAreReadByCycle) {
  ASSERT_EQ(Jalon({"import", kExample, "--data", Data()}).code, 0);
  const std::string cmd = NextCycleCommand();
  ASSERT_EQ(Jalon({"apply", cmd, "--data", Data()}).code, 0);
  CliRun past = Jalon({"brief", "DEJ", "--cycle", "1", "--data", Data()});
  ASSERT_EQ(past.code, 0) << past.output;
  EXPECT_NE(past.output.find("Projet de direction 2016-2020"), std::string::npos) << past.output;
  EXPECT_NE(past.output.find("Inscriptions en ligne sur le portail famille"), std::string::npos)
      << past.output;
  EXPECT_NE(past.output.find("à sa clôture"), std::string::npos) << past.output;
  CliRun now = Jalon({"brief", "DEJ", "--data", Data()});
  ASSERT_EQ(now.code, 0) << now.output;
  EXPECT_EQ(now.output.find("Inscriptions en ligne sur le portail famille"), std::string::npos);
  CliRun review = Jalon(
      {"review-doc", "DEJ", "--review", "2", "--cycle", "1", "--format", "json", "--data", Data()});
  ASSERT_EQ(review.code, 0) << review.output;
  EXPECT_EQ(json::parse(review.output)["review"]["date"], "2016-12-15");
  CliRun first =
      Jalon({"review-doc", "DEJ", "--review", "1", "--format", "json", "--data", Data()});
  ASSERT_EQ(first.code, 0) << first.output;
  EXPECT_FALSE(json::parse(first.output)["review"]["held"].get<bool>()) << first.output;
  CliRun none = Jalon({"brief", "DEJ", "--cycle", "3", "--data", Data()});
  EXPECT_NE(none.code, 0);
  EXPECT_NE(none.output.find("no cycle 3"), std::string::npos) << none.output;
  CliRun closed = Jalon({"review-doc", "DEJ", "--review", "3", "--cycle", "1", "--data", Data()});
  EXPECT_NE(closed.code, 0);
  EXPECT_NE(closed.output.find("held 2 review(s)"), std::string::npos) << closed.output;
  CliRun both =
      Jalon({"brief", "DEJ", "--cycle", "1", "--as-of", "2021-01-01T00:00:00Z", "--data", Data()});
  EXPECT_NE(both.code, 0);
  EXPECT_NE(both.output.find("--cycle"), std::string::npos) << both.output;
}

TEST_F(CliTest, BadInputIsRefusedNamingThePathAndNothingIsWritten) {
  json doc = ReadJson(kExample);
  doc["axes"][1]["validation"]["date"] = "2016-02-30";
  CliRun bad = Jalon({"import", Write("bad.json", doc), "--data", Data()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("jalon import: axes[1].validation.date: not a date"), std::string::npos)
      << bad.output;

  std::ofstream(dir_.Sub("broken.json")) << "{\"format\": ";
  CliRun broken = Jalon({"import", dir_.Sub("broken.json"), "--data", Data()});
  EXPECT_EQ(broken.code, 2);
  EXPECT_NE(broken.output.find("not valid JSON"), std::string::npos) << broken.output;

  CliRun verify = Jalon({"verify", "--json", "--data", Data()});
  EXPECT_EQ(json::parse(verify.output)["head_position"], 0) << "a refused import wrote something";

  ASSERT_EQ(Jalon({"import", kExample, "--data", Data()}).code, 0);
  CliRun wrong = Jalon({"apply",
                        Write("c.json", {{"type", "ReportProgress"},
                                         {"data",
                                          {{"direction", "DEJ"},
                                           {"action", "A1.2"},
                                           {"date", "2018-09-01"},
                                           {"percent", "beaucoup"}}}}),
                        "--data", Data()});
  EXPECT_EQ(wrong.code, 2);
  EXPECT_NE(wrong.output.find("data.percent: must be a percentage"), std::string::npos)
      << wrong.output;
  CliRun unknown = Jalon({"show", "NOPE", "--data", Data()});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.output.find("direction 'NOPE' does not exist"), std::string::npos);
  CliRun bad_date = Jalon({"show", "DEJ", "--as-of", "2018-02-30", "--data", Data()});
  EXPECT_EQ(bad_date.code, 2);
  EXPECT_NE(bad_date.output.find("--as-of: not a date"), std::string::npos) << bad_date.output;
}

TEST_F(CliTest, TokenHashPrintsAConfigBlock) {
  std::ofstream(dir_.Sub("secret.txt")) << "demo-dej\n";
  ChildProcess p(
      {"/bin/sh", "-c",
       kJalon + " token hash --name dej --role direction:DEJ < " + dir_.Sub("secret.txt")});
  EXPECT_EQ(WEXITSTATUS(p.Wait()), 0);
  // The sha256 of config/jalon.toml's demo-dej token.
  EXPECT_NE(p.output().find(
                "sha256 = \"9dc361c1bb2ba4a1ef65cb1b939e882b072bcee7c9a4e3e82f1a685ce0687d2a\""),
            std::string::npos)
      << p.output();
  EXPECT_NE(p.output().find("role = \"direction:DEJ\""), std::string::npos);
}

TEST_F(CliTest, EveryVerbHasHelp) {
  CliRun top = Jalon({"--help"});
  EXPECT_EQ(top.code, 0);
  for (const char* verb : {"import", "export", "apply", "show", "as-of", "dashboard", "history",
                           "diff", "verify", "replay"}) {
    EXPECT_NE(top.output.find(verb), std::string::npos) << verb;
    CliRun help = Jalon({verb, "--help"});
    EXPECT_EQ(help.code, 0) << verb;
    EXPECT_NE(help.output.find("Usage"), std::string::npos) << verb << ": " << help.output;
  }
}

}  // namespace
}  // namespace jalon
