// What the review document (review_doc.cc) and the newcomer brief
// (brief.cc) share: how a plan is read for a document, and how a value is
// written in French in one. Internal to jobs/documents.
#pragma once

#include <string>

#include "engine/plan/plan_service.h"

namespace jalon::jobs::document_parts {

// The start of today by the service's clock.
Instant Today(const PlanService& service);

// {title, period_start, period_end} of the plan in `state`.
Json PlanHeader(const PlanState& state);

// The plan of `code` now; kNotFound when the direction is unknown or has
// no plan yet.
Result<PlanState> CheckedState(const PlanService& service, const std::string& code);

// The plan of cycle `cycle` of `current` (the plan of `code` now): 0 or
// the current cycle's number give `current` itself; an earlier cycle, the
// stream's state at its close (its previous_cycles entry's last_position).
// kNotFound names "cycle" and the cycles there are.
Result<PlanState> CycleState(const PlanService& service, const std::string& code,
                             const PlanState& current, int cycle);

// {number, current, at_close}: which cycle `state` is the plan of, whether
// it is the current one (the plan of `current`), and for an earlier one
// whether `state` is that cycle as it stood at its close.
Json CycleJson(const PlanState& state, const PlanState& current);

// The "Cycle" line of a document's header for CycleJson's `cycle`, in
// French ("1 (cycle précédent)"); empty for a plan that has had one cycle.
std::string CycleText(const Json& cycle);

// A date in words, a number in French, "oui"/"non", "—" for null.
std::string ValueText(const Json& v);

// `text` cut to `max` bytes on a UTF-8 boundary, with "…" when cut.
std::string Truncated(std::string text, size_t max);

// A value with its unit, or "—".
std::string WithUnit(const Json& value, const std::string& unit);

// An amount in euros ("12 000 €"), or "—".
std::string Euros(const Json& value);

}  // namespace jalon::jobs::document_parts
