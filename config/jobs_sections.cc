// The sections of jalon.toml that set the jobs of jobs/: [cycle],
// [reminders], [delivery] and [[contacts]] (contract in config_internal.h).

#include <cctype>
#include <set>
#include <string>

#include "config/config_internal.h"
#include "config/toml_reader.h"

namespace jalon::config_internal {
namespace {

// "MM-DD" of a date that exists every year (no 02-29).
bool ParseMonthDay(std::string_view text, jobs::MonthDay* out) {
  if (text.size() != 5 || text[2] != '-') return false;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const unsigned month = static_cast<unsigned>((text[0] - '0') * 10 + (text[1] - '0'));
  const unsigned day = static_cast<unsigned>((text[3] - '0') * 10 + (text[4] - '0'));
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  *out = {month, day};
  return true;
}

}  // namespace

Status ReadCycle(std::string_view source, const toml::table& cycle, jobs::CycleOptions* out) {
  JALON_RETURN_IF_ERROR(
      CheckKeys(source, cycle, "cycle", {"review_dates", "fire_time", "catch_up_days"}));
  if (const toml::node* node = cycle.get("review_dates")) {
    const std::string where = Where(source, node->source(), "cycle.review_dates");
    const toml::array* list = node->as_array();
    if (list == nullptr || list->empty() || list->size() > 12) {
      return Status::InvalidArgument(where + "must be a list of 1 to 12 \"MM-DD\" dates");
    }
    out->review_dates.clear();
    for (const toml::node& item : *list) {
      jobs::MonthDay md;
      auto text = item.value<std::string>();
      if (!item.is_string() || !ParseMonthDay(*text, &md)) {
        return Status::InvalidArgument(
            Where(source, item.source(), "cycle.review_dates") +
            "each date must be \"MM-DD\" and exist every year (not 02-29)");
      }
      // A date listed twice is one review: the scheduler would fire it once
      // while the preview listed it twice.
      for (const jobs::MonthDay& seen : out->review_dates) {
        if (seen.month == md.month && seen.day == md.day) {
          return Status::InvalidArgument(Where(source, item.source(), "cycle.review_dates") + "\"" +
                                         *text + "\" is listed twice");
        }
      }
      out->review_dates.push_back(md);
    }
  }
  std::string fire_time;
  JALON_RETURN_IF_ERROR(ReadString(source, cycle, "cycle", "fire_time", &fire_time));
  if (!fire_time.empty()) {
    const bool shape = fire_time.size() == 5 && fire_time[2] == ':' &&
                       std::isdigit(static_cast<unsigned char>(fire_time[0])) &&
                       std::isdigit(static_cast<unsigned char>(fire_time[1])) &&
                       std::isdigit(static_cast<unsigned char>(fire_time[3])) &&
                       std::isdigit(static_cast<unsigned char>(fire_time[4]));
    const unsigned hour = shape ? static_cast<unsigned>(std::stoi(fire_time.substr(0, 2))) : 99;
    const unsigned minute = shape ? static_cast<unsigned>(std::stoi(fire_time.substr(3, 2))) : 99;
    if (hour > 23 || minute > 59) {
      return Status::InvalidArgument(
          Where(source, cycle.get("fire_time")->source(), "cycle.fire_time") +
          "must be \"HH:MM\" (24-hour, Europe/Paris)");
    }
    out->fire_hour = hour;
    out->fire_minute = minute;
  }
  return ReadInt(source, cycle, "cycle", "catch_up_days", 0, 3660, &out->catch_up_days);
}

Status ReadReminders(std::string_view source, const toml::table& t, jobs::ReminderOptions* out) {
  JALON_RETURN_IF_ERROR(
      CheckKeys(source, t, "reminders",
                {"indicator_grace_days", "action_grace_days", "review_grace_days",
                 "revision_open_days", "escalate_after_days", "repeat_every_days"}));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "indicator_grace_days", 0, 3660, &out->indicator_grace_days));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "action_grace_days", 0, 3660, &out->action_grace_days));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "review_grace_days", 0, 3660, &out->review_grace_days));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "reminders", "revision_open_days", 1, 3660, &out->revision_open_days));
  JALON_RETURN_IF_ERROR(ReadAscendingInts(source, t, "reminders", "escalate_after_days", 1, 3660,
                                          &out->escalate_after_days));
  if (out->escalate_after_days.size() > 2) {
    return Status::InvalidArgument(
        Where(source, t.get("escalate_after_days")->source(), "reminders.escalate_after_days") +
        "at most 2 delays: to the director, then to the steering office");
  }
  return ReadInt(source, t, "reminders", "repeat_every_days", 1, 3660, &out->repeat_every_days);
}

