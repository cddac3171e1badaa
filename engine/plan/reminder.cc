#include "engine/plan/reminder.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "engine/plan/day.h"
#include "engine/plan/encoding/compact_vector.h"
#include "engine/plan/encoding/phrase_code.h"

namespace jalon {

namespace {

// The phrases of the reminders that jobs/reminders/rules.cc writes: rules,
// subject kinds, and the fixed parts of the French "expected" texts. A
// reminder keeps each as one byte, which halves its texts: a city holds a
// million reminders. A phrase missing here only costs memory. The list is
// part of the snapshots' encoding: append only (old snapshots then read as
// they were written), and raise Projections::kSnapshotFormat if an entry
// ever changes or moves.
constexpr std::array<std::string_view, 18> kPhrases = {
    "indicator_stale",
    "action_overdue",
    "review_not_held",
    "revision_open",
    "indicator/",
    "action/",
    "review/",
    "une nouvelle mesure de l'indicateur ",
    "), attendue au plus tard le ",
    "l'achèvement de l'action ",
    "), prévue pour le ",
    ", ou sa replanification",
    "la tenue de la revue semestrielle prévue le ",
    " (HoldReview, avec ses participants et ses décisions)",  // superseded by [16]
    "la clôture de la révision à mi-parcours ouverte le ",
    " (CloseRevision, avec sa décision)",  // superseded by [17]
    " et son enregistrement avec ses participants, ses conclusions et ses décisions",
    ", en y consignant sa décision",
};

// The wording a reminder is shown in: the phrases above, except that the
// superseded ones, which named the command to run instead of what staff do,
// read in today's words. Logs keep the ReminderIssued events written with
// them, and staff read French, never a command's name; the log itself stays
// as it was written.
constexpr std::array<std::string_view, 18> Shown(std::array<std::string_view, 18> phrases) {
  phrases[13] = phrases[16];
  phrases[15] = phrases[17];
  return phrases;
}

constexpr PhraseCode<18> kReminderPhrases(kPhrases);
constexpr PhraseCode<18> kReminderWording(Shown(kPhrases));

}  // namespace

Reminder::Reminder(std::string_view id, std::string_view rule, std::string_view subject,
                   std::string_view expected)
    : texts_({id, kReminderPhrases.Code(rule), kReminderPhrases.Code(subject),
              kReminderPhrases.Code(expected)}) {}

std::string Reminder::rule() const { return kReminderPhrases.Expand(texts_[1]); }
std::string Reminder::subject() const { return kReminderPhrases.Expand(texts_[2]); }
std::string Reminder::expected() const { return kReminderWording.Expand(texts_[3]); }

const char* Reminder::StateName() const {
  switch (state) {
    case State::kOpen:
      return "open";
    case State::kAcknowledged:
      return "acknowledged";
    case State::kResolved:
      return "resolved";
  }
  return "open";
}

Json Reminder::ToJson() const {
  Json j = {{"id", id()},
            {"rule", rule()},
            {"subject", subject()},
            {"expected", expected()},
            {"due", DateOfDay(due_day)},
            {"issued_at", FormatInstant(issued_at)},
            {"state", StateName()},
            {"level", level},
            {"notices", notices},
            {"delivered", delivered},
            {"last_notice_at", FormatInstant(last_notice_at)},
            {"attempts", attempts}};
  if (retry_at != Instant{}) j["retry_at"] = FormatInstant(retry_at);
  if (state == State::kResolved) j["resolved_at"] = FormatInstant(resolved_at);
  return j;
}

Json RemindersJson(const ReminderSet& reminders) {
  Json out = Json::array();
  for (const Reminder& r : reminders) out.push_back(r.ToJson());
  return out;
}

Result<std::vector<std::string>> EscalatedReminders(const Json& payload) {
  const auto ids = payload.find("reminders");
  const auto id = payload.find("reminder");
  if (ids != payload.end() && ids->is_array()) {
    std::vector<std::string> out;
    for (const Json& item : *ids) {
      if (!item.is_string()) break;
      out.push_back(item.get<std::string>());
    }
    if (out.size() == ids->size()) return out;
  } else if (ids == payload.end() && id != payload.end() && id->is_string()) {
    return std::vector<std::string>{id->get<std::string>()};
  }
  return Status::Corruption(
      "ReminderEscalated: neither \"reminders\" (a list of ids) nor \"reminder\"");
}

namespace {

struct ById {
  bool operator()(const Reminder& r, std::string_view id) const { return r.id() < id; }
};

}  // namespace

const Reminder* ReminderSet::Find(std::string_view id) const {
  auto it = std::lower_bound(items_.begin(), items_.end(), id, ById());
  return it != items_.end() && it->id() == id ? &*it : nullptr;
}

Reminder* ReminderSet::Find(std::string_view id) {
  return const_cast<Reminder*>(std::as_const(*this).Find(id));
}

const Reminder& ReminderSet::at(std::string_view id) const {
  const Reminder* r = Find(id);
  if (r == nullptr) throw std::out_of_range("no reminder '" + std::string(id) + "'");
  return *r;
}

void ReminderSet::Put(Reminder r) {
  auto it = std::lower_bound(items_.begin(), items_.end(), r.id(), ById());
  if (it != items_.end() && it->id() == r.id()) {
    *it = std::move(r);
  } else {
    const auto at = it - items_.begin();
    ReserveOneMore(items_);
    items_.insert(items_.begin() + at, std::move(r));
  }
}

}  // namespace jalon
