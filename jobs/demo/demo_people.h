// The demo city's people: one per role (an admin, the steering office, an
// auditor, a director and an agent of DEJ) and a director for each other
// demo direction, all with the demo password. `jalon demo simulate` adds
// them, and the simulation records each direction's changes under its
// director's name and the governance decisions under the steering office's.
#pragma once

#include <string>
#include <vector>

#include "engine/people/people_service.h"

namespace jalon::jobs {

struct DemoPerson {
  std::string login, name, role;
};

// The demo password of every demo person (tools/run prints it).
inline constexpr const char* kDemoPassword = "Demo-ville-2016";

const std::vector<DemoPerson>& DemoPeople();

// Registers the demo people and sets their password; idempotent (fixed
// command ids), so a resumed simulation adds nobody twice.
Status AddDemoPeople(PeopleService& people, const std::string& actor);

// The actor of a demo change: "person:<login>" of the steering office for
// the governance decisions, of the direction's director otherwise; "" when
// the direction has none.
std::string DemoActor(const std::string& code, const std::string& command_type);

}  // namespace jalon::jobs
