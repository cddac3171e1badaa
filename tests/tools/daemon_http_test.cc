// jalond as a real process over real HTTP on 127.0.0.1: the CLI against the
// daemon, the events feed followed live, anonymous reads, and SIGKILL while
// clients post commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "engine/util/time.h"
#include "tests/process_util.h"
#include "tests/test_util.h"
#include "tests/tools/binaries.h"
#include "tests/tools/live_daemon.h"

namespace jalon {
namespace {

using nlohmann::json;
using testing::CallJson;
using testing::ChildProcess;
using testing::LiveDaemon;
using testing::TempDir;

using CliRun = testing::RunResult;
using testing::Jalon;
using testing::kExample;
using testing::kJalond;

using testing::ReadFile;

class DaemonHttpTest : public ::testing::Test {
 protected:
  std::string Config(const std::string& server = {},
                     const std::string& tables = "[scheduler]\nenabled = false\n") {
    return testing::WriteTestConfig(dir_.Sub("jalon.toml"), dir_.Sub("data"), server, tables);
  }
  std::unique_ptr<LiveDaemon> Start(const std::string& config) {
    auto d = std::make_unique<LiveDaemon>(kJalond, config, dir_.Sub("jalond.log"));
    EXPECT_TRUE(d->serving()) << d->Log();
    return d;
  }
  TempDir dir_;
};

// Every CLI verb over --url gives what it gives on the data directory.
TEST_F(DaemonHttpTest, CliAgainstTheDaemonMatchesTheLocalCli) {
  auto daemon = Start(Config());
  ASSERT_TRUE(daemon->serving());
  const std::string url = daemon->url();

  CliRun imported = Jalon({"import", kExample, "--url", url, "--token", "t-admin"});
  ASSERT_EQ(imported.code, 0) << imported.output;
  EXPECT_NE(imported.output.find("Imported DEJ: 46 events"), std::string::npos) << imported.output;
  CliRun again = Jalon({"import", kExample, "--url", url, "--token", "t-admin"});
  EXPECT_EQ(again.code, 0) << again.output;
  EXPECT_NE(again.output.find("Already imported"), std::string::npos) << again.output;

  const std::string command = dir_.Sub("measure.json");
  std::ofstream(command) << json{
      {"type", "RecordMeasurement"},
      {"command_id", "m-2018-09"},
      {"data",
       {{"direction", "DEJ"},
        {"indicator", "I1"},
        {"date", "2018-09-30"},
        {"value", 45}}}}.dump();
  CliRun applied = Jalon({"apply", command, "--url", url, "--token", "t-dej", "--json"});
  ASSERT_EQ(applied.code, 0) << applied.output;
  EXPECT_EQ(json::parse(applied.output)["events"][0]["type"], "MeasurementRecorded");

  // Refusals name the cause.
  CliRun anonymous = Jalon({"show", "DEJ", "--url", url});
  EXPECT_EQ(anonymous.code, 2);
  EXPECT_NE(anonymous.output.find("HTTP 401"), std::string::npos) << anonymous.output;
  CliRun foreign = Jalon({"apply", command, "--url", url, "--token", "t-drh"});
  EXPECT_EQ(foreign.code, 2);
  EXPECT_NE(foreign.output.find("HTTP 403"), std::string::npos) << foreign.output;
  CliRun both = Jalon({"show", "DEJ", "--url", url, "--data", dir_.Sub("data")});
  EXPECT_EQ(both.code, 2);
  EXPECT_NE(both.output.find("--url and --data"), std::string::npos) << both.output;

  const std::vector<std::vector<std::string>> reads = {
      {"show", "DEJ", "--json"},
      {"show", "DEJ", "--position", "20", "--json"},
      {"as-of", "DEJ", FormatInstant(SystemClock().Now()), "--json"},
      {"dashboard", "DEJ", "--at", "2018-07-01", "--json"},
      {"dashboard", "DEJ", "--at", "2018-10-01"},
      {"history", "DEJ", "--entity", "indicator/I1", "--json"},
      {"export", "DEJ"},
      {"review-doc", "DEJ", "--review", "2"},
      {"review-doc", "DEJ", "--review", "3", "--format", "html"},
      {"brief", "DEJ", "--as-of", "2030-01-01T00:00:00Z"},
      // A cycle's brief is measured at its period's end, today's at today.
      {"brief", "DEJ", "--cycle", "1", "--format", "json"},
      {"brief", "DEJ", "--position", "20", "--format", "json"},
      {"review-doc", "DEJ", "--review", "2", "--cycle", "1", "--format", "json"},
      {"verify", "--json"}};
  std::vector<std::string> remote;
  for (auto args : reads) {
    args.insert(args.end(), {"--url", url, "--token", "t-admin"});
    CliRun r = Jalon(args);
    EXPECT_EQ(r.code, 0) << args[0] << ": " << r.output;
    remote.push_back(r.output);
  }
  json dashboard = json::parse(remote[3]);
  EXPECT_EQ(dashboard["execution"], 73.0);
  EXPECT_EQ(dashboard["performance"], 54.17);

  ASSERT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0);
  for (size_t i = 0; i < reads.size(); ++i) {
    auto args = reads[i];
    args.insert(args.end(), {"--data", dir_.Sub("data")});
    CliRun local = Jalon(args);
    ASSERT_EQ(local.code, 0) << local.output;
    if (args[0] == "verify") {
      // The local verify also counts the events it checked.
      json l = json::parse(local.output), r = json::parse(remote[i]);
      EXPECT_EQ(l["head_hash"], r["head_hash"]);
      EXPECT_EQ(l["ok"], true);
    } else {
      EXPECT_EQ(local.output, remote[i]) << args[0];
    }
  }
}

TEST_F(DaemonHttpTest, EventsFeedIsFollowedLiveByLongPoll) {
  auto daemon = Start(Config());
  ASSERT_TRUE(daemon->serving());
  const std::string url = daemon->url();
  ASSERT_EQ(CallJson("POST", url + "/v1/import", "t-admin", ReadFile(kExample)).status, 201);
  const uint64_t head = CallJson("GET", url + "/healthz", "").body["head_position"];

  EXPECT_EQ(CallJson("GET", url + "/v1/events?from=1&wait=61", "t-auditor").status, 400);
  EXPECT_EQ(CallJson("GET", url + "/v1/events?from=1&wait=1", "t-dej").status, 403);

  // A follower waits past the head; a write wakes it. A second follower,
  // started after the write with a short wait and nothing to wait for, is
  // answered by its own timeout: the first one must be answered before it,
  // which it is only if the write woke it (its own wait is 60 s).
  std::atomic<int> order{0};
  std::atomic<int> followed_rank{0}, timed_out_rank{0};
  testing::JsonReply followed;
  std::thread follower([&] {
    followed = CallJson("GET", url + "/v1/events?from=" + std::to_string(head + 1) + "&wait=60",
                        "t-auditor");
    followed_rank = ++order;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(order.load(), 0) << "the follower should still be waiting";
  const json measure = {
      {"type", "RecordMeasurement"},
      {"data", {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2018-09-30"}, {"value", 45}}}};
  ASSERT_EQ(CallJson("POST", url + "/v1/commands", "t-dej", measure.dump()).status, 201);
  std::thread timed_out([&] {
    CallJson("GET", url + "/v1/events?from=" + std::to_string(head + 1000) + "&wait=5",
             "t-auditor");
    timed_out_rank = ++order;
  });
  follower.join();
  timed_out.join();
  ASSERT_EQ(followed.status, 200);
  ASSERT_EQ(followed.body["events"].size(), 1u);
  EXPECT_EQ(followed.body["events"][0]["type"], "MeasurementRecorded");
  EXPECT_EQ(followed.body["events"][0]["position"], head + 1);
  EXPECT_LT(followed_rank.load(), timed_out_rank.load()) << "the write did not wake the follower";

  // With nothing new, SIGTERM releases a waiting follower with a 503 that says
  // where to follow again, rather than holding the shutdown for its wait.
  testing::JsonReply idle_reply;
  std::thread idle([&] {
    idle_reply = CallJson("GET", url + "/v1/events?from=" + std::to_string(head + 2) + "&wait=60",
                          "t-auditor");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0);
  idle.join();
  EXPECT_EQ(idle_reply.status, 503);
  const std::string message = idle_reply.body["error"]["message"];
  EXPECT_NE(message.find("follow again from position " + std::to_string(head + 2)),
            std::string::npos)
      << message;
}

TEST_F(DaemonHttpTest, AnonymousReadsOnlyWhenConfigured) {
  {
    auto closed = Start(Config());
    ASSERT_TRUE(closed->serving());
    ASSERT_EQ(CallJson("POST", closed->url() + "/v1/import", "t-admin", ReadFile(kExample)).status,
              201);
    EXPECT_EQ(CallJson("GET", closed->url() + "/v1/plans/DEJ", "").status, 401);
    closed->Kill(SIGTERM);
  }
  auto open = Start(Config("anonymous_read = true"));
  ASSERT_TRUE(open->serving());
  const std::string url = open->url();
  EXPECT_EQ(CallJson("GET", url + "/v1/plans/DEJ", "").status, 200);
  EXPECT_EQ(CallJson("GET", url + "/v1/plans/DEJ/dashboard?at=2018-07-01", "").body["execution"],
            73.0);
  EXPECT_EQ(CallJson("GET", url + "/v1/directions", "").body.size(), 1u);
  // Anonymous reads open the directions list, a plan and its dashboard only.
  for (const char* closed :
       {"/v1/plans/DEJ/history", "/v1/events?from=1", "/v1/plans/DEJ/export",
        "/v1/plans/DEJ/review-doc?review=2&format=html", "/v1/plans/DEJ/brief?format=html",
        "/v1/plans/DEJ/evaluation", "/v1/plans/DEJ/audit", "/v1/reminders", "/v1/schedule",
        "/v1/plans/DEJ/explain?figure=execution", "/v1/verify"}) {
    EXPECT_EQ(CallJson("GET", url + closed, "").status, 401) << closed;
  }
  const uint64_t head = CallJson("GET", url + "/healthz", "").body["head_position"];
  const json measure = {
      {"type", "RecordMeasurement"},
      {"data", {{"direction", "DEJ"}, {"indicator", "I1"}, {"date", "2018-09-30"}, {"value", 45}}}};
  EXPECT_EQ(CallJson("POST", url + "/v1/commands", "", measure.dump()).status, 401);
  EXPECT_EQ(CallJson("POST", url + "/v1/import", "", ReadFile(kExample)).status, 401);
  EXPECT_EQ(CallJson("GET", url + "/healthz", "").body["head_position"], head);
  // A wrong token is still refused, not taken as anonymous.
  EXPECT_EQ(CallJson("GET", url + "/v1/plans/DEJ", "not-a-token").status, 401);
}

// Clients post commands; jalond is SIGKILLed mid-stream and restarted. Every
// acknowledged command is in the log and the projection; the others, retried
// with their Idempotency-Key, land exactly once; the chain verifies.
TEST_F(DaemonHttpTest, CrashUnderLoadLosesNoAcknowledgedCommand) {
  const std::string config = Config();
  auto daemon = Start(config);
  ASSERT_TRUE(daemon->serving());
  ASSERT_EQ(CallJson("POST", daemon->url() + "/v1/import", "t-admin", ReadFile(kExample)).status,
            201);
  const size_t initial_measurements = [&] {
    json plan = CallJson("GET", daemon->url() + "/v1/plans/DEJ", "t-admin").body;
    size_t n = 0;
    for (const json& i : plan["indicators"]) n += i["measurements"].size();
    return n;
  }();

  // Command k records one of the indicators I1 to I3 on a day of its own:
  // all distinct, as long as each client sends fewer than kEach.
  const auto command = [](int k) {
    return testing::MeasurementCommandOn("I" + std::to_string(1 + k % 3), k / 3);
  };
  constexpr int kClients = 8, kEach = 1200;
  std::mutex mu;
  std::map<int, uint64_t> acked;  // command -> position
  std::set<int> unanswered;
  std::atomic<bool> stop{false};
  std::atomic<int> other{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; !stop.load() && i < kEach; ++i) {
        const int k = c * kEach + i;
        auto r = CallJson("POST", daemon->url() + "/v1/commands", "t-dej", command(k),
                          "crash-" + std::to_string(k), std::chrono::seconds(10));
        std::lock_guard<std::mutex> lock(mu);
        if (r.status == 201) {
          acked[k] = r.body["position"];
        } else if (r.status == 0) {
          unanswered.insert(k);
          return;  // the daemon is gone
        } else {
          ++other;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  daemon->Kill(SIGKILL);
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_EQ(other.load(), 0);
  ASSERT_GT(acked.size(), 50u) << "too few commands before the kill to test anything";

  daemon = Start(config);
  ASSERT_TRUE(daemon->serving());
  const std::string url = daemon->url();
  // Acknowledged ones: replayed, with their original position.
  for (const auto& [k, position] : acked) {
    auto r =
        CallJson("POST", url + "/v1/commands", "t-dej", command(k), "crash-" + std::to_string(k));
    ASSERT_EQ(r.status, 200) << "command " << k << ": " << r.body.dump();
    EXPECT_EQ(r.body["replayed"], true);
    EXPECT_EQ(r.body["position"], position);
  }
  // Unanswered ones: retried; each lands once (or had landed before the kill).
  for (int k : unanswered) {
    auto r =
        CallJson("POST", url + "/v1/commands", "t-dej", command(k), "crash-" + std::to_string(k));
    EXPECT_TRUE(r.status == 200 || r.status == 201) << r.status << " " << r.body.dump();
    auto again =
        CallJson("POST", url + "/v1/commands", "t-dej", command(k), "crash-" + std::to_string(k));
    EXPECT_EQ(again.status, 200);
  }
  // Each command id appears exactly once in the log.
  std::map<std::string, int> seen;
  ASSERT_TRUE(testing::ForEachEvent(url, "t-auditor", [&](const json& e) {
    const std::string id = e["command_id"];
    if (id.starts_with("crash-")) ++seen[id];
  }));
  EXPECT_EQ(seen.size(), acked.size() + unanswered.size());
  for (const auto& [id, count] : seen) EXPECT_EQ(count, 1) << id;
  // The projection holds every one of them, and the chain verifies.
  json plan = CallJson("GET", url + "/v1/plans/DEJ", "t-admin").body;
  size_t measurements = 0;
  for (const json& i : plan["indicators"]) measurements += i["measurements"].size();
  EXPECT_EQ(measurements, initial_measurements + seen.size());
  auto verify = CallJson("GET", url + "/v1/verify", "t-auditor");
  EXPECT_EQ(verify.body["ok"], true) << verify.body.dump();
}

// jalond runs the scheduler: on a simulated clock set in May 2016, the
// sample plan without its history is late on its indicators; reminders are
// issued and delivered to the maildir, shown by /v1/reminders and the CLI,
// and a direction acknowledges one.
TEST_F(DaemonHttpTest, SchedulerIssuesDeliversAndServesReminders) {
  const std::string mail = dir_.Sub("mail");
  const std::string config =
      Config("", "[scheduler]\nperiod_ms = 100\n[delivery]\nmaildir = \"" + mail + "\"\n");
  auto daemon = std::make_unique<LiveDaemon>(
      kJalond, config, dir_.Sub("jalond.log"),
      std::vector<std::string>{"--clock-start", "2016-05-04T10:00:00Z"});
  ASSERT_TRUE(daemon->serving()) << daemon->Log();
  const std::string url = daemon->url();
  json plan = json::parse(ReadFile(kExample));
  for (json& i : plan["indicators"]) i["measurements"] = json::array();
  for (json& a : plan["actions"]) {
    a["progress"] = json::array();
    a["status"] = "planned";
    a.erase("completed");
  }
  plan["reviews"] = json::array();
  ASSERT_EQ(CallJson("POST", url + "/v1/import", "t-admin", plan.dump()).status, 201);

  json reminders;
  for (int i = 0; i < 100; ++i) {  // the scheduler passes every second
    reminders = CallJson("GET", url + "/v1/reminders?direction=DEJ", "t-dej").body;
    if (!reminders["plans"][0]["reminders"].empty() &&
        reminders["plans"][0]["reminders"][0]["delivered"] == 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const json& list = reminders["plans"][0]["reminders"];
  ASSERT_FALSE(list.empty()) << reminders.dump();
  EXPECT_EQ(list[0]["state"], "open");
  EXPECT_EQ(list[0]["delivered"], 1);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(mail + "/new"),
                          std::filesystem::directory_iterator()),
            1);
  EXPECT_EQ(CallJson("GET", url + "/v1/reminders?direction=DEJ", "t-drh").status, 403);
  EXPECT_EQ(CallJson("GET", url + "/v1/reminders", "").status, 401);

  const std::string id = list[0]["id"];
  const json ack = {{"type", "AcknowledgeReminder"},
                    {"data", {{"direction", "DEJ"}, {"reminder", id}, {"note", "en cours"}}}};
  EXPECT_EQ(CallJson("POST", url + "/v1/commands", "t-dej", ack.dump()).status, 201);
  EXPECT_EQ(CallJson("POST", url + "/v1/commands", "t-dej", ack.dump()).status, 400);

  CliRun text = Jalon({"reminders", "DEJ", "--url", url, "--token", "t-dej"});
  ASSERT_EQ(text.code, 0) << text.output;
  EXPECT_NE(text.output.find(id + "  prise en compte"), std::string::npos) << text.output;
  CliRun preview = Jalon({"schedule", "preview", "DEJ", "--url", url, "--token", "t-steering",
                          "--from", "2016-01-01", "--to", "2016-12-31", "--json"});
  ASSERT_EQ(preview.code, 0) << preview.output;
  const json occurrences = json::parse(preview.output)["occurrences"];
  ASSERT_EQ(occurrences.size(), 2u);
  EXPECT_EQ(occurrences[0]["occurrence"], "review/2016-06-30");
  EXPECT_EQ(occurrences[0]["state"], "pending");
  EXPECT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0);
}

TEST_F(DaemonHttpTest, EvaluationIsServedAsJsonCsvAndXlsx) {
  auto daemon = Start(Config());
  ASSERT_TRUE(daemon->serving());
  const std::string url = daemon->url();
  ASSERT_EQ(CallJson("POST", url + "/v1/import", "t-admin", ReadFile(kExample)).status, 201);
  const std::string base = url + "/v1/plans/DEJ/evaluation";

  auto json_reply = CallJson("GET", base + "?at=2018-07-01", "t-dej");
  ASSERT_EQ(json_reply.status, 200);
  EXPECT_EQ(json_reply.body["format"], "jalon.evaluation/1");
  EXPECT_EQ(json_reply.body["execution"], 73.0);  // the dashboard's figure
  EXPECT_EQ(json_reply.body["performance"], 54.17);
  EXPECT_EQ(CallJson("GET", base, "t-drh").status, 403);
  EXPECT_EQ(CallJson("GET", base + "?format=pdf", "t-dej").status, 400);
  EXPECT_EQ(CallJson("GET", base + "?format=csv", "t-dej").status, 400);  // which table?
  EXPECT_EQ(CallJson("GET", base + "?at=2018-02-30", "t-dej").status, 400);

  net::HttpCall call;
  call.url = base + "?format=csv&table=indicateurs&at=2018-07-01";
  call.headers = {{"Authorization", "Bearer t-dej"}};
  auto csv = net::Perform(call);
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->status, 200);
  EXPECT_TRUE(csv->body.starts_with("id,name,kind,unit,")) << csv->body;
  EXPECT_EQ(std::count(csv->body.begin(), csv->body.end(), '\n'),
            1 + static_cast<long>(json_reply.body["indicators"].size()));
  call.url = base + "?format=xlsx";
  auto xlsx = net::Perform(call);
  ASSERT_TRUE(xlsx.ok());
  EXPECT_EQ(xlsx->status, 200);
  EXPECT_TRUE(xlsx->body.starts_with("PK")) << "not a zip (xlsx) file";
  EXPECT_NE(xlsx->content_type.find("spreadsheetml"), std::string::npos);

  // The CLI over --url writes the same tables as on the data directory.
  CliRun remote = Jalon({"evaluate", "DEJ", "--at", "2018-07-01", "--format", "csv", "--table",
                         "actions", "--url", url, "--token", "t-auditor"});
  ASSERT_EQ(remote.code, 0) << remote.output;
  ASSERT_EQ(WEXITSTATUS(daemon->Kill(SIGTERM)), 0);
  CliRun local = Jalon({"evaluate", "DEJ", "--at", "2018-07-01", "--format", "csv", "--table",
                        "actions", "--data", dir_.Sub("data")});
  ASSERT_EQ(local.code, 0) << local.output;
  EXPECT_EQ(remote.output, local.output);
  CliRun folder = Jalon(
      {"evaluate", "DEJ", "--format", "csv", "-o", dir_.Sub("eval"), "--data", dir_.Sub("data")});
  ASSERT_EQ(folder.code, 0) << folder.output;
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("eval/indicateurs.csv")));
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("eval/evenements.csv")));
}

TEST_F(DaemonHttpTest, ReviewDocumentAndBriefAreServedInFrench) {
  auto daemon = Start(Config());
  ASSERT_TRUE(daemon->serving());
  const std::string url = daemon->url();
  ASSERT_EQ(CallJson("POST", url + "/v1/import", "t-admin", ReadFile(kExample)).status, 201);
  const std::string base = url + "/v1/plans/DEJ/";

  auto data = CallJson("GET", base + "review-doc?review=2", "t-dej");
  ASSERT_EQ(data.status, 200);
  EXPECT_EQ(data.body["format"], "jalon.review-doc/1");
  EXPECT_EQ(data.body["review"]["date"], "2016-12-15");
  EXPECT_EQ(data.body["previous"]["number"], 1);
  EXPECT_EQ(CallJson("GET", base + "review-doc?review=2", "t-drh").status, 403);
  EXPECT_EQ(CallJson("GET", base + "review-doc?review=deux", "t-dej").status, 400);
  EXPECT_EQ(CallJson("GET", base + "review-doc", "t-dej").status, 400);
  EXPECT_EQ(CallJson("GET", base + "review-doc?review=9", "t-dej").status, 404);
  EXPECT_EQ(CallJson("GET", base + "review-doc?review=2&format=pdf", "t-dej").status, 400);
  EXPECT_EQ(CallJson("GET", base + "brief?as_of=hier", "t-dej").status, 400);
  EXPECT_EQ(CallJson("GET", url + "/v1/plans/NOPE/brief", "t-admin").status, 404);

  net::HttpCall call;
  call.url = base + "review-doc?review=2&format=html";
  call.headers = {{"Authorization", "Bearer t-dej"}};
  auto html = net::Perform(call);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->status, 200);
  EXPECT_NE(html->content_type.find("text/html"), std::string::npos);
  EXPECT_NE(html->body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(html->body.find("Revue semestrielle n° 2"), std::string::npos);
  EXPECT_NE(html->body.find(data.body["chain"]["hash"].get<std::string>()), std::string::npos);
  call.url = base + "brief?format=md";
  auto md = net::Perform(call);
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->status, 200);
  EXPECT_TRUE(md->body.starts_with("# Présentation du projet de direction")) << md->body;
  EXPECT_NE(md->body.find("## Nos missions"), std::string::npos);

  // The CLI writes the document to a file in one piece.
  const std::string out = dir_.Sub("revue-2.md");
  CliRun written =
      Jalon({"review-doc", "DEJ", "--review", "2", "-o", out, "--url", url, "--token", "t-dej"});
  ASSERT_EQ(written.code, 0) << written.output;
  EXPECT_NE(ReadFile(out).find("Ce qui a changé depuis la revue n° 1"), std::string::npos);
  CliRun refused = Jalon({"review-doc", "DEJ", "--review", "7", "--url", url, "--token", "t-dej"});
  EXPECT_EQ(refused.code, 2);
  EXPECT_NE(refused.output.find("2 held so far"), std::string::npos) << refused.output;
}

}  // namespace
}  // namespace jalon
