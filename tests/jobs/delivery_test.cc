// Delivery over real transports on 127.0.0.1: SMTP to Debian's aiosmtpd
// (started by the test), a webhook to a real HTTP receiver that checks the
// signature, and the maildir of the demo.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include "engine/http/http_server.h"
#include "engine/log/payload.h"
#include "jobs/delivery/mime.h"
#include "jobs/documents/labels.h"
#include "jobs/scheduler.h"
#include "jobs/simulation.h"
#include "tests/engine/plan/plan_fixture.h"
#include "tests/net_util.h"
#include "tests/process_util.h"

namespace jalon::jobs {
namespace {

using testing::FreePort;

bool Accepts(uint16_t port) {
  const int fd = testing::ConnectLoopback(port);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

Json ReadMaildir(const std::string& dir) {
  auto run = testing::RunToEnd({"/usr/bin/python3", JALON_READ_MAILDIR, dir});
  EXPECT_EQ(run.code, 0) << run.output;
  return Json::parse(run.output, nullptr, false);
}

class DeliveryTest : public testing::PlanFixture {
 protected:
  void SetUp() override {
    PlanFixture::SetUp();
    clock_.Set(ParseInstant("2016-01-04T10:00:00Z").value());
    ASSERT_TRUE(service_->Import(WithoutHistory(testing::ExamplePlan()), "test").ok());
    options_.delivery.contacts = {
        {"DEJ", "referente.dej@ville.example", "directrice.dej@ville.example", ""}};
  }
  // The message ids of DeliveryAttempted, in order.
  std::vector<std::string> Attempted() {
    std::vector<std::string> ids;
    EXPECT_TRUE(log_->Scan(1,
                           [&](const Event& e) {
                             if (e.type == "DeliveryAttempted")
                               ids.push_back(DecodePayload(e.payload)->value("message", ""));
                             return true;
                           })
                    .ok());
    return ids;
  }
  JobsOptions options_;
};

TEST_F(DeliveryTest, RemindersReachARealSmtpServerInFrench) {
  const uint16_t port = FreePort();
  const std::string mail = dir_.Sub("smtp-received");
  testing::ChildProcess smtpd({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                               "127.0.0.1:" + std::to_string(port), "-c",
                               "aiosmtpd.handlers.Mailbox", mail});
  for (int i = 0; i < 200 && !Accepts(port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(Accepts(port)) << "aiosmtpd did not start";

  options_.delivery.channel = "smtp";
  options_.delivery.smtp.url = "smtp://127.0.0.1:" + std::to_string(port);
  options_.delivery.smtp.from = "jalon@ville.example";
  options_.delivery.dashboard_url = "https://jalon.ville.example/";
  Scheduler scheduler(*service_, clock_, options_, MakeChannel(options_.delivery));
  clock_.Set(ParseInstant("2016-05-04T10:00:00Z").value());
  ASSERT_TRUE(scheduler.Tick().ok());
  clock_.Set(ParseInstant("2016-05-18T10:00:00Z").value());  // escalated to the director
  ASSERT_TRUE(scheduler.Tick().ok());

  const std::vector<std::string> ids = Attempted();
  ASSERT_EQ(ids.size(), 2u);
  Json received;
  for (int i = 0; i < 100; ++i) {  // the Mailbox handler writes as it receives
    received = ReadMaildir(mail);
    if (received.size() >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(received.size(), 2u) << received.dump();
  // What each reminder is about, from the scheduler's API.
  auto reminders = scheduler.Reminders("DEJ");
  ASSERT_TRUE(reminders.ok());
  std::map<std::string, Json> by_id;
  for (const Json& r : (*reminders)["reminders"]) by_id[r["id"]] = r;

  std::set<std::string> got_ids;
  for (const Json& m : received) got_ids.insert(m["message_id"].get<std::string>());
  // Message-IDs under the sender's domain.
  EXPECT_EQ(got_ids, (std::set<std::string>{"<" + ids[0] + "@ville.example>",
                                            "<" + ids[1] + "@ville.example>"}));
  for (const Json& m : received) {
    const std::string subject = m["subject"], body = m["body"], rcpt = m["rcpt_to"];
    SCOPED_TRACE(m.dump());
    // Headers a mail client and an out-of-office responder read.
    EXPECT_EQ(m["auto_submitted"], "auto-generated");
    EXPECT_EQ(m["from_name"], "Jalon – Projets de direction");
    EXPECT_EQ(m["from_address"], "jalon@ville.example");
    EXPECT_EQ(m["content_type"], "text/plain");
    EXPECT_EQ(m["charset"], "utf-8");
    EXPECT_EQ(m["transfer_encoding"], "base64");
    EXPECT_TRUE(m["ascii_only"].get<bool>()) << "7-bit clean for any relay";
    EXPECT_LE(m["longest_line"].get<std::string>().size(), 78u);
    EXPECT_TRUE(m["raw_subject"].get<std::string>().starts_with("Subject: =?UTF-8?B?"));
    EXPECT_TRUE(m["date"].get<std::string>().starts_with("2016-05-")) << m["date"];
    // The decoded subject and body, in French.
    EXPECT_TRUE(subject.starts_with("[Jalon] DEJ : ")) << subject;
    EXPECT_TRUE(body.starts_with("Bonjour,\n")) << body;
    // One sentence per reminder, with its date in words and the page of what
    // it is about on the next line.
    const std::string list = m["reminders"];
    ASSERT_FALSE(list.empty());
    std::istringstream words(list);
    std::string reminder;
    while (words >> reminder) {
      ASSERT_TRUE(by_id.contains(reminder)) << reminder;
      const Json& r = by_id[reminder];
      const std::string page = PageOf("DEJ", r["subject"]);
      EXPECT_NE(page, "#/direction/DEJ") << r["subject"];
      const std::string indent = list.find(' ') != std::string::npos ? "   " : "";
      EXPECT_NE(body.find("\n" + indent + "https://jalon.ville.example/" + page + "\n"),
                std::string::npos)
          << page;
      EXPECT_NE(body.find(fr::LongDate(r["due"])), std::string::npos) << r["due"];
    }
    // No ids, rule or command names, nor ISO dates in the prose.
    for (const char* word : {"rem-", "msg-", "indicator_stale", "action_overdue", "Record",
                             "AcknowledgeReminder", "HoldReview", "CloseRevision"})
      EXPECT_EQ(body.find(word), std::string::npos) << word;
    EXPECT_FALSE(std::regex_search(body, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}")));
    EXPECT_NE(body.find("« Prendre en compte »"), std::string::npos);
    EXPECT_NE(rcpt.find("referente.dej@ville.example"), std::string::npos) << rcpt;
    if (m["message_id"] == "<" + ids[1] + "@ville.example>") {
      EXPECT_NE(rcpt.find("directrice.dej@ville.example"), std::string::npos) << rcpt;
      EXPECT_NE(subject.find("transmise au directeur ou directrice"), std::string::npos) << subject;
      EXPECT_NE(body.find("aussi adressé au directeur ou à la directrice"), std::string::npos);
    } else {
      EXPECT_EQ(rcpt.find("directrice"), std::string::npos) << rcpt;
    }
  }
}

// HMAC-SHA256 computed here with OpenSSL, independently of the channel.
std::string Hmac(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  std::string hex = "sha256=";
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    hex += buf;
  }
  return hex;
}

TEST_F(DeliveryTest, WebhookIsSignedAndRetriedUnderOneMessageId) {
  std::mutex mu;
  std::vector<http::Request> received;
  int failures_left = 1;
  http::ServerOptions server_options;
  server_options.port = 0;
  http::HttpServer receiver(server_options, [&](const http::Request& req) {
    std::lock_guard<std::mutex> lock(mu);
    received.push_back(req);
    http::Response r;
    r.status = failures_left-- > 0 ? 503 : 204;
    return r;
  });
  ASSERT_TRUE(receiver.Start().ok());

  options_.delivery.channel = "webhook";
  options_.delivery.webhook_secret = "secret-partagé";
  options_.delivery.retry_initial_seconds = 60;
  options_.delivery.contacts[0].webhook =
      "http://127.0.0.1:" + std::to_string(receiver.port()) + "/jalon";
  Scheduler scheduler(*service_, clock_, options_, MakeChannel(options_.delivery));
  clock_.Set(ParseInstant("2016-05-04T10:00:00Z").value());
  ASSERT_TRUE(scheduler.Tick().ok());  // 503: failed, retried in a minute
  clock_.Advance(std::chrono::minutes(2));
  ASSERT_TRUE(scheduler.Tick().ok());  // delivered

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(received.size(), 2u);
  for (const http::Request& req : received) {
    EXPECT_EQ(req.path, "/jalon");
    EXPECT_EQ(req.Header("x-jalon-signature"), Hmac("secret-partagé", req.body));
    EXPECT_NE(req.Header("x-jalon-signature"), Hmac("another key", req.body));
    const Json body = Json::parse(req.body);
    EXPECT_EQ(body["direction"], "DEJ");
    EXPECT_EQ(body["message"], req.Header("x-jalon-message-id"));
    EXPECT_EQ(body["dashboard"], "http://127.0.0.1:8080/#/direction/DEJ");
    EXPECT_FALSE(body["reminders"].empty());
    // Each reminder carries the page of what it is about, which the text
    // gives too.
    for (const Json& r : body["reminders"]) {
      const std::string link = r["link"];
      EXPECT_EQ(link, "http://127.0.0.1:8080/" + PageOf("DEJ", r["subject"]));
      EXPECT_TRUE(link.starts_with("http://127.0.0.1:8080/#/direction/DEJ/indicateur/") ||
                  link.starts_with("http://127.0.0.1:8080/#/direction/DEJ/action/"))
          << link;
      EXPECT_NE(body["text"].get<std::string>().find(link + "\n"), std::string::npos) << link;
    }
  }
  EXPECT_EQ(received[0].Header("x-jalon-message-id"), received[1].Header("x-jalon-message-id"));
  auto reminders = scheduler.Reminders("DEJ");
  ASSERT_TRUE(reminders.ok());
  for (const Json& r : (*reminders)["reminders"]) EXPECT_EQ(r["delivered"], 1);
}

// The web UI is served at the base's final slash, so a base configured
// without it still gives a link to the page.
TEST(MessageLinkTest, LinksToTheDirectionsPageUnderTheBase) {
  Message m;
  m.direction = "DEJ";
  m.dashboard_url = "https://jalon.ville.example/t/lyon/";
  EXPECT_EQ(m.Link(), "https://jalon.ville.example/t/lyon/#/direction/DEJ");
  m.dashboard_url = "https://jalon.ville.example/t/lyon";
  EXPECT_EQ(m.Link(), "https://jalon.ville.example/t/lyon/#/direction/DEJ");
  m.dashboard_url = "https://jalon.ville.example";
  EXPECT_EQ(m.Link(), "https://jalon.ville.example/#/direction/DEJ");
  EXPECT_EQ(m.ToJson()["dashboard"], m.Link());
  MessageItem item;
  item.subject = "action/A1.2";
  EXPECT_EQ(m.LinkOf(item), "https://jalon.ville.example/#/direction/DEJ/action/A1.2");
}

// Each reminder subject leads to the page where it is dealt with
// (DESIGN.md, "Pages").
TEST(MessageLinkTest, EachSubjectHasItsPage) {
  EXPECT_EQ(PageOf("DEJ", "action/A1.2"), "#/direction/DEJ/action/A1.2");
  EXPECT_EQ(PageOf("DEJ", "indicator/I1"), "#/direction/DEJ/indicateur/I1");
  EXPECT_EQ(PageOf("DEJ", "axis/A1"), "#/direction/DEJ/axe/A1");
  EXPECT_EQ(PageOf("DEJ", "review/2016-06-30"), "#/direction/DEJ/revue");
  EXPECT_EQ(PageOf("DEJ", "revision"), "#/direction/DEJ/revue");
  EXPECT_EQ(PageOf("DEJ", "plan"), "#/direction/DEJ/projet");
  EXPECT_EQ(PageOf("DEJ", "section/identity"), "#/direction/DEJ/projet");
  EXPECT_EQ(PageOf("DEJ", "scenario/S1"), "#/direction/DEJ/projet");
  EXPECT_EQ(PageOf("DEJ", "unknown/X"), "#/direction/DEJ");
  EXPECT_EQ(PageOf("DEJ", ""), "#/direction/DEJ");
  // An id with a character the router would split on stays one segment.
  EXPECT_EQ(PageOf("DEJ", "action/A 1/2é"), "#/direction/DEJ/action/A%201%2F2%C3%A9");
}

// The four rules, each in one sentence that says what to do, with its date
// in words, followed by the page where it is done.
TEST(MessageTextTest, OneSentencePerReminderWithItsPage) {
  Message m;
  m.id = "msg-0123456789abcdef01234567";
  m.direction = "DEJ";
  m.direction_name = "Direction de l'Éducation et de la Jeunesse";
  m.plan_title = "Grandir ensemble";
  m.dashboard_url = "https://jalon.ville.example/";
  m.level = 2;
  m.items = {{"rem-1", 1, "indicator_stale", "indicator/I1", "", "2017-07-24", 0,
              "Part des inscriptions faites en ligne", ""},
             {"rem-2", 2, "action_overdue", "action/A1.2", "", "2017-09-01", 2,
              "Dossier unique pour tous les accueils", ""},
             {"rem-3", 1, "review_not_held", "review/2016-06-30", "", "2016-06-30", 0, "", ""},
             {"rem-4", 1, "revision_open", "revision", "", "2018-07-01", 0, "", "2018-03-01"}};
  const std::string body = m.Body();
  SCOPED_TRACE(body);
  for (const char* line :
       {"1. Saisissez une nouvelle mesure de l'indicateur I1 « Part des inscriptions faites en "
        "ligne », attendue au plus tard le 24 juillet 2017, sur la page de l'indicateur :\n"
        "   https://jalon.ville.example/#/direction/DEJ/indicateur/I1\n",
        "2. Rappel : déclarez l'achèvement de l'action A1.2 « Dossier unique pour tous les "
        "accueils », prévue pour le 1er septembre 2017, ou replanifiez-la, sur la page de l'action "
        ":\n   https://jalon.ville.example/#/direction/DEJ/action/A1.2\n",
        "3. Enregistrez la revue du projet de direction prévue le 30 juin 2016 (participants, "
        "conclusions et décisions) sur la page des revues :\n"
        "   https://jalon.ville.example/#/direction/DEJ/revue\n",
        "4. Clôturez la révision à mi-parcours ouverte le 1er mars 2018 en y consignant sa "
        "décision, sur la page des revues :\n"
        "   https://jalon.ville.example/#/direction/DEJ/revue\n",
        "« Grandir ensemble » — Direction de l'Éducation et de la Jeunesse (DEJ)",
        "aussi adressé au service de pilotage"})
    EXPECT_NE(body.find(line), std::string::npos) << line;
  for (const char* word : {"rem-", "msg-", "_", "Record", "Reminder", "Review", "Revision"})
    EXPECT_EQ(body.find(word), std::string::npos) << word;
  // The ids stay in the headers.
  const std::string text = m.Rfc5322("relances@Mairie.Example");
  EXPECT_NE(text.find("\r\nMessage-ID: <" + m.id + "@mairie.example>\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nX-Jalon-Reminders: rem-1 rem-2 rem-3 rem-4\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nAuto-Submitted: auto-generated\r\n"), std::string::npos);
  const Json json = m.ToJson();
  EXPECT_EQ(json["reminders"][1]["link"],
            "https://jalon.ville.example/#/direction/DEJ/action/A1.2");
  EXPECT_EQ(json["reminders"][1]["title"], "Dossier unique pour tous les accueils");
}

// A subject of any length: encoded-words of whole UTF-8 characters, lines
// within 78 characters, and the text back when decoded.
TEST(MimeTest, LongSubjectIsFoldedIntoWholeCharacterEncodedWords) {
  std::string subject = "[Jalon] DEJ : ";
  for (int i = 0; i < 12; ++i) subject += "révision à mi-parcours « ouverte » — ";
  const std::string value = mime::HeaderText("Subject", subject);
  std::string decoded;
  size_t start = 0;
  bool first = true;
  while (start <= value.size()) {
    size_t end = value.find("\r\n", start);
    if (end == std::string::npos) end = value.size();
    std::string line = value.substr(start, end - start);
    EXPECT_LE(line.size() + (first ? 9 : 0), 78u) << line;
    if (!first) {
      ASSERT_EQ(line[0], ' ');
      line = line.substr(1);
    }
    ASSERT_TRUE(line.starts_with("=?UTF-8?B?") && line.ends_with("?=")) << line;
    EXPECT_LE(line.size(), 75u);
    const std::string b64 = line.substr(10, line.size() - 12);
    std::string bytes(b64.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                  reinterpret_cast<const unsigned char*>(b64.data()),
                                  static_cast<int>(b64.size()));
    ASSERT_GT(n, 0);
    bytes.resize(static_cast<size_t>(n) - (b64.ends_with("==") ? 2 : b64.ends_with("=") ? 1 : 0));
    // Each word holds whole characters: it is valid UTF-8 on its own.
    EXPECT_NE(static_cast<unsigned char>(bytes[0]) & 0xC0, 0x80u) << line;
    decoded += bytes;
    first = false;
    if (end == value.size()) break;
    start = end + 2;
  }
  EXPECT_EQ(decoded, subject);
  EXPECT_EQ(mime::HeaderText("Subject", "plain ASCII"), "plain ASCII");
  EXPECT_EQ(mime::Base64("é"), "w6k=");
  EXPECT_EQ(mime::Date(ParseInstant("2017-07-24T09:05:03Z").value()),
            "Mon, 24 Jul 2017 09:05:03 +0000");
  EXPECT_EQ(mime::DomainOf("x"), "jalon.invalid");
}

TEST_F(DeliveryTest, MaildirHoldsOneFilePerMessageId) {
  options_.delivery.maildir = dir_.Sub("mail");
  Scheduler scheduler(*service_, clock_, options_, MakeChannel(options_.delivery));
  clock_.Set(ParseInstant("2016-05-04T10:00:00Z").value());
  ASSERT_TRUE(scheduler.Tick().ok());
  const Json messages = ReadMaildir(dir_.Sub("mail"));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["message_id"], "<" + Attempted()[0] + "@ville.example>");
  EXPECT_TRUE(std::filesystem::is_empty(dir_.Sub("mail/tmp")));
}

}  // namespace
}  // namespace jalon::jobs