Status ReadDelivery(std::string_view source, const toml::table& t, jobs::DeliveryOptions* out) {
  JALON_RETURN_IF_ERROR(
      CheckKeys(source, t, "delivery",
                {"channel", "maildir", "dashboard_url", "steering", "default_domain", "smtp",
                 "webhook_url", "webhook_secret", "retry_initial_seconds", "retry_max_seconds"}));
  auto where = [&](std::string_view key) {
    return Where(source, t.get(key)->source(), "delivery." + std::string(key));
  };
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "channel", &out->channel));
  if (out->channel != "maildir" && out->channel != "smtp" && out->channel != "webhook") {
    return Status::InvalidArgument(where("channel") + "must be maildir, smtp or webhook, not '" +
                                   out->channel + "'");
  }
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "maildir", &out->maildir));
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "dashboard_url", &out->dashboard_url));
  if (t.get("dashboard_url") && !LooksLikeUrl(out->dashboard_url, {"http", "https"}))
    return Status::InvalidArgument(where("dashboard_url") + "must be an http(s):// URL");
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "steering", &out->steering));
  if (t.get("steering") && !LooksLikeEmail(out->steering))
    return Status::InvalidArgument(where("steering") + "must be an email address");
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "default_domain", &out->default_domain));
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "webhook_url", &out->webhook_url));
  if (t.get("webhook_url") && !LooksLikeUrl(out->webhook_url, {"http", "https"}))
    return Status::InvalidArgument(where("webhook_url") + "must be an http(s):// URL");
  JALON_RETURN_IF_ERROR(ReadString(source, t, "delivery", "webhook_secret", &out->webhook_secret));
  JALON_RETURN_IF_ERROR(ReadInt(source, t, "delivery", "retry_initial_seconds", 1, 86400,
                                &out->retry_initial_seconds));
  JALON_RETURN_IF_ERROR(
      ReadInt(source, t, "delivery", "retry_max_seconds", 1, 7 * 86400, &out->retry_max_seconds));
  if (const toml::node* smtp_node = t.get("smtp")) {
    const toml::table* smtp = smtp_node->as_table();
    if (smtp == nullptr)
      return Status::InvalidArgument(where("smtp") + "must be a table ([delivery.smtp])");
    JALON_RETURN_IF_ERROR(CheckKeys(source, *smtp, "delivery.smtp",
                                    {"url", "from", "username", "password", "starttls"}));
    jobs::SmtpOptions& o = out->smtp;
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "url", &o.url));
    if (smtp->get("url") && !LooksLikeUrl(o.url, {"smtp", "smtps"})) {
      return Status::InvalidArgument(
          Where(source, smtp->get("url")->source(), "delivery.smtp.url") +
          "must be smtp://HOST:PORT or smtps://HOST:PORT");
    }
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "from", &o.from));
    if (smtp->get("from") && !LooksLikeEmail(o.from)) {
      return Status::InvalidArgument(
          Where(source, smtp->get("from")->source(), "delivery.smtp.from") +
          "must be an email address");
    }
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "username", &o.username));
    JALON_RETURN_IF_ERROR(ReadString(source, *smtp, "delivery.smtp", "password", &o.password));
    JALON_RETURN_IF_ERROR(ReadBool(source, *smtp, "delivery.smtp", "starttls", &o.starttls));
  }
  if (out->channel == "smtp" && out->smtp.url.empty()) {
    return Status::InvalidArgument(where("channel") +
                                   "smtp needs [delivery.smtp] url = \"smtp://HOST:PORT\"");
  }
  if (out->channel == "webhook" && out->webhook_secret.empty()) {
    return Status::InvalidArgument(where("channel") +
                                   "webhook needs delivery.webhook_secret (the HMAC key)");
  }
  return Status::Ok();
}

Status ReadContacts(std::string_view source, const toml::node& node,
                    std::vector<jobs::Contact>* out) {
  std::set<std::string> seen;
  return ForEachTable(
      source, node, "contacts", false,
      [&](const std::string& prefix, const toml::table& table) -> Status {
        const toml::table* t = &table;
        JALON_RETURN_IF_ERROR(
            CheckKeys(source, *t, prefix, {"direction", "contact", "director", "webhook"}));
        jobs::Contact c;
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "direction", &c.direction));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "contact", &c.contact));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "director", &c.director));
        JALON_RETURN_IF_ERROR(ReadString(source, *t, prefix, "webhook", &c.webhook));
        JALON_RETURN_IF_ERROR(
            RequireKeys(source, *t, prefix, {"direction", "contact", "director"}));
        if (!IsValidDirectionCode(c.direction)) {
          return Status::InvalidArgument(
              Where(source, t->get("direction")->source(), prefix + ".direction") +
              "not a direction code");
        }
        for (std::string_view key : {"contact", "director"}) {
          const std::string& v = key == "contact" ? c.contact : c.director;
          if (!LooksLikeEmail(v)) {
            return Status::InvalidArgument(
                Where(source, t->get(key)->source(), prefix + "." + std::string(key)) +
                "must be an email address");
          }
        }
        if (!c.webhook.empty() && !LooksLikeUrl(c.webhook, {"http", "https"})) {
          return Status::InvalidArgument(
              Where(source, t->get("webhook")->source(), prefix + ".webhook") +
              "must be an http(s):// URL");
        }
        if (!seen.insert(c.direction).second) {
          return Status::InvalidArgument(
              Where(source, t->get("direction")->source(), prefix + ".direction") +
              "duplicate contacts for " + c.direction);
        }
        out->push_back(std::move(c));
        return Status::Ok();
      });
}

}  // namespace jalon::config_internal
