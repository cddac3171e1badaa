// The documents staff read beside the dashboard, built from the log:
//   - the review document of a biannual review ("revue semestrielle"): the
//     plan as it stood when review N met, what changed since review N-1,
//     the actions late or at risk, the indicators off trajectory, the open
//     reminders, and the hash-chain head for the minutes;
//   - the newcomer brief ("présentation aux nouveaux arrivants"): the plan in
//     one document, in the methodology sheet's order: the state of play with
//     the identity card, the strengths and weaknesses (each with its source
//     and date), the missions and their values, the prospective reflection,
//     the retained scenario's means beside the actions', the axes, the
//     indicators and the next dates.
// Each comes as data (JSON, what the HTTP API serves and the CLI fetches)
// and as a Document (render.h) for Markdown and HTML, in French.
//
// Choices where the issue leaves room:
//   - "as it stood at review N" is the plan with the events recorded up to
//     the ReviewHeld event *and* dated up to the review's date. The first
//     bound is the audit one (what the log held when the review met); the
//     second makes it right for history loaded by an import, where every
//     event is recorded at the same moment. A plan written by commands
//     after the review's day (its direction and opening dated when they
//     were recorded) has nothing by the second bound: the first alone holds;
//   - review N+1, not yet held, gives a preparatory document as of today;
//     any later number is an error that says how many reviews were held;
//   - review numbers are a cycle's (engine/plan/cycle.h): each cycle's
//     reviews start again at 1, and review 1 of a later cycle lists what
//     changed since that cycle opened. A previous cycle is closed: its held
//     reviews only, no preparatory document;
//   - figures are the dashboard's at the review's date (same code);
//   - a previous cycle's brief is its plan as it stood at its close, with
//     figures at the earlier of today and its period's end, as the web's
//     Direction page of that cycle shows them.
#pragma once

#include <optional>
#include <string>

#include "engine/plan/plan_service.h"
#include "jobs/documents/render.h"
#include "jobs/options.h"

namespace jalon::jobs {

// {format: "jalon.review-doc/1", direction, plan, cycle, review, previous,
//  as_of, execution, performance, changes, actions, indicators, reminders,
//  chain}. `cycle` 0 is the plan's current cycle; N >= 1 names one, and one
// that the plan never had is kNotFound naming "cycle". `cycle` in the data
// is {number, current, at_close, cycles}.
Result<Json> ReviewDocData(const PlanService& service, const std::string& code, int review,
                           int cycle = 0);

// Which plan a brief reads; at most one member is set. None: the plan now,
// with its figures today.
struct BriefPoint {
  // The plan as the log held it at this recorded instant; figures that day.
  std::optional<Instant> as_of = std::nullopt;
  // The plan as the log held it up to this position (from 1); figures at
  // the earlier of today and that plan's period end.
  std::optional<uint64_t> position = std::nullopt;
  // Cycle N (>= 1) of the plan: an earlier one as it stood at its close,
  // the current one as it stands; figures at the earlier of today and the
  // cycle's period end. 0: not asked.
  int cycle = 0;
};

// {format: "jalon.brief/1", direction, plan, cycle, as_of, position,
//  sections, identity, swot, scenario (the retained one with its means and
//  the actions' FTE and budgets, or null), missions, axes, indicators,
//  next_dates, figures}. Codes and ISO dates stay in the data; the Document
// says them in French. `as_of` is the day the figures are computed at.
Result<Json> BriefData(const PlanService& service, const std::string& code, const BriefPoint& at,
                       const CycleOptions& cycle);
// The plan as the log held it at `as_of` (a recorded instant); default now.
inline Result<Json> BriefData(const PlanService& service, const std::string& code,
                              std::optional<Instant> as_of, const CycleOptions& cycle) {
  return BriefData(service, code, BriefPoint{.as_of = as_of}, cycle);
}

Document ReviewDocument(const Json& data);
Document BriefDocument(const Json& data);

// Renders `data` of either kind as "md" or "html"; "json" dumps it.
Result<std::string> RenderDocument(const Json& data, const std::string& format);

}  // namespace jalon::jobs
