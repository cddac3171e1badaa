#include "jobs/demo/demo_people.h"

namespace jalon::jobs {

const std::vector<DemoPerson>& DemoPeople() {
  static const std::vector<DemoPerson> people = {
      {"a.martin", "Alice Martin", "admin"},
      {"s.bernard", "Sophie Bernard", "steering"},
      {"p.petit", "Paul Petit", "auditor"},
      {"c.durand", "Camille Durand", "direction:DEJ"},
      {"l.moreau", "Lucas Moreau", "reader:DEJ"},
      {"m.lefebvre", "Manon Lefebvre", "direction:DCS"},
      {"j.garcia", "Julien Garcia", "direction:DEV"},
      {"n.roux", "Nadia Roux", "direction:DRH"},
      {"t.fournier", "Thomas Fournier", "direction:DSI"},
  };
  return people;
}

Status AddDemoPeople(PeopleService& people, const std::string& actor) {
  for (const DemoPerson& p : DemoPeople()) {
    const Json person = {{"login", p.login},
                         {"name", p.name},
                         {"email", p.login + "@ville-demo.fr"},
                         {"roles", Json::array({p.role})}};
    for (const auto& [type, data, id] :
         {std::tuple{"RegisterPerson", person, "demo/person/" + p.login},
          std::tuple{"SetPassword", Json{{"login", p.login}, {"password", kDemoPassword}},
                     "demo/password/" + p.login}}) {
      PeopleService::Outcome out = people.Execute(type, data, id, actor);
      if (!out.ok()) return out.status.WithContext(std::string(type) + " " + p.login);
    }
  }
  return Status::Ok();
}

std::string DemoActor(const std::string& code, const std::string& command_type) {
  const bool governance = command_type == "ValidateAxis" || command_type == "RetainScenario" ||
                          command_type == "HoldReview" || command_type == "CloseRevision";
  const std::string role = governance ? std::string("steering") : "direction:" + code;
  for (const DemoPerson& p : DemoPeople())
    if (p.role == role) return "person:" + p.login;
  return {};
}

}  // namespace jalon::jobs
