// Delivery channels for reminder messages (message.h): SMTP email
// (libcurl), a signed JSON webhook, and a maildir-style folder for the demo.
#pragma once

#include <memory>
#include <string>

#include "engine/util/status.h"
#include "jobs/delivery/message.h"
#include "jobs/options.h"

namespace jalon::jobs {

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
