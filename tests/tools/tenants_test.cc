// One jalond serving two cities ([[tenants]]): each has its own log, tokens
// and routes under /t/{city}/, and neither ever sees the other's data. Real
// jalond, real HTTP, the real CLI.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "engine/util/sha256.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using nlohmann::json;
using testing::CallJson;
using testing::Jalon;
using testing::kExample;
using testing::kJalond;
using testing::LiveDaemon;
using testing::TempDir;

// Every route a token can reach, with a body for the POSTs.
struct Route {
  const char* method;
  const char* path;
  const char* body;
};
constexpr Route kRoutes[] = {
    {"GET", "/v1/whoami", ""},
    {"GET", "/v1/directions", ""},
    {"GET", "/v1/events", ""},
    {"GET", "/v1/verify", ""},
    {"GET", "/v1/schedule", ""},
    {"GET", "/v1/reminders", ""},
    {"GET", "/v1/plans/DEJ", ""},
    {"GET", "/v1/plans/DEJ/export", ""},
    {"GET", "/v1/plans/DEJ/history", ""},
    {"GET", "/v1/plans/DEJ/dashboard", ""},
    {"GET", "/v1/plans/DEJ/audit", ""},
    {"GET", "/v1/plans/DEJ/evaluation?format=json", ""},
    {"GET", "/v1/plans/DEJ/brief?format=md", ""},
    {"GET", "/v1/plans/DEJ/review-doc?review=1&format=md", ""},
    {"POST", "/v1/commands",
     R"({"type":"RecordMeasurement","command_id":"intrus","data":{"direction":"DEJ",)"
     R"("indicator":"I1","date":"2018-09-30","value":1}})"},
    {"POST", "/v1/backup", R"({"to":"/tmp/jalon-intrus-backup"})"},
};

class TenantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteCity("lyon", {{"lyon-admin", "admin"}, {"lyon-dej", "direction:DEJ"}});
    WriteCity("grenoble", {{"gre-admin", "admin"}, {"gre-dej", "direction:DEJ"}});
    std::ofstream(dir_.Sub("jalon.toml"))
        << "[server]\nlisten = \"127.0.0.1:0\"\n"
        << "[[tenants]]\nid = \"lyon\"\nconfig = \"lyon.toml\"\n"
        << "[[tenants]]\nid = \"grenoble\"\nconfig = \"grenoble.toml\"\n";
  }
  void WriteCity(const std::string& id,
                 const std::vector<std::pair<std::string, std::string>>& tokens) {
    std::ofstream out(dir_.Sub(id + ".toml"));
    out << "[storage]\ndata_dir = \"" << dir_.Sub("data-" + id) << "\"\n"
        << "[scheduler]\nenabled = false\n"
        << "[delivery]\nmaildir = \"" << dir_.Sub("mail-" + id) << "\"\n";
    for (const auto& [token, role] : tokens) {
      out << "[[tokens]]\nname = \"" << token << "\"\nrole = \"" << role << "\"\nsha256 = \""
          << ToHex(Sha256(token)) << "\"\n";
    }
  }
  std::unique_ptr<LiveDaemon> Start() {
    auto d = std::make_unique<LiveDaemon>(kJalond, dir_.Sub("jalon.toml"), dir_.Sub("jalond.log"));
    EXPECT_TRUE(d->serving()) << d->Log();
    return d;
  }
  // The events of one city, in order.
  static std::vector<json> Events(const std::string& city_url, const std::string& token) {
    std::vector<json> events;
    EXPECT_TRUE(
        testing::ForEachEvent(city_url, token, [&](const json& e) { events.push_back(e); }));
    return events;
  }
  static testing::JsonReply Call(const std::string& base, const Route& r,
                                 const std::string& token) {
    return CallJson(r.method, base + r.path, token, r.body);
  }
  TempDir dir_;
};

