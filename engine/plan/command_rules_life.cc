// The commands of the plan's life: its reviews, the close of its mid-term
// revision, and the acknowledgement of its reminders.

#include "engine/plan/command_checks.h"
#include "engine/plan/command_fields.h"
#include "engine/plan/command_internal.h"

namespace jalon::command_internal {

void AddLifeRules(SpecTable& table) {
  const SpecTable rules = {
      {"HoldReview",
       {"ReviewHeld",
        {{"direction", Kind::kCode, true},
         {"date", Kind::kDate, true},
         {"participants", Kind::kNames, true},
         {"decisions", Kind::kText, true}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          if (d["participants"].empty())
            return Bad("participants", "a review has at least one participant");
          return Status::Ok();
        }}},
      {"CloseRevision",
       {"RevisionClosed",
        {{"direction", Kind::kCode, true},
         {"decision", Kind::kName, true},
         {"date", Kind::kDate, true}},
        "date",
        [](const PlanState& s, const Json&) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          if (!s.revision.is_object()) {
            return Bad("direction", "no mid-term revision is open for this plan");
          }
          if (s.revision.contains("closed"))
            return Bad("direction", "the mid-term revision is already closed");
          return Status::Ok();
        }}},
      {"AcknowledgeReminder",
       {"ReminderAcknowledged",
        {{"direction", Kind::kCode, true},
         {"reminder", Kind::kId, true},
         {"note", Kind::kText, false}},
        nullptr,
        [](const PlanState& s, const Json& d) {
          const Reminder* r = s.reminders.Find(d["reminder"].get<std::string>());
          if (r == nullptr) return Bad("reminder", "no such reminder for this plan");
          if (r->state == Reminder::State::kResolved)
            return Bad("reminder", "already resolved: the data arrived");
          if (r->state == Reminder::State::kAcknowledged)
            return Bad("reminder", "already acknowledged");
          return Status::Ok();
        }}},
  };
  table.insert(rules.begin(), rules.end());
}

}  // namespace jalon::command_internal
