// The French of a refused command, for the people who read it in the web UI.
//
// A command's refusal is InvalidArgument "field: rule" with the rule in
// English (command_fields.h), which the CLI, the logs and the tests read.
// FrenchRefusal gives the same rule in French, worded for staff: it is what
// a form shows next to the field. One table maps each rule's wording to its
// French; a rule the table does not know yet reads "valeur refusée" with the
// English in parentheses, never nothing (refusal_fr_test.cc holds every
// rule the commands can give to a French wording).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace jalon {

// The rule of a refusal ("must be a percentage from 0 to 100") in French
// ("doit être un pourcentage entre 0 et 100").
std::string FrenchRefusal(std::string_view rule);

// Whether the table knows `rule` (false: FrenchRefusal falls back).
bool HasFrenchRefusal(std::string_view rule);

}  // namespace jalon
