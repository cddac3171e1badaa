// The settings of the jobs, as plain values. config/ fills them from
// jalon.toml ([cycle], [reminders], [delivery], [[contacts]]); the defaults
// here are the shipped ones.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace jalon::jobs {

struct MonthDay {
  unsigned month = 1;  // 1-12
  unsigned day = 1;    // 1-31, valid for the month (02-29 is refused)
};

// [cycle]: the plan cycle defaults the scheduler derives occurrences from.
struct CycleOptions {
  // The two half-yearly reviews, "MM-DD" in each year of the plan's period.
  std::vector<MonthDay> review_dates = {{6, 30}, {12, 15}};
  // Local time (Europe/Paris) at which an occurrence of a day fires.
  unsigned fire_hour = 9, fire_minute = 0;
  // Occurrences missed while jalond was down fire on start if they are at
  // most this old; older ones are recorded as skipped.
  unsigned catch_up_days = 45;
};

// [reminders]: the four rules' grace periods, and the escalation ladder.
struct ReminderOptions {
  unsigned indicator_grace_days = 30;  // after the indicator's period
  unsigned action_grace_days = 15;     // after an action's due date
  unsigned review_grace_days = 30;     // after a review's due date
  unsigned revision_open_days = 120;   // a revision open longer than this
  // Unacknowledged: to the director after the first delay, to the steering
  // office after the second (days since issue).
  std::vector<unsigned> escalate_after_days = {14, 28};
  unsigned repeat_every_days = 14;  // a new notice at the same level
};

// A direction's recipients, by escalation level.
struct Contact {
  std::string direction;  // code
  std::string contact;    // level 0: the plan's contact
  std::string director;   // level 1: the director
  std::string webhook;    // optional: this direction's webhook URL
};

struct SmtpOptions {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string from = "jalon@ville.example";
  std::string username, password;
  bool starttls = false;  // require STARTTLS on smtp://
};

// [delivery]: where reminder messages go.
struct DeliveryOptions {
  std::string channel = "maildir";  // maildir | smtp | webhook
  std::string maildir = "var/mail";
  std::string dashboard_url = "http://127.0.0.1:8080/";
  std::string steering = "pilotage@ville.example";  // level 2, the steering office
  std::string default_domain = "ville.example";     // <code>@domain when a direction has no contact
  SmtpOptions smtp;
  std::string webhook_url;     // the default webhook, for directions without their own
  std::string webhook_secret;  // HMAC-SHA256 key of X-Jalon-Signature
  unsigned retry_initial_seconds = 60;
  unsigned retry_max_seconds = 6 * 3600;
  std::vector<Contact> contacts;
};

// [scheduler]: whether jalond runs the scheduler, and how often it passes.
struct SchedulerOptions {
  bool enabled = true;        // false: a read-and-write daemon that schedules nothing
  unsigned period_ms = 1000;  // real time between passes
};

struct JobsOptions {
  SchedulerOptions scheduler;
  CycleOptions cycle;
  ReminderOptions reminders;
  DeliveryOptions delivery;
  // Starts the scheduler's log lines: "tenant lyon: " when one jalond
  // serves several cities, empty otherwise.
  std::string log_prefix;
};

}  // namespace jalon::jobs
