#include "tools/cli/text.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "jobs/documents/labels.h"

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

// A value for people, its dates in words (« 1er janvier 2020 »), as the
// documents and the emails write them.
std::string Dated(const json& v) {
  if (v.is_string()) return jobs::fr::DateText(v.get<std::string>());
  return Str(v);
}

// A "dropped"/"retired" mark of jalon.plan/1: a date, or true.
bool Marked(const json& item, const char* key) {
  const auto it = item.find(key);
  return it != item.end() && (it->is_string() || *it == true);
}

// An action's due date as it now stands: its latest reschedule's, else the
// planned one.
json CurrentDue(const json& action) {
  const auto r = action.find("reschedules");
  if (r != action.end() && r->is_array() && !r->empty()) return r->back().value("due", json());
  return action.value("due", json());
}

// `text` followed by spaces up to `width` characters (UTF-8 code points).
std::string PadRight(const std::string& text, size_t width) {
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return text + std::string(chars < width ? width - chars : 0, ' ');
}

std::string StatusFr(const std::string& s) { return jobs::fr::Label("action_status", s); }

}  // namespace

std::string PlanText(const json& p) {
  std::ostringstream o;
  o << "Direction " << Str(p["direction"]["code"]) << " — "
    << Str(p["direction"].value("name", json())) << "\n";
  if (p.contains("plan")) {
    o << "Projet : " << Str(p["plan"]["title"]) << " (du " << Dated(p["plan"]["period_start"])
      << " au " << Dated(p["plan"]["period_end"]) << ", daté du "
      << Dated(p["plan"].value("dated", json())) << ")\n";
    // A later cycle names the plans before it and where each is read.
    for (const json& c : p["plan"].value("previous_cycles", json::array())) {
      o << "Cycle " << c.value("cycle", 0) << " : " << Str(c.value("title", json())) << " (du "
        << Dated(c.value("period_start", json())) << " au " << Dated(c.value("period_end", json()))
        << "), tel qu'à sa clôture : --position " << c.value("last_position", 0) << "\n";
    }
    if (p["plan"].contains("cycle")) o << "Cycle en cours : " << p["plan"]["cycle"] << "\n";
  }
  o << "Version " << p.value("version", 0) << ", position " << p.value("position", 0) << "\n\n";
  o << "État des lieux : " << p["sections"].size() << " rubrique(s) renseignée(s)\n";
  o << "Atouts et faiblesses : " << p["swot"].size() << "\n";
  o << "Missions :\n";
  for (const auto& m : p["missions"]) {
    o << "  " << Str(m["id"]) << "  " << Str(m["title"])
      << (Marked(m, "retired") ? " (retirée)" : "") << "\n";
  }
  o << "Axes de progrès :\n";
  for (const auto& a : p["axes"]) {
    o << "  " << Str(a["id"]) << "  " << Str(a["title"])
      << (a.contains("validation") ? " (validé)" : " (proposé)")
      << (Marked(a, "dropped") ? " (abandonné)" : "") << "\n";
  }
  o << "Scénarios :\n";
  for (const auto& sc : p.value("scenarios", json::array())) {
    o << "  " << Str(sc["id"]) << "  " << Str(sc["title"])
      << (sc.value("retained", false) ? " (retenu)" : "") << "\n";
    const json means = sc.value("means", json::object());
    for (const auto& [part, label] :
         {std::pair{"fte", "ETP"}, std::pair{"budget_eur", "budget (€)"}}) {
      if (!means.contains(part)) continue;
      o << "      " << label << " :";
      for (const auto& [year, v] : means[part].items()) o << " " << year << " " << v.dump();
      o << "\n";
    }
    if (means.contains("new_projects_eur"))
      o << "      nouveaux projets (€) : " << means["new_projects_eur"].dump() << "\n";
  }
  o << "Actions :\n";
  for (const auto& a : p["actions"]) {
    o << "  " << Str(a["id"]) << "  " << Str(a["title"]) << " — " << StatusFr(a.value("status", ""))
      << ", échéance " << Dated(CurrentDue(a)) << "\n";
  }
  o << "Indicateurs :\n";
  for (const auto& i : p["indicators"]) {
    o << "  " << Str(i["id"]) << "  " << Str(i["name"]) << " (" << i["measurements"].size()
      << " mesure(s))\n";
    // Each target change with its effective date, its author and its reason.
    json before = i.value("target", json::object());
    for (const auto& c : i.value("target_changes", json::array())) {
      const json target = c.value("target", json::object());
      o << "      cible changée le " << Dated(c.value("date", json())) << " par "
        << Str(c.value("by", json())) << " : " << Str(before.value("value", json())) << " → "
        << Str(target.value("value", json())) << " au " << Dated(target.value("date", json()))
        << (c.contains("reason") ? " (" + Str(c["reason"]) + ")" : "") << "\n";
      before = target;
    }
  }
  o << "Revues tenues : " << p["reviews"].size() << "\n";
  return o.str();
}

