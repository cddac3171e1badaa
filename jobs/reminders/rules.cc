#include "jobs/reminders/rules.h"

#include <algorithm>
#include <climits>
#include <set>

#include "engine/plan/model.h"
#include "engine/util/sha256.h"

namespace jalon::jobs {

int FrequencyDays(const std::string& frequency) {
  if (frequency == "monthly") return 31;
  if (frequency == "quarterly") return 92;
  if (frequency == "semiannual") return 183;
  if (frequency == "annual") return 366;
  return 0;
}

std::string ReminderId(const std::string& direction, const std::string& rule,
                       const std::string& subject, int32_t due) {
  return "rem-" +
         ToHex(Sha256(direction + "/" + rule + "/" + subject + "/" + DateOfDay(due))).substr(0, 20);
}

namespace {

// Marks (model.h) read from scalar fields: this runs for every plan the
// scheduler plans, so entities are not decoded.
bool AxisDropped(const PlanState& s, const std::string& axis_id) {
  const std::optional<EntityFields> axis = s.axes.FieldsOf(axis_id);
  return axis && DayOfMark(axis->Get("dropped")) != kNever;
}

// An indicator leaves the plan when retired, when its action is cancelled
// and when its axis (its own or its action's) is dropped: no more
// measurement is expected of it.
bool LeftThePlan(const PlanState& s, const EntityFields& indicator) {
  if (DayOfMark(indicator.Get("retired")) != kNever) return true;
  const std::string at = indicator.Text("attached_to");
  if (at.starts_with("axis:")) return AxisDropped(s, at.substr(5));
  if (at.starts_with("action:")) {
    const std::optional<EntityFields> action = s.actions.FieldsOf(at.substr(7));
    if (!action) return false;
    return action->Text("status") == "cancelled" || AxisDropped(s, action->Text("axis"));
  }
  return false;
}

// The day the review due on `due` was announced (its occurrence fired), or
// `due` if no later: a review caught up after a downtime gets its whole
// grace from the day staff hear of it.
int32_t AnnouncedOn(const PlanState& s, int32_t due) {
  int32_t announced = due;
  for (const auto& [id, o] : s.occurrences.fields()) {
    if (!id.starts_with("review/") || !o.Has("fired_on") || DayOf(o.Text("due")) != due) continue;
    announced = std::max(announced, DayOf(o.Text("fired_on")));
  }
  return announced;
}

}  // namespace

std::vector<Expected> ExpectedReminders(const PlanState& s, int32_t today, const ReminderOptions& o,
                                        int32_t* next_day) {
  std::vector<Expected> out;
  int32_t next = INT32_MAX;
  // A condition "today > limit" that does not hold yet holds from limit + 1,
  // if that is still inside `until`.
  auto later = [&next, today](int32_t limit, int32_t from, int32_t until) {
    const int32_t day = std::max(limit + 1, from);
    if (day > today && day <= until) next = std::min(next, day);
  };
  auto add = [&out, &s](std::string rule, std::string subject, std::string expected, int32_t due) {
    std::string id = ReminderId(s.code, rule, subject, due);
    out.push_back({std::move(id), std::move(rule), std::move(subject), std::move(expected), due});
  };
  if (next_day != nullptr) *next_day = INT32_MAX;
  if (!s.plan_open()) return out;
  const int32_t start = DayOf(s.plan.value("period_start", "1970-01-01"));
  const int32_t end = DayOf(s.plan.value("period_end", "1970-01-01"));
  const bool in_period = today >= start && today <= end;
  const bool future = today < start;

  // The stale and overdue rules hold inside the period only: the day after
  // it, what they want changes.
  if (in_period) later(end, INT32_MIN, INT32_MAX);
  if (in_period || future) {
    // Scalar fields only: this runs for every plan the scheduler plans.
    for (const auto& [id, ind] : s.indicators.fields()) {
      if (LeftThePlan(s, ind)) continue;
      const int period = FrequencyDays(ind.Text("frequency"));
      if (period == 0) continue;
      const int32_t last = std::max(start, s.MeasurementsOf(id).LastDay().value_or(start));
      const int32_t due = last + period;
      const int32_t limit = due + static_cast<int32_t>(o.indicator_grace_days);
      later(limit, start, end);
      if (in_period && today > limit) {
        add("indicator_stale", "indicator/" + id,
            "une nouvelle mesure de l'indicateur " + id + " (" + ind.Text("name") +
                "), attendue au plus tard le " + DateOfDay(due),
            due);
      }
    }
    for (const auto& [id, a] : s.actions.fields()) {
      const std::string status = a.Text("status", "planned");
      if (status == "done" || status == "cancelled" || !a.Has("due")) continue;
      if (AxisDropped(s, a.Text("axis"))) continue;
      const int32_t due = DayOf(a.Text("due"));
      const int32_t limit = due + static_cast<int32_t>(o.action_grace_days);
      later(limit, start, end);
      if (in_period && today > limit) {
        add("action_overdue", "action/" + id,
            "l'achèvement de l'action " + id + " (" + a.Text("title") + "), prévue pour le " +
                DateOfDay(due) + ", ou sa replanification",
            due);
      }
    }
  }

  // The review and revision rules, too, hold until the period ends: the
  // cycle is over then, and so are its reminders.
  if (today > end) {
    if (next_day != nullptr) *next_day = next;
    return out;
  }

  // The texts name what staff do, in their words, never the command that
  // records it; their fixed parts are phrases of engine/plan/reminder.cc.
  // Reviews: each due date takes the first review held from 60 days before
  // it that no earlier due date took.
  std::vector<int32_t> held;
  for (const Json& r : s.reviews) {
    if (r.contains("date")) held.push_back(DayOf(r["date"].get<std::string>()));
  }
  std::sort(held.begin(), held.end());
  std::vector<bool> used(held.size(), false);
  std::vector<int32_t> due_days = s.reviews_due;
  std::sort(due_days.begin(), due_days.end());
  for (int32_t due : due_days) {
    bool matched = false;
    for (size_t i = 0; i < held.size() && !matched; ++i) {
      if (!used[i] && held[i] >= due - 60) used[i] = matched = true;
    }
    if (matched) continue;
    const int32_t limit = AnnouncedOn(s, due) + static_cast<int32_t>(o.review_grace_days);
    later(limit, INT32_MIN, end);
    if (today > limit) {
      add("review_not_held", "review/" + DateOfDay(due),
          "la tenue de la revue semestrielle prévue le " + DateOfDay(due) +
              " et son enregistrement avec ses participants, ses conclusions et ses décisions",
          due);
    }
  }

  if (s.revision.is_object() && s.revision.contains("date") && !s.revision.contains("closed")) {
    const int32_t opened = DayOf(s.revision["date"].get<std::string>());
    const int32_t due = opened + static_cast<int32_t>(o.revision_open_days);
    later(due, INT32_MIN, end);
    if (today > due) {
      add("revision_open", "revision",
          "la clôture de la révision à mi-parcours ouverte le " + DateOfDay(opened) +
              ", en y consignant sa décision",
          due);
    }
  }
  if (next_day != nullptr) *next_day = next;
  return out;
}

ReminderChanges ChangesDue(const PlanState& s, int32_t today, const ReminderOptions& o,
                           int32_t* next_day) {
  ReminderChanges out;
  std::set<std::string, std::less<>> wanted;
  for (Expected& e : ExpectedReminders(s, today, o, next_day)) {
    wanted.insert(e.id);
    if (!s.reminders.contains(e.id)) out.to_issue.push_back(std::move(e));
  }
  for (const Reminder& r : s.reminders) {
    if (r.active() && !wanted.contains(r.id())) out.to_resolve.emplace_back(r.id());
  }
  return out;
}

}  // namespace jalon::jobs
