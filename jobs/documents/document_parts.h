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

// A date in words, a number in French, "oui"/"non", "—" for null.
std::string ValueText(const Json& v);

// `text` cut to `max` bytes on a UTF-8 boundary, with "…" when cut.
std::string Truncated(std::string text, size_t max);

// A value with its unit, or "—".
std::string WithUnit(const Json& value, const std::string& unit);

// An amount in euros ("12 000 €"), or "—".
std::string Euros(const Json& value);

}  // namespace jalon::jobs::document_parts