std::string DashboardText(const json& d) {
  std::ostringstream o;
  o << "Tableau de bord " << Str(d["direction"]) << " au " << Dated(d["at"]) << "\n";
  o << "  Exécution : " << Pct(d["execution"]) << "    Performance : " << Pct(d["performance"])
    << "\n";
  o << "  Actions en retard : " << d.value("late_actions", 0)
    << ", à risque : " << d.value("at_risk_actions", 0) << "\n\n";
  for (const auto& a : d["axes"]) {
    o << "Axe " << Str(a["id"]) << " — " << Str(a["title"])
      << (Marked(a, "dropped") ? " (abandonné)" : "") << "\n  exécution " << Pct(a["execution"])
      << ", performance " << Pct(a["performance"]) << "\n";
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
    o << "#" << e["position"].get<uint64_t>() << "  " << Dated(e["recorded_at"]) << "  (effet "
      << Dated(e["effective_at"]) << ")  " << Str(e.value("actor_name", e["actor"])) << "  "
      << Str(e["type"]) << "  " << Str(e["entity"]) << "  [" << Str(e["command_id"]) << "]\n";
    for (const auto& c : e["changes"]) {
      o << "    " << Str(c["field"]) << " : " << Dated(c["before"]) << " → " << Dated(c["after"])
        << "\n";
    }
  }
  if (h["entries"].empty()) o << "Aucune modification.\n";
  return o.str();
}

