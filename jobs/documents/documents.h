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
//     event is recorded at the same moment;
//   - review N+1, not yet held, gives a preparatory document as of today;
//     any later number is an error that says how many reviews were held;
//   - figures are the dashboard's at the review's date (same code).
#pragma once

#include <optional>
#include <string>

#include "engine/plan/plan_service.h"
#include "jobs/documents/render.h"
#include "jobs/options.h"

namespace jalon::jobs {

// {format: "jalon.review-doc/1", direction, plan, review, previous, as_of,
//  execution, performance, changes, actions, indicators, reminders, chain}.
Result<Json> ReviewDocData(const PlanService& service, const std::string& code, int review);

// {format: "jalon.brief/1", direction, plan, as_of, sections, identity,
//  swot, scenario (the retained one with its means and the actions' FTE and
//  budgets, or null), missions, axes, indicators, next_dates, figures}.
// Codes and ISO dates stay in the data; the Document says them in French.
// `as_of` (a recorded instant)
// shows the plan as the log held it then; default now.
Result<Json> BriefData(const PlanService& service, const std::string& code,
                       std::optional<Instant> as_of, const CycleOptions& cycle);

Document ReviewDocument(const Json& data);
Document BriefDocument(const Json& data);

// Renders `data` of either kind as "md" or "html"; "json" dumps it.
Result<std::string> RenderDocument(const Json& data, const std::string& format);

}  // namespace jalon::jobs
