#include "tools/cli/text.h"

#include <cstdio>
#include <sstream>

namespace jalon::cli {
namespace {

using nlohmann::json;

std::string Pct(const json& v) {
  if (v.is_null()) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f %%", v.get<double>());
  return buf;
}

std::string Str(const json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string StatusFr(const std::string& s) {
  if (s == "done") return "terminée";
  if (s == "cancelled") return "annulée";
  if (s == "not_started") return "pas commencée";
  if (s == "late") return "en retard";
  if (s == "on_track") return "dans les temps";
  if (s == "at_risk") return "à risque";
  if (s == "planned") return "prévue";
  if (s == "started") return "engagée";
  return s;
}

}  // namespace

std::string PlanText(const json& p) {
  std::ostringstream o;
  o << "Direction " << Str(p["direction"]["code"]) << " — "
    << Str(p["direction"].value("name", json())) << "\n";
  if (p.contains("plan")) {
    o << "Projet : " << Str(p["plan"]["title"]) << " (" << Str(p["plan"]["period_start"]) << " → "
      << Str(p["plan"]["period_end"]) << ", daté du " << Str(p["plan"]["dated"]) << ")\n";
  }
  o << "Version " << p.value("version", 0) << ", position " << p.value("position", 0) << "\n\n";
  o << "État des lieux : " << p["sections"].size() << " rubrique(s) renseignée(s)\n";
  o << "Atouts et faiblesses : " << p["swot"].size() << "\n";
  o << "Missions :\n";
  for (const auto& m : p["missions"]) {
    o << "  " << Str(m["id"]) << "  " << Str(m["title"])
      << (m.value("retired", false) ? " (retirée)" : "") << "\n";
  }
  o << "Axes de progrès :\n";
  for (const auto& a : p["axes"]) {
    o << "  " << Str(a["id"]) << "  " << Str(a["title"])
      << (a.contains("validation") ? " (validé)" : " (proposé)")
      << (a.value("dropped", false) ? " (abandonné)" : "") << "\n";
  }
  o << "Actions :\n";
  for (const auto& a : p["actions"]) {
    o << "  " << Str(a["id"]) << "  " << Str(a["title"]) << " — " << StatusFr(a.value("status", ""))
      << ", échéance " << Str(a["due"]) << "\n";
  }
  o << "Indicateurs :\n";
  for (const auto& i : p["indicators"]) {
    o << "  " << Str(i["id"]) << "  " << Str(i["name"]) << " (" << i["measurements"].size()
      << " mesure(s))\n";
  }
  o << "Revues tenues : " << p["reviews"].size() << "\n";
  return o.str();
}

std::string DashboardText(const json& d) {
  std::ostringstream o;
  o << "Tableau de bord " << Str(d["direction"]) << " au " << Str(d["at"]) << "\n";
  o << "  Exécution : " << Pct(d["execution"]) << "    Performance : " << Pct(d["performance"])
    << "\n";
  o << "  Actions en retard : " << d.value("late_actions", 0)
    << ", à risque : " << d.value("at_risk_actions", 0) << "\n\n";
  for (const auto& a : d["axes"]) {
    o << "Axe " << Str(a["id"]) << " — " << Str(a["title"])
      << (a.value("dropped", false) ? " (abandonné)" : "") << "\n  exécution "
      << Pct(a["execution"]) << ", performance " << Pct(a["performance"]) << "\n";
    for (const auto& act : a["actions"]) {
      o << "    " << Str(act["id"]) << "  " << Pct(act["progress"]) << "  "
        << StatusFr(act.value("status", "")) << "  — " << Str(act["title"]) << "\n";
    }
  }
  o << "\nIndicateurs :\n";
  for (const auto& i : d["indicators"]) {
    o << "  " << Str(i["id"]) << "  dernière valeur " << Str(i["latest"]) << ", cible initiale "
      << Str(i["initial_target"]) << ", cible " << Str(i["target"]) << ", atteinte "
      << Pct(i["attainment"]) << "  — " << Str(i["name"]) << "\n";
  }
  return o.str();
}

std::string HistoryText(const json& h) {
  std::ostringstream o;
  for (const auto& e : h["entries"]) {
    o << "#" << e["position"].get<uint64_t>() << "  " << Str(e["recorded_at"]) << "  (effet "
      << Str(e["effective_at"]) << ")  " << Str(e["actor"]) << "  " << Str(e["type"]) << "  "
      << Str(e["entity"]) << "  [" << Str(e["command_id"]) << "]\n";
    for (const auto& c : e["changes"]) {
      o << "    " << Str(c["field"]) << " : " << Str(c["before"]) << " → " << Str(c["after"])
        << "\n";
    }
  }
  if (h["entries"].empty()) o << "Aucune modification.\n";
  return o.str();
}

std::string DiffText(const json& d) {
  std::ostringstream o;
  o << "Modifications de " << Str(d["direction"]) << " entre " << Str(d["from"]) << " et "
    << Str(d["to"]) << "\n";
  for (const auto& a : d["added"]) o << "+ " << Str(a["entity"]) << "\n";
  for (const auto& r : d["removed"]) o << "- " << Str(r["entity"]) << "\n";
  for (const auto& c : d["changed"]) {
    o << "~ " << Str(c["entity"]) << "\n";
    for (const auto& f : c["changes"]) {
      o << "    " << Str(f["field"]) << " : " << Str(f["before"]) << " → " << Str(f["after"])
        << "\n";
    }
  }
  if (d["added"].empty() && d["removed"].empty() && d["changed"].empty())
    o << "Aucune modification.\n";
  return o.str();
}

std::string EventsText(const json& r) {
  std::ostringstream o;
  if (r.value("replayed", false)) o << "(commande déjà appliquée : résultat d'origine)\n";
  for (const auto& e : r["events"]) {
    o << "#" << e["position"].get<uint64_t>() << "  " << Str(e["stream"]) << " v"
      << e["version"].get<uint64_t>() << "  " << Str(e["type"]) << "  " << e["data"].dump() << "\n";
  }
  return o.str();
}

}  // namespace jalon::cli
