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
#include <mutex>
#include <thread>

#include "engine/http/http_server.h"
#include "engine/log/payload.h"
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
  std::set<std::string> got_ids;
  for (const Json& m : received) got_ids.insert(m["message_id"].get<std::string>());
  EXPECT_EQ(got_ids, (std::set<std::string>{"<" + ids[0] + "@jalon>", "<" + ids[1] + "@jalon>"}));
  for (const Json& m : received) {
    const std::string subject = m["subject"], body = m["body"], rcpt = m["rcpt_to"];
    EXPECT_TRUE(subject.starts_with("[Jalon] DEJ : ")) << subject;
    EXPECT_NE(body.find("Bonjour"), std::string::npos);
    EXPECT_NE(body.find("Échéance"), std::string::npos);
    // The direction's page, an address the web UI's router knows (tests/web/e2e.py
    // opens it in Chromium).
    EXPECT_NE(body.find("Jalon : https://jalon.ville.example/#/direction/DEJ\n"), std::string::npos)
        << body;
    EXPECT_NE(rcpt.find("referente.dej@ville.example"), std::string::npos) << rcpt;
    EXPECT_FALSE(m["reminders"].get<std::string>().empty());
    if (m["message_id"] == "<" + ids[1] + "@jalon>") {
      EXPECT_NE(rcpt.find("directrice.dej@ville.example"), std::string::npos) << rcpt;
      EXPECT_NE(subject.find("transmise au directeur ou directrice"), std::string::npos) << subject;
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
    EXPECT_NE(
        body["text"].get<std::string>().find("Jalon : " + body["dashboard"].get<std::string>()),
        std::string::npos);
    EXPECT_FALSE(body["reminders"].empty());
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
  EXPECT_NE(m.Body().find(m.Link() + "\n"), std::string::npos);
}

TEST_F(DeliveryTest, MaildirHoldsOneFilePerMessageId) {
  options_.delivery.maildir = dir_.Sub("mail");
  Scheduler scheduler(*service_, clock_, options_, MakeChannel(options_.delivery));
  clock_.Set(ParseInstant("2016-05-04T10:00:00Z").value());
  ASSERT_TRUE(scheduler.Tick().ok());
  const Json messages = ReadMaildir(dir_.Sub("mail"));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0]["message_id"], "<" + Attempted()[0] + "@jalon>");
  EXPECT_TRUE(std::filesystem::is_empty(dir_.Sub("mail/tmp")));
}

}  // namespace
}  // namespace jalon::jobs
