#include "jobs/scheduler/occurrence_step.h"

#include <cstdint>
#include <optional>

#include "jobs/calendar/calendar.h"
#include "jobs/scheduler/system_events.h"

namespace jalon::jobs {
namespace {

// When the plan's current cycle was opened in the log (its first PlanOpened,
// or the CycleOpened of a later cycle), or Instant::min() if it was not: an
// occurrence due before then was never jalond's to fire. Read a few events
// at a time: PlanOpened is one of the first.
Result<Instant> PlanRecordedAt(PlanService& service, const std::string& code) {
  constexpr size_t kChunk = 8;
  const std::string stream = PlanStream(code);
  uint64_t cycle_opened = 0;  // CycleOpened's version in the stream
  service.projections().With(code, [&](const PlanState& s) {
    if (s.plan_open() && s.plan.contains("previous_cycles") && !s.plan["previous_cycles"].empty())
      cycle_opened = s.plan["previous_cycles"].back().value("last_version", uint64_t{0}) + 1;
  });
  if (cycle_opened != 0) {
    auto events = service.log().ReadStream(stream, cycle_opened, 1);
    if (!events.ok()) return events.status();
    if (!events->empty() && events->front().type == "CycleOpened")
      return events->front().recorded_at;
  }
  std::optional<Instant> found;
  for (uint64_t from = 1; !found; from += kChunk) {
    size_t seen = 0;
    JALON_RETURN_IF_ERROR(service.log().ScanStream(
        stream, from, UINT64_MAX,
        [&](const EventView& e) {
          ++seen;
          if (e.type == "PlanOpened") found = e.recorded_at;
          return !found;
        },
        kChunk));
    if (seen < kChunk) break;
  }
  return found.value_or(Instant::min());
}

}  // namespace

Status AppendOccurrences(PlanService& service, const JobsOptions& options, Instant started_at,
                         const std::string& code, const std::vector<Occurrence>& pending,
                         Instant now, TickStats* stats, uint64_t* unapplied) {
  if (pending.empty()) return Status::Ok();
  const Result<Instant> recorded = PlanRecordedAt(service, code);
  if (!recorded.ok()) return recorded.status();
  for (const Occurrence& o : pending) {
    JALON_RETURN_IF_ERROR(CatchUpUnapplied(service, unapplied));
    const std::string id = o.id();
    // Due before the plan was in the log: a plan imported late, not a
    // daemon that was down.
    const bool before_plan = o.fire_at < *recorded;
    const bool in_window = !before_plan && now - o.fire_at <= Days(options.cycle.catch_up_days);
    const bool caught_up = o.fire_at < started_at;
    auto appended = service.AppendSystem(
        code, "occ/" + code + "/" + id, kSchedulerActor,
        [&](const PlanState& s) -> Result<std::vector<NewEvent>> {
          if (s.occurrences.Contains(id)) return NoEvents();
          const Instant due = StartOfDay(o.date.due);
          Json payload = {{"occurrence", id},
                          {"schedule", o.schedule},
                          {"nominal", DateOfDay(o.date.nominal)},
                          {"due", DateOfDay(o.date.due)},
                          {"fire_at", FormatInstant(o.fire_at)}};
          if (!o.date.reason.empty()) payload["moved_because"] = o.date.reason;
          std::vector<NewEvent> events;
          if (before_plan) {
            payload["reason"] = "échéance antérieure à l'enregistrement du projet dans Jalon, le " +
                                calendar::FrenchDate(DayOf(*recorded)) +
                                " : elle n'a pas été déclenchée";
            events.push_back(MakeEvent("OccurrenceSkipped", payload, due));
            return events;
          }
          if (!in_window) {
            const auto age = std::chrono::floor<std::chrono::days>(now - o.fire_at).count();
            payload["reason"] =
                "occurrence manquée pendant l'arrêt de jalond : " + std::to_string(age) +
                " jours de retard, au-delà de la fenêtre de rattrapage de " +
                std::to_string(options.cycle.catch_up_days) + " jours";
            events.push_back(MakeEvent("OccurrenceSkipped", payload, due));
            return events;
          }
          payload["caught_up"] = caught_up;
          // The day it was announced: a caught-up review's grace runs from
          // there (reminders/rules.h).
          payload["fired_on"] = DateOfDay(DayOf(now));
          events.push_back(MakeEvent("OccurrenceFired", payload, due));
          if (o.schedule == "review") {
            events.push_back(
                MakeEvent("ReviewDue", {{"occurrence", id}, {"date", DateOfDay(o.date.due)}}, due));
          } else if (o.schedule == "revision") {
            events.push_back(MakeEvent(
                "RevisionOpened",
                {{"occurrence", id},
                 {"date", DateOfDay(o.date.due)},
                 {"due", DateOfDay(o.date.due +
                                   static_cast<int32_t>(options.reminders.revision_open_days))}},
                due));
          } else if (o.schedule == "evaluation") {
            events.push_back(MakeEvent("EvaluationOpened",
                                       {{"occurrence", id}, {"date", DateOfDay(o.date.due)}}, due));
          }
          return events;
        });
    if (!appended.ok()) return appended.status();
    *unapplied = appended->position;
    if (!appended->appended()) continue;
    if (!in_window) {
      ++stats->skipped;
    } else {
      ++stats->fired;
      if (caught_up) ++stats->caught_up;
    }
  }
  return Status::Ok();
}

}  // namespace jalon::jobs
