// The update sheet's round trip over real HTTP on 127.0.0.1: the workbook
// GET returns, filled in by openpyxl (tests/jobs/sheet_files.py), CSV as
// Excel writes it in French, the preview, all-or-none apply, re-upload, and
// hostile files.
#include <filesystem>
#include <fstream>

#include "engine/http/http_server.h"
#include "engine/http/metrics.h"
#include "engine/http/plan_api.h"
#include "jobs/sheet/sheet_api.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/net_util.h"
#include "tests/process_util.h"

namespace jalon::jobs {
namespace {

struct Reply {
  int status = 0;
  std::string body;
  Json json() const { return Json::parse(body, nullptr, false); }
};

Reply Call(uint16_t port, const std::string& method, const std::string& target,
           const std::string& token, const std::string& body = {}) {
  std::string request =
      method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!token.empty()) request += "Authorization: Bearer " + token + "\r\n";
  request +=
      "Content-Type: application/octet-stream\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  const std::string response = testing::ExchangeOnce(port, request);
  Reply r;
  if (response.size() > 12) r.status = std::atoi(response.substr(9, 3).c_str());
  const size_t blank = response.find("\r\n\r\n");
  if (blank != std::string::npos) r.body = response.substr(blank + 4);
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

class SheetTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    ImportExample();
    std::vector<http::TokenEntry> tokens;
    for (const char* role : {"admin", "steering", "auditor", "direction:DEJ", "direction:DRH"}) {
      tokens.push_back({role, role, Sha256(std::string("token-") + role)});
    }
    auth_ = std::make_unique<http::Authenticator>(std::move(tokens));
    RegisterSheetRoutes(router_, *service_, *auth_);
    http::ServerOptions options;
    options.port = 0;
    server_ = std::make_unique<http::HttpServer>(options, http::CountingHandler(router_, counter_));
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_.reset(); }

  Reply Get(const std::string& role = "direction:DEJ") {
    return Call(server_->port(), "GET", "/v1/plans/DEJ/sheet", "token-" + role);
  }
  Reply Upload(const std::string& bytes, bool apply, const std::string& role = "direction:DEJ") {
    return Call(server_->port(), "POST",
                std::string("/v1/plans/DEJ/sheet") + (apply ? "?apply=1" : ""), "token-" + role,
                bytes);
  }
  std::string Path(const std::string& name) const { return files_.path() + "/" + name; }
  // The workbook GET returned, filled in by openpyxl.
  std::string Filled(const Json& fills) {
    const Reply got = Get();
    EXPECT_EQ(got.status, 200) << got.body;
    WriteFile(Path("blank.xlsx"), got.body);
    return FilledFrom(Path("blank.xlsx"), fills);
  }
  std::string FilledFrom(const std::string& blank, const Json& fills) {
    const auto r = testing::RunToEnd(
        {"/usr/bin/python3", JALON_SHEET_FILES, "fill", blank, Path("filled.xlsx"), fills.dump()});
    EXPECT_EQ(r.code, 0) << r.output;
    return ReadFile(Path("filled.xlsx"));
  }
  Json OpenpyxlRead(const std::string& bytes) {
    WriteFile(Path("read.xlsx"), bytes);
    const auto r =
        testing::RunToEnd({"/usr/bin/python3", JALON_SHEET_FILES, "read", Path("read.xlsx")});
    EXPECT_EQ(r.code, 0) << r.output;
    return Json::parse(r.output, nullptr, false);
  }
  std::string Made(const std::string& kind) {
    const auto r =
        testing::RunToEnd({"/usr/bin/python3", JALON_SHEET_FILES, kind, Path(kind + ".xlsx")});
    EXPECT_EQ(r.code, 0) << r.output;
    return ReadFile(Path(kind + ".xlsx"));
  }

  testing::TempDir files_;
  std::unique_ptr<http::Authenticator> auth_;
  http::Router router_;
  http::RequestCounter counter_;
  std::unique_ptr<http::HttpServer> server_;
};

TEST_F(SheetTest, WorkbookHasTheDesignSheetsHeadingsAndHiddenVersion) {
  ASSERT_TRUE(
      Exec("EditAction", {{"direction", "DEJ"}, {"action", "A1.2"}, {"title", "=1+2"}}).ok());
  const Reply got = Get();
  ASSERT_EQ(got.status, 200) << got.body;
  const Json book = OpenpyxlRead(got.body);
  ASSERT_TRUE(book.is_object()) << got.body.size();
  EXPECT_EQ(book["actions"]["rows"][0],
            Json({"action", "intitulé", "pilote", "échéance", "avancement actuel",
                  "nouvel avancement", "date", "note"}));
  EXPECT_EQ(book["indicateurs"]["rows"][0],
            Json({"indicateur", "nom", "unité", "dernière valeur", "date de la dernière valeur",
                  "cible", "nouvelle valeur", "date", "source", "commentaire"}));
  // The open actions only (A1.1 is done), with their current progress.
  ASSERT_EQ(book["actions"]["rows"].size(), 3u);
  EXPECT_EQ(book["actions"]["rows"][1][0], "A1.2");
  EXPECT_EQ(book["actions"]["rows"][1][4], 30);
  // A title that looks like a formula is a string cell, never a formula.
  EXPECT_EQ(book["actions"]["rows"][1][1], "=1+2");
  EXPECT_EQ(book["actions"]["kinds"][1][1], "s");
  EXPECT_EQ(book["indicateurs"]["rows"][1][3], 41);
  EXPECT_EQ(book["indicateurs"]["rows"][1][4], "2018-06-30");
  EXPECT_EQ(book["jalon"]["state"], "hidden");
  EXPECT_EQ(book["jalon"]["rows"][0][1], service_->State("DEJ", {})->version);
  EXPECT_TRUE(book["jalon"]["rows"][1][1].get<std::string>().starts_with("wb-"));
  EXPECT_EQ(Get("direction:DRH").status, 403);
}

