// A reminder message, as staff read it: one direction's reminders due at the
// same time for the same recipients, in French, each leading to the page of
// the action, indicator or review it is about.
//
// Its id is derived from the reminders and their notice numbers, so a retry
// after a crash sends the same id and receivers can drop the duplicate
// (Message-ID for email; X-Jalon-Message-Id for webhooks). Reminder and
// message ids travel in headers and JSON fields only, never in the prose.
//
// A Message is a value; its methods are const and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/time.h"
#include "nlohmann/json.hpp"

namespace jalon::jobs {

struct MessageItem {
  std::string reminder;  // id
  uint32_t notice = 0;   // its notice number (1 at issue, +1 per escalation/repeat)
  std::string rule, subject, expected, due;
  int32_t level = 0;
  // What the reminder is about, read from the plan when the message is
  // built: the action's title or the indicator's name (empty if unknown),
  // and for the mid-term revision the day it opened ("YYYY-MM-DD").
  std::string title;
  std::string opened;
};

// The web UI's page for a reminder subject of plan `direction` ("#/..."):
// action/ID, indicator/ID and axis/ID have their own page; reviews and the
// mid-term revision share the reviews page; the plan's writing (plan,
// section/, swot/, mission/, scenario/, identity) has the plan page;
// anything else is the direction's page.
std::string PageOf(const std::string& direction, const std::string& subject);

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
  // Plain text in French: one sentence per reminder saying what to do,
  // followed by the address of the page where it is done.
  std::string Body() const;
  // The direction's page in the web UI, dashboard_url + "#/direction/{code}".
  std::string Link() const;
  // The page of what `item` is about, under dashboard_url (PageOf).
  std::string LinkOf(const MessageItem& item) const;
  // The webhook's body: the message, its text, and each reminder with its
  // link.
  nlohmann::json ToJson() const;
  // The RFC 5322 text (headers and body) for email and maildir, sent by
  // `from` (a bare address, whose domain the Message-ID is made under).
  std::string Rfc5322(const std::string& from) const;
};

}  // namespace jalon::jobs
