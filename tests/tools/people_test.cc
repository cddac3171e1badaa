// The people of a city through the real binaries: `jalon person …` against a
// running jalond and on a data directory, sign-in with the password it set,
// and jalond killed with SIGKILL while people are being added: none is lost
// and none is added twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/net_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using testing::CallJson;
using testing::LiveDaemon;
using testing::SignIn;

testing::RunResult Shell(const std::string& command) {
  return testing::RunToEnd({"/bin/sh", "-c", command});
}

TEST(PeopleCliTest, PersonVerbsWorkOverUrlAndOnADataDirectory) {
  testing::TempDir dir;
  const std::string config = testing::WriteTestConfig(dir.Sub("jalon.toml"), dir.Sub("data"));
  {
    LiveDaemon daemon(testing::kJalond, config, dir.Sub("jalond.log"));
    ASSERT_TRUE(daemon.serving()) << daemon.Log();
    const std::vector<std::string> remote = {"--url", daemon.url(), "--token", "t-admin"};
    auto with = [&remote](std::vector<std::string> args) {
      args.insert(args.end(), remote.begin(), remote.end());
      return testing::Jalon(args);
    };
    auto add = with({"person", "add", "c.durand", "--name", "Camille Durand", "--email",
                     "c.durand@ville.fr", "--role", "direction:DEJ", "--role", "reader:DRH"});
    ASSERT_EQ(add.code, 0) << add.output;
    const auto weak = Shell("echo court | " + testing::kJalon +
                            " person password c.durand --password-stdin --url " + daemon.url() +
                            " --token t-admin");
    EXPECT_EQ(weak.code, 2);
    EXPECT_NE(weak.output.find("data.password: too weak"), std::string::npos) << weak.output;
    const auto set = Shell("echo 'Phrase-de-passe-2016' | " + testing::kJalon +
                           " person password c.durand --password-stdin --url " + daemon.url() +
                           " --token t-admin");
    ASSERT_EQ(set.code, 0) << set.output;
    auto denied = testing::Jalon(
        {"person", "grant", "c.durand", "admin", "--url", daemon.url(), "--token", "t-dej"});
    EXPECT_EQ(denied.code, 2) << denied.output;
    EXPECT_EQ(with({"person", "grant", "c.durand", "steering"}).code, 0);
    auto signin = SignIn(daemon.url(), "c.durand", "Phrase-de-passe-2016");
    EXPECT_EQ(signin.status, 201);
    EXPECT_EQ(signin.body["roles"],
              nlohmann::json::array({"direction:DEJ", "reader:DRH", "steering"}));
    auto list = with({"person", "list", "--json"});
    ASSERT_EQ(list.code, 0) << list.output;
    EXPECT_NE(list.output.find("\"c.durand\""), std::string::npos);
    EXPECT_EQ(list.output.find("argon2"), std::string::npos);
    EXPECT_EQ(with({"person", "deactivate", "c.durand"}).code, 0);
    signin = SignIn(daemon.url(), "c.durand", "Phrase-de-passe-2016");
    EXPECT_EQ(signin.status, 401);
  }
  // The daemon stopped: the same verbs on its data directory.
  auto edit = testing::Jalon(
      {"person", "edit", "c.durand", "--name", "Camille Roy", "--data", dir.Sub("data")});
  ASSERT_EQ(edit.code, 0) << edit.output;
  auto list = testing::Jalon({"person", "list", "--data", dir.Sub("data")});
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_NE(list.output.find("c.durand  Camille Roy"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("(désactivé)"), std::string::npos) << list.output;
}

// A person's change, made through the session cookie, is recorded under
// person:<login> and shown with the person's name by the history and the
// evaluation.
TEST(PeopleCliTest, APersonsChangeShowsTheirNameInHistoryAndEvaluation) {
  testing::TempDir dir;
  const std::string config = testing::WriteTestConfig(dir.Sub("jalon.toml"), dir.Sub("data"));
  LiveDaemon daemon(testing::kJalond, config, dir.Sub("jalond.log"));
  ASSERT_TRUE(daemon.serving()) << daemon.Log();
  ASSERT_EQ(
      testing::Jalon({"import", testing::kExample, "--url", daemon.url(), "--token", "t-admin"})
          .code,
      0);
  ASSERT_EQ(testing::Jalon({"person", "add", "c.durand", "--name", "Camille Durand", "--email",
                            "c@ville.fr", "--role", "direction:DEJ", "--url", daemon.url(),
                            "--token", "t-admin"})
                .code,
            0);
  ASSERT_EQ(
      Shell("echo 'Phrase-de-passe-2016' | " + testing::kJalon +
            " person password c.durand --password-stdin --url " + daemon.url() + " --token t-admin")
          .code,
      0);
  auto signin = SignIn(daemon.url(), "c.durand", "Phrase-de-passe-2016");
  ASSERT_EQ(signin.status, 201);
  net::HttpCall call;
  call.method = "POST";
  call.url = daemon.url() + "/v1/commands";
  call.body = R"({"type": "ChangeTarget", "data": {"direction": "DEJ", "indicator": "I1",
                  "target": {"value": 70, "date": "2020-06-30"}, "reason": "revue"}})";
  call.headers = {{"Cookie", "jalon_session=" + signin.body["csrf_token"].get<std::string>()}};
  // The CSRF token is no session id.
  EXPECT_EQ(net::Perform(call)->status, 401);
  const std::string session_id = [&] {
    const std::string body = R"({"login": "c.durand", "password": "Phrase-de-passe-2016"})";
    const std::string answer = testing::ExchangeOnce(
        static_cast<uint16_t>(daemon.port()),
        "POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
    const size_t at = answer.find("jalon_session=");
    if (at == std::string::npos) return std::string();
    return answer.substr(at + 14, answer.find(';', at) - at - 14);
  }();
  ASSERT_FALSE(session_id.empty());
  auto who = [&] {
    net::HttpCall w;
    w.url = daemon.url() + "/v1/whoami";
    w.headers = {{"Cookie", "jalon_session=" + session_id}};
    return nlohmann::json::parse(net::Perform(w)->body);
  }();
  call.headers = {{"Cookie", "jalon_session=" + session_id},
                  {"X-CSRF-Token", who["csrf_token"].get<std::string>()},
                  {"Content-Type", "application/json"}};
  auto changed = net::Perform(call);
  ASSERT_EQ(changed->status, 201) << changed->body;
  auto history =
      CallJson("GET", daemon.url() + "/v1/plans/DEJ/history?entity=indicator/I1", "t-auditor");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(history.body["entries"].back()["actor"], "person:c.durand");
  EXPECT_EQ(history.body["entries"].back()["actor_name"], "Camille Durand");
  auto evaluation =
      CallJson("GET", daemon.url() + "/v1/plans/DEJ/evaluation?format=json", "t-auditor");
  ASSERT_EQ(evaluation.status, 200);
  const std::string text = evaluation.body.dump();
  EXPECT_NE(text.find("\"by\":\"Camille Durand\""), std::string::npos) << text.substr(0, 2000);
  EXPECT_NE(text.find("\"by_actor\":\"person:c.durand\""), std::string::npos);
}