TEST_F(SheetTest, FilledWorkbookPreviewsAppliesOnceAndReuploadAppendsNothing) {
  const std::string filled = Filled(
      {{"actions",
        {{"A1.2",
          {{"nouvel avancement", 55},
           {"date", "date:2018-06-20"},
           {"note", "=HYPERLINK(\"x\")"}}}}},
       {"indicateurs",
        {{"I2", {{"nouvelle valeur", "8,5"}, {"date", "25/06/2018"}, {"source", "Enquête"}}}}}});
  const uint64_t head = Head();
  const Reply preview = Upload(filled, false);
  ASSERT_EQ(preview.status, 200) << preview.body;
  const Json p = preview.json();
  EXPECT_EQ(p["errors"].size(), 0u) << preview.body;
  EXPECT_EQ(p["commands"], 2);
  ASSERT_EQ(p["rows"].size(), 2u);
  EXPECT_EQ(p["rows"][0]["command"]["data"], Json({{"direction", "DEJ"},
                                                   {"action", "A1.2"},
                                                   {"date", "2018-06-20"},
                                                   {"percent", 55},
                                                   {"note", "=HYPERLINK(\"x\")"}}));
  EXPECT_EQ(p["rows"][1]["command"]["type"], "RecordMeasurement");
  EXPECT_EQ(p["rows"][1]["command"]["data"]["value"], 8.5);
  EXPECT_EQ(p["rows"][1]["command"]["data"]["date"], "2018-06-25");
  const std::string wb = p["workbook_id"];
  EXPECT_EQ(p["rows"][0]["command_id"], "fiche-" + wb + "-actions-2");
  EXPECT_EQ(Head(), head) << "a preview writes nothing";

  const Reply applied = Upload(filled, true);
  ASSERT_EQ(applied.status, 201) << applied.body;
  EXPECT_EQ(Head(), head + 2);
  auto plan = service_->State("DEJ", {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->ProgressOf("A1.2").back().note, "=HYPERLINK(\"x\")");

  const Reply again = Upload(filled, true);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.json()["replayed"].get<bool>());
  EXPECT_EQ(again.json()["appended"], 0);
  EXPECT_EQ(Head(), head + 2);
}

