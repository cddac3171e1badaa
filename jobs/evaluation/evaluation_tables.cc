#include "jobs/evaluation/evaluation_tables.h"

#include "jobs/documents/labels.h"

namespace jalon::jobs {
namespace {

// A review's decisions in one cell: its text, or each decision's text with
// the items it concerns ("Relancer le marché (action/A1.2, indicator/I1) ;
// …").
Json DecisionsText(const Json& decisions) {
  if (!decisions.is_array()) return decisions;
  std::string out;
  for (const Json& d : decisions) {
    if (!out.empty()) out += " ; ";
    out += d.value("text", "");
    std::string items;
    for (const Json& c : d.value("concerns", Json::array()))
      items += (items.empty() ? "" : ", ") + c.get<std::string>();
    if (!items.empty()) out += " (" + items + ")";
  }
  return out;
}

}  // namespace

Json TablesJson(const std::vector<Table>& tables) {
  static const char* kTypes[] = {"text", "integer", "number", "percent", "date"};
  Json out = Json::array();
  for (const Table& t : tables) {
    Json columns = Json::array(), rows = Json::array();
    for (const Column& c : t.columns)
      columns.push_back(
          {{"key", c.key}, {"title", c.title}, {"type", kTypes[static_cast<int>(c.type)]}});
    for (const Json& row : t.rows) {
      Json cells = Json::array();
      for (const Column& c : t.columns) cells.push_back(row.value(c.key, Json()));
      rows.push_back(std::move(cells));
    }
    out.push_back({{"name", t.name}, {"columns", std::move(columns)}, {"rows", std::move(rows)}});
  }
  return out;
}

std::vector<Table> EvaluationTables(const Json& d) {
  using T = Column::Type;
  std::vector<Table> out;
  out.push_back({"plan",
                 {{"direction", "Direction", T::kText},
                  {"name", "Nom", T::kText},
                  {"title", "Projet", T::kText},
                  {"period_start", "Début de période", T::kDate},
                  {"period_end", "Fin de période", T::kDate},
                  {"at", "Évalué au", T::kDate},
                  {"execution", "Exécution", T::kPercent},
                  {"performance", "Performance", T::kPercent},
                  {"position", "Position du journal", T::kInteger},
                  {"plan_hash", "Empreinte (SHA-256)", T::kText}},
                 {d}});
  out.push_back({"axes",
                 {{"id", "Axe", T::kText},
                  {"title", "Intitulé", T::kText},
                  {"validated", "Validé", T::kText, "yes_no"},
                  {"dropped", "Abandonné", T::kText, "yes_no"},
                  {"execution", "Exécution", T::kPercent},
                  {"performance", "Performance", T::kPercent},
                  {"budget_eur", "Budget prévu (€)", T::kNumber},
                  {"spent_eur", "Dépensé (€)", T::kNumber},
                  {"actions", "Actions", T::kInteger}},
                 d["axes"].get<std::vector<Json>>()});
  std::vector<Json> indicators;
  for (Json i : d["indicators"]) {
    i["baseline_value"] = i["baseline"].value("value", Json());
    i["baseline_date"] = i["baseline"].value("date", Json());
    i["initial_target_value"] = i["initial_target"].value("value", Json());
    i["initial_target_date"] = i["initial_target"].value("date", Json());
    i["target_value"] = i["target"].value("value", Json());
    i["target_date"] = i["target"].value("date", Json());
    i["target_changes"] = i["target_changes"].size();
    i["measurements"] = i["measurements"].size();
    indicators.push_back(std::move(i));
  }
  out.push_back({"indicateurs",
                 {{"id", "Indicateur", T::kText},
                  {"name", "Nom", T::kText},
                  {"kind", "Type", T::kText, "indicator_kind"},
                  {"unit", "Unité", T::kText},
                  {"attached_to", "Rattaché à", T::kText},
                  {"polarity", "Sens", T::kText, "polarity"},
                  {"baseline_value", "Valeur de référence", T::kNumber},
                  {"baseline_date", "Date de référence", T::kDate},
                  {"initial_target_value", "Cible initiale", T::kNumber},
                  {"initial_target_date", "Échéance initiale", T::kDate},
                  {"target_value", "Cible actuelle", T::kNumber},
                  {"target_date", "Échéance actuelle", T::kDate},
                  {"target_changes", "Changements de cible", T::kInteger},
                  {"measurements", "Mesures", T::kInteger},
                  {"final_value", "Valeur finale", T::kNumber},
                  {"final_date", "Date de la valeur finale", T::kDate},
                  {"attainment", "Atteinte", T::kPercent},
                  {"status", "Statut de clôture", T::kText, "closing_status"},
                  {"late_measurements", "Mesures saisies en retard", T::kInteger}},
                 indicators});
  std::vector<Json> measurements;
  for (Json m : d["measurements"]) {
    m["corrections"] = m["corrections"].size();
    measurements.push_back(std::move(m));
  }
  out.push_back({"mesures",
                 {{"indicator", "Indicateur", T::kText},
                  {"date", "Date", T::kDate},
                  {"value", "Valeur", T::kNumber},
                  {"recorded_at", "Saisie le", T::kText},
                  {"late", "En retard", T::kText, "yes_no"},
                  {"corrections", "Corrections", T::kInteger},
                  {"position", "Position", T::kInteger}},
                 measurements});
  std::vector<Json> changes;
  for (Json c : d["target_changes"]) {
    c["from_value"] = c["from"].value("value", Json());
    c["from_date"] = c["from"].value("date", Json());
    c["to_value"] = c["to"].value("value", Json());
    c["to_date"] = c["to"].value("date", Json());
    changes.push_back(std::move(c));
  }
  out.push_back({"changements_de_cible",
                 {{"indicator", "Indicateur", T::kText},
                  {"from_value", "Ancienne cible", T::kNumber},
                  {"from_date", "Ancienne échéance", T::kDate},
                  {"to_value", "Nouvelle cible", T::kNumber},
                  {"to_date", "Nouvelle échéance", T::kDate},
                  {"reason", "Motif", T::kText},
                  {"by", "Par", T::kText},
                  {"recorded_at", "Le", T::kText},
                  {"position", "Position", T::kInteger}},
                 changes});
  out.push_back({"actions",
                 {{"id", "Action", T::kText},
                  {"axis", "Axe", T::kText},
                  {"title", "Intitulé", T::kText},
                  {"owner", "Pilote", T::kText},
                  {"planned_start", "Début prévu", T::kDate},
                  {"planned_due", "Échéance prévue", T::kDate},
                  {"start", "Début", T::kDate},
                  {"due", "Échéance", T::kDate},
                  {"completed_on", "Achevée le", T::kDate},
                  {"budget_eur", "Budget (€)", T::kNumber},
                  {"spent_eur", "Dépensé (€)", T::kNumber},
                  {"fte", "ETP", T::kNumber},
                  {"progress", "Avancement", T::kPercent},
                  {"status", "Statut", T::kText, "action_status"},
                  {"reschedules", "Replanifications", T::kInteger},
                  {"reschedule_reasons", "Motifs", T::kText}},
                 d["actions"].get<std::vector<Json>>()});
  std::vector<Json> reviews;
  for (const Json& r : d["reviews"]["due_dates"])
    reviews.push_back({{"kind", "due"}, {"date", r["date"]}, {"position", r["position"]}});
  for (const Json& r : d["reviews"]["held_reviews"]) {
    reviews.push_back({{"kind", "held"},
                       {"number", r["number"]},
                       {"date", r["date"]},
                       {"conclusions", r.value("conclusions", Json())},
                       {"decision", DecisionsText(r.value("decisions", Json()))},
                       {"position", r["position"]}});
  }
  const Json& rev = d["revision"];
  if (rev.contains("opened")) {
    reviews.push_back(
        {{"kind", "revision_opened"},
         {"date", rev["opened"]},
         {"conclusions", rev.contains("modalities")
                             ? Json(rev.value("scope", "") + " — " + rev.value("modalities", ""))
                             : Json()},
         {"position", rev["opened_position"]}});
  }
  if (rev.contains("closed")) {
    reviews.push_back({{"kind", "revision_closed"},
                       {"date", rev["closed"]},
                       {"decision", rev["decision"]},
                       {"position", rev["closed_position"]}});
  }
  out.push_back({"revues",
                 {{"kind", "Nature", T::kText, "review_kind"},
                  {"number", "Numéro", T::kInteger},
                  {"date", "Date", T::kDate},
                  {"conclusions", "Conclusions", T::kText},
                  {"decision", "Décision", T::kText},
                  {"position", "Position", T::kInteger}},
                 reviews});
  out.push_back({"relances",
                 {{"rule", "Règle", T::kText, "reminder_rule"},
                  {"issued", "Émises", T::kInteger},
                  {"acknowledged", "Prises en compte", T::kInteger},
                  {"escalated", "Escaladées", T::kInteger},
                  {"repeated", "Renouvelées", T::kInteger},
                  {"resolved", "Closes", T::kInteger}},
                 d["reminders"].get<std::vector<Json>>()});
  out.push_back({"evenements",
                 {{"year", "Année", T::kInteger},
                  {"type", "Événement", T::kText, "event"},
                  {"count", "Nombre", T::kInteger}},
                 d["changes"].get<std::vector<Json>>()});
  for (Table& t : out) {
    for (const Column& c : t.columns) {
      if (c.labels.empty()) continue;
      for (Json& row : t.rows) {
        auto it = row.find(c.key);
        if (it == row.end()) continue;
        if (it->is_string()) *it = fr::Label(c.labels, it->get<std::string>());
        if (it->is_boolean()) *it = fr::Label(c.labels, it->get<bool>() ? "true" : "false");
      }
    }
  }
  return out;
}

}  // namespace jalon::jobs
