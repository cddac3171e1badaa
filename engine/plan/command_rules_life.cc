// The commands of the plan's life: its reviews, the modalities and the
// close of its mid-term revision, and the acknowledgement of its reminders.

#include "engine/plan/command_checks.h"
#include "engine/plan/command_fields.h"
#include "engine/plan/command_internal.h"

namespace jalon::command_internal {
namespace {

// Each item a decision concerns is an action or an indicator of the plan.
Status NeedConcernsExist(const PlanState& s, const Json& decisions) {
  if (!decisions.is_array()) return Status::Ok();
  for (size_t i = 0; i < decisions.size(); ++i) {
    const Json& concerns = decisions[i]["concerns"];
    for (size_t k = 0; k < concerns.size(); ++k) {
      const std::string c = concerns[k].get<std::string>();
      const bool action = c.starts_with("action/");
      const std::string id = c.substr(c.find('/') + 1);
      if (!(action ? s.actions : s.indicators).Contains(id)) {
        return Bad(
            "decisions[" + std::to_string(i) + "].concerns[" + std::to_string(k) + "]",
            std::string(action ? "no action" : "no indicator") + " '" + id + "' in this plan");
      }
    }
  }
  return Status::Ok();
}

// The mid-term revision is open: opened and not yet closed.
Status NeedOpenRevision(const PlanState& s) {
  JALON_RETURN_IF_ERROR(NeedPlan(s));
  if (!s.revision.is_object()) {
    return Bad("direction", "no mid-term revision is open for this plan");
  }
  if (s.revision.contains("closed"))
    return Bad("direction", "the mid-term revision is already closed");
  return Status::Ok();
}

}  // namespace

void AddLifeRules(SpecTable& table) {
  const SpecTable rules = {
      {"HoldReview",
       {"ReviewHeld",
        {{"direction", Kind::kCode, true},
         {"date", Kind::kDate, true},
         {"participants", Kind::kNames, true},
         {"conclusions", Kind::kText, false},
         {"decisions", Kind::kDecisions, true}},
        "date",
        [](const PlanState& s, const Json& d) {
          JALON_RETURN_IF_ERROR(NeedPlan(s));
          if (d["participants"].empty())
            return Bad("participants", "a review has at least one participant");
          return NeedConcernsExist(s, d["decisions"]);
        }}},
      {"SetRevisionModalities",
       {"RevisionModalitiesSet",
        {{"direction", Kind::kCode, true},
         {"scope", Kind::kText, true},
         {"modalities", Kind::kText, true}},
        nullptr,
        [](const PlanState& s, const Json&) { return NeedOpenRevision(s); }}},
      {"CloseRevision",
       {"RevisionClosed",
        {{"direction", Kind::kCode, true},
         {"decision", Kind::kName, true},
         {"date", Kind::kDate, true}},
        "date",
        [](const PlanState& s, const Json&) { return NeedOpenRevision(s); }}},
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
