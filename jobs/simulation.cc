#include "jobs/simulation.h"

#include <algorithm>
#include <cmath>

#include "engine/log/payload.h"
#include "engine/plan/model.h"
#include "jobs/calendar/calendar.h"
#include "jobs/reminders/rules.h"

namespace jalon::jobs {
namespace {

constexpr const char* kActor = "simulation/direction";

// A deterministic draw in [0, 1) for (seed, key): the same run gives the
// same city, and a resumed run makes the same choices.
double Draw(uint64_t seed, const std::string& key) {
  const Hash h = Sha256(std::to_string(seed) + "/" + key);
  uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x = (x << 8) | h[i];
  return static_cast<double>(x >> 11) / static_cast<double>(uint64_t{1} << 53);
}

// Days of delay for one piece of data: a few on time, 40 to 120 when late.
int32_t Delay(uint64_t seed, const std::string& key, double late_share) {
  const double late = Draw(seed, key + "/late");
  const double amount = Draw(seed, key + "/days");
  if (late < late_share) return 40 + static_cast<int32_t>(amount * 80);
  return static_cast<int32_t>(amount * 10);
}

class Direction {
 public:
  Direction(PlanService& service, const std::string& code, uint64_t seed, double late_share,
            std::function<std::string(const std::string&, const std::string&)> actor = {})
      : service_(service),
        code_(code),
        seed_(seed),
        late_share_(late_share),
        actor_(std::move(actor)) {}