TEST_F(TenantsTest, CitiesNeverSeeEachOthersData) {
  auto daemon = Start();
  ASSERT_TRUE(daemon->serving());
  const std::string lyon = daemon->url() + "/t/lyon", grenoble = daemon->url() + "/t/grenoble";
  EXPECT_NE(daemon->Log().find("tenant lyon: http://127.0.0.1:"), std::string::npos);

  // The CLI reaches a city through its prefix.
  auto imported = Jalon({"import", kExample, "--url", lyon, "--token", "lyon-admin"});
  ASSERT_EQ(imported.code, 0) << imported.output;
  EXPECT_NE(imported.output.find("Imported DEJ: 46 events"), std::string::npos) << imported.output;
  EXPECT_EQ(CallJson("GET", grenoble + "/v1/directions", "gre-admin").body.size(), 0u);
  EXPECT_TRUE(Events(grenoble, "gre-admin").empty());

  // The same plan, with the same command ids, is new to the other city:
  // command ids, like everything else, are per city.
  auto second = Jalon({"import", kExample, "--url", grenoble, "--token", "gre-admin"});
  ASSERT_EQ(second.code, 0) << second.output;
  EXPECT_NE(second.output.find("Imported DEJ: 46 events"), std::string::npos) << second.output;

  const json measure = {
      {"type", "RecordMeasurement"},
      {"command_id", "lyon-2018-09"},
      {"data",
       {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2018-09-30"}, {"value", 45.5}}}};
  ASSERT_EQ(CallJson("POST", lyon + "/v1/commands", "lyon-dej", measure.dump()).status, 201);

  // Each city's log is its own chain from its own genesis.
  const std::vector<json> lyon_events = Events(lyon, "lyon-admin");
  const std::vector<json> grenoble_events = Events(grenoble, "gre-admin");
  ASSERT_EQ(lyon_events.size(), 47u);
  ASSERT_EQ(grenoble_events.size(), 46u);
  EXPECT_EQ(grenoble_events.front()["position"], 1);
  for (const json& e : grenoble_events) {
    EXPECT_EQ(e.dump().find("lyon-2018-09"), std::string::npos) << e.dump();
  }
  const json lyon_verify = CallJson("GET", lyon + "/v1/verify", "lyon-admin").body;
  const json grenoble_verify = CallJson("GET", grenoble + "/v1/verify", "gre-admin").body;
  EXPECT_TRUE(lyon_verify["ok"].get<bool>()) << lyon_verify;
  EXPECT_TRUE(grenoble_verify["ok"].get<bool>()) << grenoble_verify;
  EXPECT_EQ(lyon_verify["head_position"], 47);
  EXPECT_EQ(grenoble_verify["head_position"], 46);
  EXPECT_NE(lyon_verify["head_hash"], grenoble_verify["head_hash"]);

  // The measurement shows in Lyon's plan, never in Grenoble's.
  auto measurements = [](const json& plan) {
    std::set<std::string> values;
    for (const json& i : plan["indicators"])
      for (const json& m : i["measurements"]) values.insert(m["value"].dump());
    return values;
  };
  EXPECT_TRUE(
      measurements(CallJson("GET", lyon + "/v1/plans/DEJ", "lyon-admin").body).contains("45.5"));
  EXPECT_FALSE(
      measurements(CallJson("GET", grenoble + "/v1/plans/DEJ", "gre-admin").body).contains("45.5"));

  // A token of one city is unknown to the other, on every route: the same
  // 401 as a made-up token, so it does not even tell that it exists.
  for (const Route& r : kRoutes) {
    const testing::JsonReply made_up = Call(grenoble, r, "no-such-token");
    ASSERT_EQ(made_up.status, 401) << r.path;
    for (const char* foreign : {"lyon-admin", "lyon-dej"}) {
      const testing::JsonReply reply = Call(grenoble, r, foreign);
      EXPECT_EQ(reply.status, 401) << r.method << " " << r.path << " with " << foreign;
      EXPECT_EQ(reply.body, made_up.body) << r.path;
    }
    EXPECT_EQ(Call(lyon, r, "gre-admin").status, 401) << r.path;
  }
  EXPECT_FALSE(std::filesystem::exists("/tmp/jalon-intrus-backup"));
  EXPECT_EQ(Events(grenoble, "gre-admin").size(), 46u);  // the foreign POSTs wrote nothing
  EXPECT_EQ(Events(lyon, "lyon-admin").size(), 47u);
  // Each city's own token works on its own prefix.
  EXPECT_EQ(CallJson("GET", grenoble + "/v1/whoami", "gre-dej").body["direction"], "DEJ");
}

TEST_F(TenantsTest, RoutingOutsideACityAndRestart) {
  auto daemon = Start();
  ASSERT_TRUE(daemon->serving());
  const std::string url = daemon->url();
  // No city prefix, or an unknown city: 404, whatever the token.
  EXPECT_EQ(CallJson("GET", url + "/v1/directions", "lyon-admin").status, 404);
  EXPECT_EQ(CallJson("GET", url + "/t/paris/v1/directions", "lyon-admin").status, 404);
  EXPECT_EQ(CallJson("GET", url + "/t//v1/directions", "lyon-admin").status, 404);
  // The dashboard of each city, with its assets under its own prefix.
  net::HttpCall page;
  page.url = url + "/t/lyon";
  auto redirect = net::Perform(page);
  ASSERT_TRUE(redirect.ok());
  EXPECT_EQ(redirect->status, 308);
  EXPECT_NE(redirect->body.find("/t/lyon/"), std::string::npos) << redirect->body;
  page.url = url + "/t/lyon/";
  auto html = net::Perform(page);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->status, 200);
  EXPECT_NE(html->body.find("\"assets/js/main.js?v="), std::string::npos);
  page.url = url + "/t/grenoble/assets/js/api.js";
  auto js = net::Perform(page);
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->status, 200);
  EXPECT_NE(js->body.find("const BASE"), std::string::npos);

  ASSERT_EQ(Jalon({"import", kExample, "--url", url + "/t/grenoble", "--token", "gre-admin"}).code,
            0);
  const int status = daemon->Kill(SIGTERM);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << daemon->Log();

  // After a restart each city finds its own log again.
  daemon = Start();
  ASSERT_TRUE(daemon->serving());
  EXPECT_EQ(Events(daemon->url() + "/t/grenoble", "gre-admin").size(), 46u);
  EXPECT_TRUE(Events(daemon->url() + "/t/lyon", "lyon-admin").empty());
  // And each city's directory is a plain log the CLI reads on its own.
  ASSERT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0);
  auto shown = Jalon({"verify", "--data", dir_.Sub("data-grenoble")});
  EXPECT_NE(shown.output.find("46"), std::string::npos) << shown.output;
}

}  // namespace
}  // namespace jalon
