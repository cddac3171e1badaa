#include "jobs/scheduler/recipients.h"

#include <cctype>

namespace jalon::jobs {

std::vector<std::string> Recipients(const DeliveryOptions& d, const std::string& code,
                                    int32_t level) {
  std::string contact, director;
  for (const Contact& c : d.contacts) {
    if (c.direction == code) {
      contact = c.contact;
      director = c.director;
    }
  }
  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (contact.empty()) contact = lower + "@" + d.default_domain;
  if (director.empty()) director = "direction." + lower + "@" + d.default_domain;
  std::vector<std::string> to = {contact};
  if (level >= 1) to.push_back(director);
  if (level >= 2) to.push_back(d.steering);
  return to;
}

std::string WebhookOf(const DeliveryOptions& delivery, const std::string& code) {
  for (const Contact& c : delivery.contacts) {
    if (c.direction == code && !c.webhook.empty()) return c.webhook;
  }
  return delivery.webhook_url;
}

}  // namespace jalon::jobs