  Status Act(const PlanState& s, int32_t today) {
    const std::string date = DateOfDay(today);
    const int32_t start = DayOf(s.plan.value("period_start", date));
    const int32_t end = DayOf(s.plan.value("period_end", date));
    if (today < start || today > end) return Status::Ok();

    for (const auto& [id, ind] : s.indicators.items()) {
      const int period = FrequencyDays(ind.value("frequency", ""));
      if (DayOfMark(ind.contains("retired") ? &ind["retired"] : nullptr) != kNever || period == 0)
        continue;
      const int32_t last = std::max(start, s.MeasurementsOf(id).LastDay().value_or(start));
      const int32_t due = last + period;
      const std::string key = code_ + "/indicator/" + id + "/" + DateOfDay(due);
      if (today < due + Delay(seed_, key, late_share_)) continue;
      // A value on the way from the baseline to the target, with noise.
      const double base = ind.value("baseline", Json::object()).value("value", 0.0);
      const double target = ind.value("target", Json::object()).value("value", base);
      const double share = std::clamp((today - start) / double(std::max(1, end - start)), 0.0, 1.0);
      const double noise = (Draw(seed_, key + "/noise") - 0.5) * 0.2 * std::abs(target - base);
      double value = std::round((base + (target - base) * share * 0.9 + noise) * 10) / 10;
      // A share or a count never goes below zero, a percentage never above 100.
      if (base >= 0 && target >= 0) value = std::max(value, 0.0);
      if (ind.value("unit", "") == "%") value = std::min(value, 100.0);
      // Data entered late is dated when it was due: the evaluation counts
      // it as recorded late.
      const bool late = today > due + 30;
      JALON_RETURN_IF_ERROR(Run("RecordMeasurement", date + "/measure/" + id,
                                {{"indicator", id},
                                 {"date", late ? DateOfDay(due) : date},
                                 {"value", value},
                                 {"source", ind.value("source", "")},
                                 {"comment", late ? "saisie tardive" : ""}}));
    }

    for (const auto& [id, a] : s.actions.items()) {
      const std::string status = a.value("status", "planned");
      if (status == "done" || status == "cancelled") continue;
      const std::optional<Json> axis = s.axes.Find(a.value("axis", ""));
      if (axis && DecodeAxis(a.value("axis", ""), *axis).dropped != kNever) continue;
      const int32_t a_start = DayOf(a.value("start", date));
      const int32_t a_due = DayOf(a.value("due", date));
      if (today < a_start) continue;
      const std::string key = code_ + "/action/" + id;
      // A few actions are given up half a year in, on the day it is decided.
      if (today >= a_start + 180 && Draw(seed_, key + "/cancel") < 0.03) {
        JALON_RETURN_IF_ERROR(Run("CancelAction", date + "/cancel/" + id,
                                  {{"action", id},
                                   {"date", date},
                                   {"reason", "abandonnée : remplacée par une autre action"}}));
        continue;
      }
      if (today >= a_due + Delay(seed_, key, late_share_)) {
        JALON_RETURN_IF_ERROR(
            Run("CompleteAction", date + "/complete/" + id, {{"action", id}, {"date", date}}));
        continue;
      }
      // A progress report every 90 days or so.
      const auto& reports = s.ProgressOf(id);
      const int32_t last = reports.empty() ? a_start : reports.back().day;
      if (today - last >= 90) {
        const double share =
            std::clamp((today - a_start) / double(std::max(1, a_due - a_start)), 0.0, 0.95);
        const double previous = reports.empty() ? 0 : reports.back().percent;
        const double percent = std::max(previous, std::round(share * 100));
        JALON_RETURN_IF_ERROR(Run("ReportProgress", date + "/progress/" + id,
                                  {{"action", id},
                                   {"date", date},
                                   {"percent", percent},
                                   {"note", "point d'avancement trimestriel"}}));
      }
    }

    // Reviews: one held for each review due, on time or late.
    const size_t held = s.reviews.size();
    if (held < s.reviews_due.size()) {
      const int32_t due = s.reviews_due[held];
      const std::string key = code_ + "/review/" + DateOfDay(due);
      if (today >= due + Delay(seed_, key, late_share_)) {
        JALON_RETURN_IF_ERROR(
            Run("HoldReview", date + "/review",
                {{"date", date},
                 {"participants",
                  {"Directeur ou directrice", "Équipe d'encadrement", "Service de pilotage"}},
                 {"decisions",
                  "Revue semestrielle : avancement des actions et des indicateurs "
                  "examiné, priorités confirmées."}}));
      }
    }

    if (s.revision.is_object() && s.revision.contains("date") && !s.revision.contains("closed")) {
      const int32_t opened = DayOf(s.revision["date"].get<std::string>());
      const int32_t after = 60 + static_cast<int32_t>(Draw(seed_, code_ + "/revision") * 120);
      if (today >= opened + after) {
        JALON_RETURN_IF_ERROR(
            Run("CloseRevision", date + "/revision",
                {{"date", date}, {"decision", "Axes maintenus, cibles ajustées à mi-parcours"}}));
        // The revision lowers some targets, from the day it closed.
        for (const auto& [id, entity] : s.indicators.items()) {
          const Indicator ind = DecodeIndicator(id, entity);
          if (ind.retired != kNever || Draw(seed_, code_ + "/target/" + id) >= 0.3) continue;
          if (ind.polarity != "increase" && ind.polarity != "decrease") continue;
          const DatedValue& target = ind.CurrentTarget();
          const double base = ind.baseline.number();
          const double revised = std::round((base + (target.number() - base) * 0.8) * 10) / 10;
          JALON_RETURN_IF_ERROR(Run("ChangeTarget", date + "/target/" + id,
                                    {{"indicator", id},
                                     {"target", {{"value", revised}, {"date", target.date()}}},
                                     {"reason", "cible ajustée à la révision à mi-parcours"},
                                     {"by", "Comité de pilotage"},
                                     {"date", date}}));
        }
      }
    }

    // Half of the reminders that reach the director get acknowledged.
    for (const Reminder& r : s.reminders) {
      const std::string id(r.id());
      if (r.state == Reminder::State::kOpen && r.level >= 1 &&
          Draw(seed_, code_ + "/ack/" + id) < 0.5) {
        JALON_RETURN_IF_ERROR(Run("AcknowledgeReminder", date + "/ack/" + id,
                                  {{"reminder", id}, {"note", "pris en compte, saisie en cours"}}));
      }
    }
    return Status::Ok();
  }

 private:
  Status Run(const std::string& type, const std::string& what, Json data) {
    data["direction"] = code_;
    Json command = {{"type", type}, {"command_id", "sim/" + code_ + "/" + what}, {"data", data}};
    auto parsed = ParseCommand(command);
    if (!parsed.ok()) return parsed.status().WithContext(type);
    std::string actor = actor_ ? actor_(code_, type) : std::string();
    auto r = service_.Execute(std::move(parsed).value(), actor.empty() ? kActor : actor);
    // A rule the simulated direction broke is its mistake, not the run's:
    // the command is refused and nothing is written, as for real staff.
    if (!r.ok() && !r.status().IsInvalidArgument()) return r.status().WithContext(type);
    return Status::Ok();
  }

