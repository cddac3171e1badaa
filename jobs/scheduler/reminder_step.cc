#include "jobs/scheduler/reminder_step.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/log/payload.h"
#include "jobs/reminders/rules.h"
#include "jobs/scheduler/recipients.h"
#include "jobs/scheduler/system_events.h"

namespace jalon::jobs {
namespace {

// Why a reminder the rules no longer want is closed, in the words of its
// ReminderResolved: its action or indicator left the plan (a next cycle),
// the plan's period is over, or what it asked for arrived.
std::string ResolvedReason(const PlanState& s, const Reminder& r, int32_t today) {
  const std::string subject = r.subject();
  const size_t slash = subject.find('/');
  const std::string kind = subject.substr(0, slash), id = subject.substr(slash + 1);
  if ((kind == "action" && !s.actions.Contains(id)) ||
      (kind == "indicator" && !s.indicators.Contains(id))) {
    return "l'élément concerné ne fait plus partie du projet en cours";
  }
  if (s.plan_open() && today > DayOf(s.plan.value("period_end", std::string()))) {
    return "la période du projet est achevée";
  }
  return "les données attendues ont été saisies";
}

}  // namespace

std::string RulesCommandId(const std::string& code, Instant now) {
  return "rem/" + code + "/" + std::to_string(ToMicros(now)) + "/" + NewCommandId();
}

PlanService::SystemDecide RulesDecision(const JobsOptions& options, const std::string& code,
                                        Instant now, const Planned* planned,
                                        TickStats* counted_out) {
  return [&options, code, now, planned,
          counted_out](const PlanState& s) -> Result<std::vector<NewEvent>> {
    const int32_t today = DayOf(now);
    TickStats& counted = *counted_out;
    counted = TickStats();
    std::vector<NewEvent> events;
    // Unless the plan's data is as it was planned (then the rules want
    // exactly the open reminders), what the rules want changed now.
    const ReminderChanges changes =
        Settled(planned, s, today) ? ReminderChanges() : ChangesDue(s, today, options.reminders);
    for (const Expected& e : changes.to_issue) {
      events.push_back(MakeEvent("ReminderIssued",
                                 {{"reminder", e.id},
                                  {"rule", e.rule},
                                  {"subject", e.subject},
                                  {"expected", e.expected},
                                  {"due", DateOfDay(e.due)},
                                  {"to", Recipients(options.delivery, code, 0)}},
                                 now));
      ++counted.issued;
    }
    for (const std::string& id : changes.to_resolve) {
      events.push_back(MakeEvent(
          "ReminderResolved",
          {{"reminder", id}, {"reason", ResolvedReason(s, s.reminders.at(id), today)}}, now));
      ++counted.resolved;
    }
    // Escalations and repeats, one event per level and kind listing
    // its reminders: (level, repeat) -> ids.
    std::map<std::pair<int32_t, bool>, std::vector<std::string_view>> notices;
    for (const Reminder& r : s.reminders) {
      const std::string_view id = r.id();
      if (r.state != Reminder::State::kOpen) continue;  // acknowledged or resolved
      if (std::ranges::find(changes.to_resolve, id) != changes.to_resolve.end()) continue;
      const int64_t age = today - DayOf(r.issued_at);
      int32_t target = 0;
      for (unsigned after : options.reminders.escalate_after_days) {
        if (age >= static_cast<int64_t>(after)) ++target;
      }
      if (target > r.level) {
        notices[{target, false}].push_back(id);
        ++counted.escalated;
      } else if (now - r.last_notice_at >= Days(options.reminders.repeat_every_days)) {
        notices[{r.level, true}].push_back(id);
        ++counted.repeated;
      }
    }
    for (const auto& [key, ids] : notices) {
      const auto [level, repeat] = key;
      // {level, reminders, repeat?, to}, written without a document:
      // a pass writes one per plan, listing tens of ids.
      const std::vector<std::string> to = Recipients(options.delivery, code, level);
      using Writer = PayloadObjectWriter;
      Writer payload(repeat ? 4 : 3, Writer::kHeadBytes + Writer::ScalarBytes("level") +
                                         Writer::StringsBytes("reminders", ids) +
                                         Writer::ScalarBytes("repeat") +
                                         Writer::StringsBytes("to", to));
      payload.Int("level", level).Strings("reminders", ids);
      if (repeat) payload.Bool("repeat", true);
      payload.Strings("to", to);
      NewEvent escalated;
      escalated.type = "ReminderEscalated";
      escalated.effective_at = now;
      escalated.payload = std::move(payload).Finish();
      events.push_back(std::move(escalated));
    }
    return events;
  };
}

Status AppendRules(PlanService& service, const JobsOptions& options, const std::string& code,
                   Instant now, const Planned* planned, TickStats* stats, uint64_t* unapplied) {
  JALON_RETURN_IF_ERROR(CatchUpUnapplied(service, unapplied));
  TickStats counted;
  auto appended = service.AppendSystem(code, RulesCommandId(code, now), kSchedulerActor,
                                       RulesDecision(options, code, now, planned, &counted),
                                       PlanService::CommandId::kFresh);
  if (!appended.ok()) return appended.status();
  *unapplied = appended->position;
  if (appended->appended()) stats->Add(counted);
  return Status::Ok();
}

}  // namespace jalon::jobs
