// Delivery channels for reminder messages: SMTP email (libcurl), a signed
// JSON webhook, and a maildir-style folder for the demo.
//
// A Message is one direction's reminders due at the same time for the same
// recipients; its id is derived from the reminders and their notice
// numbers, so a retry after a crash sends the same id and receivers can drop
// the duplicate (Message-ID for email; X-Jalon-Message-Id for webhooks).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/util/status.h"
#include "engine/util/time.h"
#include "jobs/options.h"
#include "nlohmann/json.hpp"

namespace jalon::jobs {

struct MessageItem {
  std::string reminder;  // id
  uint32_t notice = 0;   // its notice number (1 at issue, +1 per escalation/repeat)
  std::string rule, subject, expected, due;
  int32_t level = 0;
};

struct Message {
  std::string id;  // "msg-" + 24 hex
  std::string direction, direction_name, plan_title;
  int32_t level = 0;            // the highest escalation level among the items
  std::vector<std::string> to;  // email addresses
  std::string webhook_url;      // for the webhook channel
  std::string dashboard_url;
  Instant created_at{};  // the scheduler's time (simulated in the demo): the Date header
  std::vector<MessageItem> items;

  std::string Subject() const;  // in French
  std::string Body() const;     // plain text, in French
  // The direction's page in the web UI, dashboard_url + "#/direction/{code}":
  // the address every message links to, and one the web UI's router knows.
  std::string Link() const;
  nlohmann::json ToJson() const;
  // The RFC 5322 text (headers and body) for email and maildir.
  std::string Rfc5322(const std::string& from) const;
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string name() const = 0;
  // Delivers the message; an error says why, and the caller retries later.
  virtual Status Send(const Message& message) = 0;
};

// Builds the channel that options.channel names.
std::unique_ptr<Channel> MakeChannel(const DeliveryOptions& options);

// "sha256=" + hex HMAC-SHA256(secret, body): the X-Jalon-Signature header.
std::string WebhookSignature(const std::string& secret, const std::string& body);

}  // namespace jalon::jobs