  PlanService& service_;
  const std::string code_;
  const uint64_t seed_;
  const double late_share_;
  std::function<std::string(const std::string&, const std::string&)> actor_;
};

}  // namespace

Json WithoutHistory(Json plan) {
  // The dated changes are history too: the plan as it was first adopted.
  for (Json& i : plan["indicators"]) {
    i["measurements"] = Json::array();
    i.erase("target_changes");
    i.erase("retired");
  }
  for (Json& a : plan["actions"]) {
    a["progress"] = Json::array();
    a["status"] = "planned";
    for (const char* key : {"reschedules", "budget_changes", "completed", "cancelled"}) {
      a.erase(key);
    }
  }
  for (Json& a : plan["axes"]) a["dropped"] = false;
  for (Json& m : plan["missions"]) m.erase("retired");
  plan["reviews"] = Json::array();
  return plan;
}

Result<Json> CountJobEvents(const EventLog& log) {
  uint64_t fired = 0, caught_up = 0, skipped = 0, issued = 0, escalated = 0, repeated = 0,
           resolved = 0, acknowledged = 0, attempts = 0, delivered = 0, failed = 0;
  Status s = log.Scan(1, [&](const Event& e) {
    if (e.type == "OccurrenceFired") {
      ++fired;
      auto p = DecodePayload(e.payload);
      if (p.ok() && p->value("caught_up", false)) ++caught_up;
    } else if (e.type == "OccurrenceSkipped") {
      ++skipped;
    } else if (e.type == "ReminderIssued") {
      ++issued;
    } else if (e.type == "ReminderEscalated") {
      auto p = DecodePayload(e.payload);
      if (!p.ok()) return true;
      const size_t n = EscalatedReminders(*p).value_or({}).size();
      (p->value("repeat", false) ? repeated : escalated) += n;
    } else if (e.type == "ReminderResolved") {
      ++resolved;
    } else if (e.type == "ReminderAcknowledged") {
      ++acknowledged;
    } else if (e.type == "DeliveryAttempted") {
      ++attempts;
    } else if (e.type == "ReminderDelivered") {
      ++delivered;
    } else if (e.type == "DeliveryFailed") {
      ++failed;
    }
    return true;
  });
  JALON_RETURN_IF_ERROR(s);
  return Json{{"occurrences", {{"fired", fired}, {"caught_up", caught_up}, {"skipped", skipped}}},
              {"reminders",
               {{"issued", issued},
                {"escalated", escalated},
                {"repeated", repeated},
                {"resolved", resolved},
                {"acknowledged", acknowledged}}},
              {"messages", {{"attempts", attempts}, {"delivered", delivered}, {"failed", failed}}},
              {"events", log.Head().position}};
}

Result<Json> Simulate(PlanService& service, SimulatedClock& clock, Scheduler& scheduler,
                      const SimulationOptions& o) {
  if (o.to < o.from) return Status::InvalidArgument("--to: before --from");
  const EventLog& log = service.log();
  int32_t first = o.from;
  if (log.Head().position > 0) {
    // Resume on the last recorded day: its commands and ticks are replays.
    auto head = log.ReadRange(log.Head().position, 1);
    if (!head.ok()) return head.status();
    if (!head->empty()) first = std::max(o.from, DayOf(head->front().recorded_at));
  }
  // The plans not imported yet (a run may have been killed among them); an
  // import already done is an idempotent replay.
  clock.Set(StartOfDay(first) + std::chrono::hours(8));
  for (const Json& plan : o.plans) {
    auto r = service.Import(WithoutHistory(plan), "simulation/import");
    if (!r.ok() && r.status().code() != Status::Code::kAlreadyExists)
      return r.status().WithContext("import");
  }
  if (first > o.to) return CountJobEvents(log);
  TickStats totals;
  const CycleOptions& cycle = scheduler.options().cycle;
  for (int32_t day = first; day <= o.to; ++day) {
    const Instant noon = StartOfDay(day) + std::chrono::hours(12);
    auto act = [&]() -> Status {
      clock.Set(noon);
      for (const std::string& code : service.projections().Codes()) {
        auto state = service.State(code, TimeQuery{});
        if (!state.ok()) return state.status();
        if (!state->plan_open()) continue;
        JALON_RETURN_IF_ERROR(
            Direction(service, code, o.seed, o.late_share, o.actor).Act(*state, day));
      }
      return Status::Ok();
    };
    // The scheduler passes at the configured fire time, as jalond's first
    // pass of the day would: the occurrences are recorded when they fire.
    const Instant fire = calendar::ParisTime(day, cycle.fire_hour, cycle.fire_minute);
    if (fire > noon) JALON_RETURN_IF_ERROR(act());
    TickStats tick;
    clock.Set(std::max(fire, clock.Now()));
    JALON_RETURN_IF_ERROR(scheduler.Tick(&tick));
    totals.Add(tick);
    if (fire <= noon) JALON_RETURN_IF_ERROR(act());
    if (o.progress && (day == o.to || DateOfDay(day).ends_with("-01"))) o.progress(day, totals);
  }
  auto summary = CountJobEvents(log);
  if (!summary.ok()) return summary;
  (*summary)["days"] = o.to - first + 1;
  (*summary)["from"] = DateOfDay(first);
  (*summary)["to"] = DateOfDay(o.to);
  return summary;
}

}  // namespace jalon::jobs
