#include "jobs/scheduler/delivery_step.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "engine/util/sha256.h"
#include "jobs/scheduler/recipients.h"
#include "jobs/scheduler/system_events.h"

namespace jalon::jobs {
namespace {

// What the message says the reminder is about, read from the plan as it is
// now: the action's title or the indicator's name, the revision's opening.
void DescribeSubject(const PlanState& state, MessageItem* item) {
  const size_t slash = item->subject.find('/');
  const std::string kind = item->subject.substr(0, slash);
  const std::string id = slash == std::string::npos ? "" : item->subject.substr(slash + 1);
  if (kind == "action" || kind == "axis") {
    const auto fields = (kind == "action" ? state.actions : state.axes).FieldsOf(id);
    if (fields) item->title = fields->Text("title");
  } else if (kind == "indicator") {
    if (const auto fields = state.indicators.FieldsOf(id)) item->title = fields->Text("name");
  } else if (kind == "revision" && state.revision.is_object()) {
    for (const char* key : {"date", "opened"}) {
      if (state.revision.contains(key) && state.revision[key].is_string()) {
        item->opened = state.revision[key].get<std::string>();
        break;
      }
    }
  }
}

}  // namespace

Status Deliverer::Deliver(const std::string& code, Instant now, TickStats* stats,
                          uint64_t* unapplied) {
  if (!channel_) return Status::Ok();
  JALON_RETURN_IF_ERROR(CatchUpUnapplied(service_, unapplied));
  Message m;
  uint32_t attempt = 1;
  std::string key;
  Json items = Json::array();
  // Read in place, as the visit does.
  const bool found = service_.projections().With(code, [&](const PlanState& state) {
    for (const Reminder& r : state.reminders) {
      if (r.state != Reminder::State::kOpen || r.notices <= r.delivered || r.retry_at > now)
        continue;
      MessageItem& item = m.items.emplace_back();
      item.reminder = r.id();
      item.notice = r.notices;
      item.rule = r.rule();
      item.subject = r.subject();
      item.expected = r.expected();
      item.due = DateOfDay(r.due_day);
      item.level = r.level;
      DescribeSubject(state, &item);
      m.level = std::max(m.level, r.level);
      attempt = std::max(attempt, r.attempts + 1);
      key.append(r.id()).append("#" + std::to_string(r.notices) + ";");
      items.push_back({{"id", r.id()}, {"notice", r.notices}});
    }
    m.direction_name = state.direction.value("name", code);
    m.plan_title = state.plan.value("title", "");
  });
  if (!found) return NoPlan(code);
  if (m.items.empty()) return Status::Ok();
  m.id = "msg-" + ToHex(Sha256(code + "/" + key)).substr(0, 24);
  m.direction = code;
  m.to = Recipients(options_.delivery, code, m.level);
  m.webhook_url = WebhookOf(options_.delivery, code);
  m.dashboard_url = options_.delivery.dashboard_url;
  m.created_at = now;
  const std::string channel = channel_->name();
  const std::string base = "dlv/" + m.id + "/" + std::to_string(attempt);
  auto attempted = service_.AppendSystem(
      code, base, kSchedulerActor, [&](const PlanState&) -> Result<std::vector<NewEvent>> {
        return std::vector<NewEvent>{MakeEvent("DeliveryAttempted",
                                               {{"message", m.id},
                                                {"channel", channel},
                                                {"attempt", attempt},
                                                {"to", m.to},
                                                {"reminders", items}},
                                               now)};
      });
  if (!attempted.ok()) return attempted.status();
  *unapplied = attempted->position;
  ++stats->attempts;
  Status sent;
  {
    sending_.acquire();
    struct Release {
      std::counting_semaphore<kSenders>& permits;
      ~Release() { permits.release(); }
    } release{sending_};
    sent = channel_->Send(m);
  }
  const bool ok = sent.ok();
  if (!ok) {
    spdlog::warn("{}delivery of {} to {} failed: {}", options_.log_prefix, m.id, code,
                 sent.message());
  }
  JALON_RETURN_IF_ERROR(CatchUpUnapplied(service_, unapplied));
  auto outcome = service_.AppendSystem(
      code, base + (ok ? "/delivered" : "/failed"), kSchedulerActor,
      [&](const PlanState& s) -> Result<std::vector<NewEvent>> {
        Json still = Json::array();  // reminders removed meanwhile are left out
        for (const Json& item : items) {
          if (s.reminders.contains(item["id"].get<std::string>())) still.push_back(item);
        }
        if (still.empty()) return NoEvents();
        if (ok) {
          return std::vector<NewEvent>{
              MakeEvent("ReminderDelivered",
                        {{"message", m.id}, {"channel", channel}, {"reminders", still}}, now)};
        }
        const uint64_t backoff =
            std::min<uint64_t>(uint64_t{options_.delivery.retry_initial_seconds}
                                   << std::min<uint32_t>(attempt - 1, 20),
                               options_.delivery.retry_max_seconds);
        return std::vector<NewEvent>{
            MakeEvent("DeliveryFailed",
                      {{"message", m.id},
                       {"channel", channel},
                       {"attempt", attempt},
                       {"error", sent.message()},
                       {"retry_at", FormatInstant(now + std::chrono::seconds(backoff))},
                       {"reminders", still}},
                      now)};
      });
  if (!outcome.ok()) return outcome.status();
  if (ok) {
    ++stats->delivered;
  } else {
    ++stats->failed;
  }
  return Status::Ok();
}

}  // namespace jalon::jobs