std::string DiffText(const json& d) {
  std::ostringstream o;
  o << "Modifications de " << Str(d["direction"]) << " entre " << Dated(d["from"]) << " et "
    << Dated(d["to"]) << "\n";
  for (const auto& a : d["added"]) o << "+ " << Str(a["entity"]) << "\n";
  for (const auto& r : d["removed"]) o << "- " << Str(r["entity"]) << "\n";
  for (const auto& c : d["changed"]) {
    o << "~ " << Str(c["entity"]) << "\n";
    for (const auto& f : c["changes"]) {
      o << "    " << Str(f["field"]) << " : " << Dated(f["before"]) << " → " << Dated(f["after"])
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

std::string ScheduleText(const json& s) {
  std::ostringstream o;
  o << "Calendrier du projet de direction " << Str(s["direction"]) << "\n";
  for (const json& occ : s["occurrences"]) {
    const std::string state = occ.value("state", "pending");
    const std::string state_fr = state == "fired"     ? "déclenchée"
                                 : state == "skipped" ? "sautée (hors fenêtre de rattrapage)"
                                                      : "à venir";
    o << "  " << PadRight(Dated(occ["nominal"]), 18) << "  " << PadRight(Str(occ["label"]), 24)
      << "  ";
    if (occ.value("moved", false)) {
      o << "→ " << Dated(occ["due"]) << "  " << state_fr << "\n      " << Dated(occ["reason"])
        << "\n";
    } else {
      o << "jour ouvré  " << state_fr << "\n";
    }
  }
  return o.str();
}

std::string RemindersText(const json& r) {
  static const char* kLevels[] = {"contact de la direction", "directeur ou directrice",
                                  "service de pilotage"};
  std::ostringstream o;
  size_t open = 0, acknowledged = 0, resolved = 0;
  for (const json& x : r["reminders"]) {
    const std::string st = x.value("state", "");
    open += st == "open";
    acknowledged += st == "acknowledged";
    resolved += st == "resolved";
  }
  o << "Relances de " << Str(r["direction"]) << " : " << open << " ouverte(s), " << acknowledged
    << " prise(s) en compte, " << resolved << " close(s)\n";
  for (const json& x : r["reminders"]) {
    const std::string st = x.value("state", "");
    const int level = std::clamp(x.value("level", 0), 0, 2);
    o << "  " << Str(x["id"]) << "  "
      << (st == "open"           ? "ouverte"
          : st == "acknowledged" ? "prise en compte"
                                 : "close")
      << "  " << Dated(x["subject"]) << "  échéance " << Dated(x["due"]) << "\n      "
      << Dated(x["expected"]) << "\n      niveau : " << kLevels[level] << " ; avis remis "
      << x.value("delivered", 0) << " / " << x.value("notices", 0);
    if (x.value("attempts", 0) > 0) {
      o << " ; " << x.value("attempts", 0) << " échec(s), nouvel essai après "
        << Dated(x["retry_at"]);
    }
    o << "\n";
  }
  return o.str();
}

std::string AuditText(const json& a) {
  std::ostringstream o;
  o << "Points d'attention du projet " << Str(a["direction"]) << " : " << a["flags"].size() << "\n";
  for (const json& f : a["flags"]) {
    // The engine writes the message for people, its dates in words.
    o << "  - " << Str(f["message"]) << "\n      événements :";
    for (const json& p : f["events"]) o << " #" << (p.is_null() ? std::string("?") : p.dump());
    o << "\n";
  }
  return o.str();
}

std::string ExplainText(const json& e) {
  std::ostringstream o;
  char buf[64];
  auto pos = [](const json& p) {
    if (p.is_null()) return std::string("—");
    std::string text = "#";
    text += p.dump();
    return text;
  };
  o << "Pourquoi " << Str(e["figure"]) << " de " << Str(e["direction"]) << " au " << Dated(e["at"])
    << "\n\nExécution : " << Pct(e["execution"]["value"])
    << "\n  Règle : " << Str(e["execution"]["rule"]) << "\n";
  for (const json& in : e["execution"]["inputs"]) {
    std::snprintf(buf, sizeof buf, "%.4f", in["weight"].get<double>());
    o << "  " << PadRight(Str(in["action"]), 8) << " avancement " << Pct(in["progress"])
      << "  poids " << buf << "  budget " << Str(in["budget_eur"]) << " €\n"
      << "      événements : planifiée " << pos(in["events"]["planned"]) << ", avancement "
      << pos(in["events"]["progress"]) << ", achevée " << pos(in["events"]["completed"]) << "\n";
  }
  o << "\nPerformance : " << Pct(e["performance"]["value"])
    << "\n  Règle : " << Str(e["performance"]["rule"]) << "\n";
  for (const json& in : e["performance"]["inputs"]) {
    std::snprintf(buf, sizeof buf, "%.4f", in["weight"].get<double>());
    o << "  " << PadRight(Str(in["indicator"]), 8) << " atteinte " << Pct(in["attainment"])
      << "  poids " << buf << "  (référence " << Str(in["baseline"]) << ", dernière mesure "
      << Str(in["latest"]) << " le " << Dated(in["latest_date"]) << ", cible " << Str(in["target"])
      << ")\n      événements : défini " << pos(in["events"]["defined"]) << ", mesure "
      << pos(in["events"]["latest"]) << "\n";
  }
  return o.str();
}

std::string SimulationText(const json& s) {
  std::ostringstream o;
  const json& occ = s["occurrences"];
  const json& rem = s["reminders"];
  const json& msg = s["messages"];
  o << "Simulation du " << Dated(s.value("from", json())) << " au " << Dated(s.value("to", json()))
    << " (" << s.value("days", 0) << " jours)\n"
    << "  Échéances : " << occ["fired"] << " déclenchées, dont " << occ["caught_up"]
    << " rattrapées ; " << occ["skipped"] << " sautées\n"
    << "  Relances : " << rem["issued"] << " émises, " << rem["escalated"] << " escaladées, "
    << rem["repeated"] << " renouvelées, " << rem["resolved"] << " closes par les données, "
    << rem["acknowledged"] << " prises en compte\n"
    << "  Messages : " << msg["delivered"] << " remis, " << msg["failed"] << " échecs, "
    << msg["attempts"] << " tentatives\n"
    << "  Journal : " << s["events"] << " événements\n";
  return o.str();
}

}  // namespace jalon::cli