TEST_F(SheetTest, WorkbookFilledFurtherAppendsOnlyTheNewRows) {
  const Reply got = Get();
  WriteFile(Path("blank.xlsx"), got.body);
  const Json first = {{"actions", {{"A1.2", {{"nouvel avancement", 50}}}}}};
  ASSERT_EQ(Upload(FilledFrom(Path("blank.xlsx"), first), true).status, 201);
  const uint64_t head = Head();
  Json more = first;
  more["actions"]["A2.1"] = {{"nouvel avancement", 70}, {"date", "date:2018-06-30"}};
  more["actions"]["A2.1"]["date"] = "date:2018-07-01";
  const std::string filled = FilledFrom(Path("blank.xlsx"), more);
  const Json p = Upload(filled, false).json();
  EXPECT_EQ(p["rows"][0]["status"], "déjà enregistrée") << p.dump();
  EXPECT_EQ(p["rows"][1]["status"], "à enregistrer");
  const Reply applied = Upload(filled, true);
  ASSERT_EQ(applied.status, 201) << applied.body;
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(SheetTest, FrenchExcelCsvErrorsNameSheetRowAndColumnAndApplyNothing) {
  // Excel's "CSV UTF-8" in a French locale: a BOM, ';', decimal commas.
  const std::string csv =
      "\xEF\xBB\xBF"
      "action;intitulé;pilote;échéance;avancement actuel;nouvel avancement;date;note\r\n"
      "A1.2;Titre;Pilote;30/06/2019;30;45;01/07/2018;\"Bien; avancé\"\r\n"
      "A2.1;Titre;Pilote;01/09/2019;60;150;;\r\n"
      "A9.9;Titre;Pilote;;;10;;\r\n"
      "A2.1;Titre;Pilote;;;;;\r\n";
  const uint64_t head = Head();
  const Reply preview = Upload(csv, false);
  ASSERT_EQ(preview.status, 200) << preview.body;
  const Json p = preview.json();
  ASSERT_EQ(p["rows"].size(), 3u) << preview.body;  // the empty row is skipped
  EXPECT_EQ(p["rows"][0]["command"]["data"]["note"], "Bien; avancé");
  EXPECT_EQ(p["rows"][0]["command"]["data"]["percent"], 45);
  ASSERT_EQ(p["errors"].size(), 2u) << preview.body;
  EXPECT_EQ(p["errors"][0]["message"],
            "Feuille actions, ligne 3, colonne « nouvel avancement » : doit être un nombre "
            "entre 0 et 100");
  EXPECT_EQ(p["errors"][1]["message"],
            "Feuille actions, ligne 4, colonne « action » : aucune action « A9.9 » dans ce projet");
  const Reply applied = Upload(csv, true);
  EXPECT_EQ(applied.status, 400) << applied.body;
  EXPECT_EQ(applied.json()["errors"].size(), 2u);
  EXPECT_EQ(Head(), head) << "one bad row: nothing appended";
}

TEST_F(SheetTest, CommaCsvOfIndicatorsAppliesAndRefusesASecondMeasurementOfTheDay) {
  const std::string csv =
      "indicateur,nom,unité,dernière valeur,date de la dernière valeur,cible,nouvelle "
      "valeur,date,source,commentaire\n"
      "I1,Part,%,41,,60,44.5,2018-06-29,\"Logiciel, v2\",\n";
  const uint64_t head = Head();
  ASSERT_EQ(Upload(csv, true).status, 201);
  EXPECT_EQ(Head(), head + 1);
  const std::string other =
      "indicateur,nom,unité,dernière valeur,date de la dernière valeur,cible,nouvelle "
      "valeur,date,source,commentaire\n"
      "I1,Part,%,41,,60,45,2018-06-29,,\n";
  const Json p = Upload(other, false).json();
  ASSERT_EQ(p["errors"].size(), 1u) << p.dump();
  EXPECT_EQ(p["errors"][0]["column"], "date");
  EXPECT_EQ(Upload(other, true).status, 400);
  EXPECT_EQ(Head(), head + 1);
}

TEST_F(SheetTest, OtherWritersCellsReadAsTheyShow) {
  const Reply preview = Upload(Made("handmade"), false);
  ASSERT_EQ(preview.status, 200) << preview.body;
  const Json p = preview.json();
  ASSERT_EQ(p["rows"].size(), 2u) << preview.body;
  // Inline strings, columns B to E skipped, a date as a serial number.
  EXPECT_EQ(
      p["rows"][0]["command"]["data"],
      Json({{"direction", "DEJ"}, {"action", "A1.2"}, {"date", "2018-06-15"}, {"percent", 70}}));
  EXPECT_TRUE(p["rows"][0]["command_id"].get<std::string>().starts_with("fiche-contenu-"));
  // A formula counts by its cached value; one without a value is an error.
  ASSERT_EQ(p["errors"].size(), 1u) << preview.body;
  EXPECT_EQ(p["errors"][0]["message"],
            "Feuille actions, ligne 3, colonne « note » : formule sans valeur calculée : "
            "saisissez la valeur elle-même");
}

TEST_F(SheetTest, HostileFilesAre4xxAndAppendNothing) {
  const uint64_t head = Head();
  // Refused for what they are, not for what they would have turned into.
  const std::map<std::string, std::string> why = {{"bomb", "décompressée"}, {"laughs", "DOCTYPE"}};
  for (const auto& [kind, reason] : why) {
    const Reply r = Upload(Made(kind), true);
    EXPECT_EQ(r.status, 400) << kind << ": " << r.body;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(reason), std::string::npos)
        << r.body;
  }
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
  EXPECT_EQ(Upload(garbage, true).status, 400);
  EXPECT_EQ(Upload(std::string("PK\x03\x04", 4) + garbage, true).status, 400);
  EXPECT_EQ(Upload("", true).status, 400);
  EXPECT_EQ(Upload("a;b\n\"open", true).status, 400);
  EXPECT_EQ(Head(), head);
}

TEST_F(SheetTest, WritesFollowTheRolesOfCommands) {
  const std::string csv =
      "action;intitulé;pilote;échéance;avancement actuel;nouvel avancement;date;note\n"
      "A1.2;;;;;45;;\n";
  EXPECT_EQ(Upload(csv, false, "auditor").status, 403);
  EXPECT_EQ(Upload(csv, true, "steering").status, 403);
  EXPECT_EQ(Upload(csv, true, "direction:DRH").status, 403);
  EXPECT_EQ(Call(server_->port(), "POST", "/v1/plans/DEJ/sheet?apply=1", "", csv).status, 401);
  EXPECT_EQ(Upload(csv, true, "admin").status, 201);
}

}  // namespace
}  // namespace jalon::jobs
