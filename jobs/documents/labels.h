// The words staff read, in French, for the plan model's English codes:
// values and ambitions (the methodology sheet's own words), statuses,
// SWOT quadrants, sections, reminder rules. One table serves the CLI, the
// documents, the reminder emails and the web UI (which receives it as
// JSON), so a status reads the same everywhere.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace jalon::jobs::fr {

// The label of `code` in `group`, or `code` itself if it has none.
// Groups: value, ambition, action_status, trajectory, closing_status,
// quadrant, section, reminder_rule, reminder_state, schedule, field (the
// fields of the plan's entities), entity, event, polarity, indicator_kind.
std::string Label(const std::string& group, const std::string& code);

// Every group as {group: {code: label}}, for the web UI.
const nlohmann::json& Labels();

// "30 juin 2016" for "2016-06-30"; the input itself if it is not a date.
std::string LongDate(const std::string& iso_date);

// A field of a change (a JSON pointer such as "/reschedules/0/due") in
// words: "Replanifications › Échéance".
std::string FieldName(const std::string& pointer);

// A text for people with its dates in words: a date or an instant on its
// own ("24 juillet 2017", "24 juillet 2017 à 08 h 05 (UTC)"), or each ISO
// date inside a sentence.
std::string DateText(const std::string& text);

// "73,5 %" for 73.5; "—" for null. French decimal comma.
std::string Percent(const nlohmann::json& value);
// A number with a decimal comma ("27,5"), "—" for null.
std::string Number(const nlohmann::json& value);

}  // namespace jalon::jobs::fr