// `jalon orientations …` against a running jalond and on its data
// directory; the list they keep binds an import of a plan on both, with the
// same error naming the place in the document.
TEST(OrientationsCliTest, OrientationVerbsWorkOverUrlAndOnADataDirectoryAndBindImports) {
  const std::string first = "Moderniser la relation à l'usager";  // A1's in the example
  const std::string second = "Mettre l'innovation sociale au cœur des pratiques";  // A2's
  testing::TempDir dir;
  const std::string config = testing::WriteTestConfig(dir.Sub("jalon.toml"), dir.Sub("data"));
  {
    LiveDaemon daemon(testing::kJalond, config, dir.Sub("jalond.log"));
    ASSERT_TRUE(daemon.serving()) << daemon.Log();
    auto as = [&daemon](const std::string& token, std::vector<std::string> args) {
      args.insert(args.end(), {"--url", daemon.url(), "--token", token});
      return testing::Jalon(args);
    };
    auto group_help = testing::Jalon({"orientations", "--help"});
    EXPECT_EQ(group_help.code, 0) << group_help.output;
    for (const char* word : {"--url", "--data", "list", "define", "retire"})
      EXPECT_NE(group_help.output.find(word), std::string::npos) << word << group_help.output;
    for (const char* sub : {"list", "define", "retire"}) {
      auto help = testing::Jalon({"orientations", sub, "--help"});
      EXPECT_EQ(help.code, 0) << help.output;
      EXPECT_NE(help.output.find(std::string("orientations ") + sub), std::string::npos)
          << help.output;
    }
    EXPECT_NE(testing::Jalon({"orientations", "define", "--help"}).output.find("--title"),
              std::string::npos);
    EXPECT_NE(testing::Jalon({"orientations", "retire", "--help"}).output.find("--reason"),
              std::string::npos);
    auto empty = as("t-auditor", {"orientations", "list"});
    ASSERT_EQ(empty.code, 0) << empty.output;
    EXPECT_NE(empty.output.find("no orientation yet"), std::string::npos) << empty.output;

    auto defined = as("t-admin", {"orientations", "define", "--id", "O1", "--title", first});
    ASSERT_EQ(defined.code, 0) << defined.output;
    EXPECT_NE(defined.output.find("OrientationDefined"), std::string::npos) << defined.output;
    auto twice = as("t-admin", {"orientations", "define", "--id", "O1", "--title", "Autre"});
    EXPECT_EQ(twice.code, 2);
    EXPECT_NE(twice.output.find("data.id: orientation 'O1' already exists"), std::string::npos)
        << twice.output;
    auto blank = as("t-admin", {"orientations", "define", "--id", "O9", "--title", " "});
    EXPECT_EQ(blank.code, 2);
    EXPECT_NE(blank.output.find("data.title:"), std::string::npos) << blank.output;
    auto bad_id = as("t-admin", {"orientations", "retire", "O 1"});
    EXPECT_EQ(bad_id.code, 2);
    EXPECT_NE(bad_id.output.find("data.id:"), std::string::npos) << bad_id.output;
    auto denied = as("t-steering", {"orientations", "define", "--id", "O2", "--title", second});
    EXPECT_EQ(denied.code, 2);
    EXPECT_NE(denied.output.find("403"), std::string::npos) << denied.output;

    // The example validates A2 against an orientation not in the list: the
    // import is refused whole.
    auto refused = as("t-admin", {"import", testing::kExample});
    EXPECT_EQ(refused.code, 2);
    EXPECT_NE(refused.output.find("axes[1].validation.orientation: must be one of the city's "
                                  "political orientations: '" +
                                  first + "'"),
              std::string::npos)
        << refused.output;
    EXPECT_EQ(CallJson("GET", daemon.url() + "/v1/plans/DEJ", "t-auditor").status, 404);

    ASSERT_EQ(as("t-admin", {"orientations", "define", "--id", "O2", "--title", second}).code, 0);
    auto imported = as("t-admin", {"import", testing::kExample});
    ASSERT_EQ(imported.code, 0) << imported.output;
    auto retired = as("t-admin", {"orientations", "retire", "O2", "--reason", "Nouveau mandat"});
    ASSERT_EQ(retired.code, 0) << retired.output;
    EXPECT_NE(retired.output.find("OrientationRetired"), std::string::npos) << retired.output;
    auto list = as("t-dej", {"orientations", "list"});
    ASSERT_EQ(list.code, 0) << list.output;
    EXPECT_NE(list.output.find("O1  " + first + "\n"), std::string::npos) << list.output;
    EXPECT_NE(list.output.find("O2  " + second + "  (retirée : Nouveau mandat)"), std::string::npos)
        << list.output;
    auto json = as("t-dej", {"orientations", "list", "--json"});
    ASSERT_EQ(json.code, 0) << json.output;
    EXPECT_EQ(nlohmann::json::parse(json.output)["orientations"][1]["retired"], true);
  }
  // The daemon stopped: the same verbs and the same check on its data
  // directory. A2's orientation is retired now.
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(testing::kExample));
  doc["direction"]["code"] = "DSP";
  std::ofstream(dir.Sub("dsp.json")) << doc.dump();
  const std::string data = dir.Sub("data");
  auto refused = testing::Jalon({"import", dir.Sub("dsp.json"), "--data", data});
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.output.find("axes[1].validation.orientation: must be one of"),
            std::string::npos)
      << refused.output;
  auto defined =
      testing::Jalon({"orientations", "define", "--id", "O3", "--title", second, "--data", data});
  ASSERT_EQ(defined.code, 0) << defined.output;
  auto imported = testing::Jalon({"import", dir.Sub("dsp.json"), "--data", data});
  EXPECT_EQ(imported.code, 0) << imported.output;
  auto list = testing::Jalon({"orientations", "list", "--data", data, "--json"});
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_EQ(nlohmann::json::parse(list.output)["orientations"].size(), 3u);
}

