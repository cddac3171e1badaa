#include "jobs/scheduler/occurrence_step.h"

#include "jobs/scheduler/system_events.h"

namespace jalon::jobs {

Status AppendOccurrences(PlanService& service, const JobsOptions& options, Instant started_at,
                         const std::string& code, const std::vector<Occurrence>& pending,
                         Instant now, TickStats* stats, uint64_t* unapplied) {
  for (const Occurrence& o : pending) {
    JALON_RETURN_IF_ERROR(CatchUpUnapplied(service, unapplied));
    const std::string id = o.id();
    const bool in_window = now - o.fire_at <= Days(options.cycle.catch_up_days);
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