TEST(PeopleKillTest, KillsWhilePeopleAreAddedLoseNoneAndDuplicateNone) {
  testing::TempDir dir;
  const std::string config = testing::WriteTestConfig(dir.Sub("jalon.toml"), dir.Sub("data"));
  constexpr int kPeople = 240, kClients = 4, kKills = 3;
  std::mt19937 random(std::random_device{}());
  auto daemon = std::make_unique<LiveDaemon>(testing::kJalond, config, dir.Sub("jalond.log"));
  ASSERT_TRUE(daemon->serving()) << daemon->Log();
  std::mutex mu;
  std::string url = daemon->url();  // GUARDED_BY(mu)
  std::atomic<int> done{0};
  std::vector<std::string> unexpected;  // GUARDED_BY(mu)
  // Each person's command_id is fixed: a retry after a kill either finds it
  // appended (200, replayed) or appends it (201). Clients keep sending while
  // jalond is killed and restarted under them.
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = c; i < kPeople; i += kClients) {
        const std::string login = "agent" + std::to_string(i);
        const nlohmann::json body = {{"type", "RegisterPerson"},
                                     {"command_id", "add-" + login},
                                     {"data",
                                      {{"login", login},
                                       {"name", "Agent " + std::to_string(i)},
                                       {"email", login + "@ville.fr"},
                                       {"roles", nlohmann::json::array({"reader:DEJ"})}}}};
        for (int attempt = 0;; ++attempt) {
          std::string target;
          {
            std::lock_guard<std::mutex> lock(mu);
            target = url;
          }
          auto r = CallJson("POST", target + "/v1/commands", "t-admin", body.dump(), "",
                            std::chrono::seconds(10));
          if (r.status == 200 || r.status == 201) break;
          if (r.status != 0 || attempt > 2000) {  // only "no answer" may be retried
            std::lock_guard<std::mutex> lock(mu);
            unexpected.push_back(login + ": " + std::to_string(r.status) + " " + r.body.dump());
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      done.fetch_add(1);
    });
  }
  int kills = 0;
  for (; kills < kKills && done.load() < kClients; ++kills) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 120));
    daemon->Kill(SIGKILL);
    daemon = std::make_unique<LiveDaemon>(testing::kJalond, config, dir.Sub("jalond.log"));
    ASSERT_TRUE(daemon->serving()) << daemon->Log();
    std::lock_guard<std::mutex> lock(mu);
    url = daemon->url();
  }
  for (auto& t : clients) t.join();
  EXPECT_GE(kills, 1);
  for (const std::string& u : unexpected) ADD_FAILURE() << u;
  // Restarted once more, from the log alone.
  daemon->Kill(SIGKILL);
  daemon = std::make_unique<LiveDaemon>(testing::kJalond, config, dir.Sub("jalond.log"));
  ASSERT_TRUE(daemon->serving()) << daemon->Log();
  auto people = CallJson("GET", daemon->url() + "/v1/people", "t-admin");
  ASSERT_EQ(people.status, 200);
  std::set<std::string> logins;
  for (const auto& p : people.body["people"]) logins.insert(p["login"].get<std::string>());
  EXPECT_EQ(logins.size(), static_cast<size_t>(kPeople)) << "a person lost";
  int registered = 0;
  ASSERT_TRUE(testing::ForEachEvent(daemon->url(), "t-admin", [&](const nlohmann::json& e) {
    registered += e["type"] == "PersonRegistered";
  }));
  EXPECT_EQ(registered, kPeople) << "a person registered twice";
}

}  // namespace
}  // namespace jalon
