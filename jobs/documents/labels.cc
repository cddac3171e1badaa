#include "jobs/documents/labels.h"

#include <cmath>
#include <cstdio>

#include "engine/util/french_date.h"

namespace jalon::jobs::fr {

const nlohmann::json& Labels() {
  static const nlohmann::json kLabels = {
      {"value",
       {{"listening", "Écoute"},
        {"kindness", "Bienveillance"},
        {"support", "Accompagnement"},
        {"reactivity", "Réactivité"},
        {"proximity", "Proximité"},
        {"adaptability", "Adaptabilité"}}},
      {"ambition",
       {{"user_relationship", "Moderniser la relation à l'utilisateur"},
        {"efficiency", "Rechercher l'efficacité"},
        {"social_innovation", "Mettre l'innovation sociale au cœur des pratiques"},
        {"ways_of_working", "Moderniser les manières de faire"}}},
      {"action_status",
       {{"done", "Terminée"},
        {"cancelled", "Annulée"},
        {"not_started", "Pas commencée"},
        {"late", "En retard"},
        {"on_track", "Dans les temps"},
        {"at_risk", "À risque"},
        {"planned", "Prévue"},
        {"started", "Engagée"}}},
      {"trajectory",
       {{"on_track", "Sur la trajectoire"},
        {"off_track", "Hors trajectoire"},
        {"not_measured", "Jamais mesuré"},
        {"retired", "Retiré"}}},
      {"closing_status",
       {{"achieved", "Atteint"},
        {"partial", "Partiellement atteint"},
        {"missed", "Non atteint"},
        {"not_measured", "Non mesuré"},
        {"retired", "Retiré"}}},
      {"quadrant",
       {{"internal_strength", "Atouts internes"},
        {"internal_weakness", "Faiblesses internes"},
        {"external_strength", "Atouts externes"},
        {"external_weakness", "Faiblesses externes"}}},
      {"section",
       {{"presentation", "Présentation générale"},
        {"legal", "Environnement juridique"},
        {"history", "Historique de la direction"},
        {"local", "Environnement local"},
        {"identity", "Fiche d'identité de la direction"},
        {"users", "Caractéristiques des usagers de la direction"},
        {"resources", "Ressources"},
        {"reception", "Modalités d'accueil"},
        {"partnerships", "Partenariats"},
        {"services", "Les prestations de service"},
        {"participation", "La participation et la consultation des usagers"},
        {"prospective_needs", "Prospective des besoins de la population"},
        {"prospective_impacts", "Impacts prévisibles de l'évolution de l'environnement"},
        {"strategies", "Stratégies d'adaptation"}}},
      {"reminder_rule",
       {{"indicator_stale", "Indicateur sans mesure récente"},
        {"action_overdue", "Action en retard"},
        {"review_not_held", "Revue semestrielle non tenue"},
        {"revision_open", "Révision à mi-parcours toujours ouverte"}}},
      {"reminder_state",
       {{"open", "Ouverte"}, {"acknowledged", "Prise en compte"}, {"resolved", "Résolue"}}},
      {"entity",
       {{"direction", "Direction"},
        {"plan", "Plan"},
        {"section", "Section"},
        {"swot", "Atout ou faiblesse"},
        {"mission", "Mission"},
        {"axis", "Axe de progrès"},
        {"scenario", "Scénario"},
        {"action", "Action"},
        {"indicator", "Indicateur"},
        {"review", "Revue"},
        {"revision", "Révision"},
        {"evaluation", "Évaluation"},
        {"identity", "Fiche d'identité"},
        {"occurrence", "Échéance"},
        {"reminder", "Relance"}}},
      {"reminder_level",
       {{"0", "contact de la direction"},
        {"1", "directeur ou directrice"},
        {"2", "service de pilotage"}}},
      {"occurrence_state",
       {{"fired", "Déclenchée"}, {"skipped", "Sautée"}, {"pending", "À venir"}}},
      {"event",
       {{"DirectionRegistered", "Direction enregistrée"},
        {"PlanOpened", "Projet ouvert"},
        {"CycleOpened", "Cycle suivant ouvert"},
        {"SectionEdited", "Section rédigée"},
        {"SwotItemAdded", "Atout ou faiblesse ajouté"},
        {"SwotItemRemoved", "Atout ou faiblesse retiré"},
        {"MissionDefined", "Mission définie"},
        {"MissionEdited", "Mission modifiée"},
        {"MissionRetired", "Mission retirée"},
        {"MissionAssessed", "Mission interrogée (valeurs et ambitions)"},
        {"AxisProposed", "Axe proposé"},
        {"AxisValidated", "Axe validé"},
        {"AxisEdited", "Axe modifié"},
        {"AxisDropped", "Axe abandonné"},
        {"ScenarioProposed", "Scénario proposé"},
        {"ScenarioRetained", "Scénario retenu"},
        {"ActionPlanned", "Action planifiée"},
        {"ActionEdited", "Action modifiée"},
        {"ProgressReported", "Avancement déclaré"},
        {"ActionRescheduled", "Action replanifiée"},
        {"ActionCompleted", "Action terminée"},
        {"ActionCancelled", "Action annulée"},
        {"IndicatorDefined", "Indicateur défini"},
        {"TargetChanged", "Cible modifiée"},
        {"IndicatorRetired", "Indicateur retiré"},
        {"MeasurementRecorded", "Mesure enregistrée"},
        {"MeasurementCorrected", "Mesure corrigée"},
        {"ReviewHeld", "Revue tenue"},
        {"SpendingRecorded", "Dépense enregistrée"},
        {"RevisionModalitiesSet", "Modalités de la révision fixées"},
        {"RevisionClosed", "Révision close"},
        {"ReminderAcknowledged", "Relance prise en compte"},
        {"OccurrenceFired", "Échéance déclenchée"},
        {"OccurrenceSkipped", "Échéance sautée"},
        {"ReviewDue", "Revue attendue"},
        {"RevisionOpened", "Révision ouverte"},
        {"EvaluationOpened", "Évaluation ouverte"},
        {"ReminderIssued", "Relance émise"},
        {"ReminderEscalated", "Relance transmise à l'échelon supérieur"},
        {"ReminderResolved", "Relance close"},
        {"DeliveryAttempted", "Envoi tenté"},
        {"ReminderDelivered", "Relance remise"},
        {"DeliveryFailed", "Échec d'envoi"}}},
      {"polarity",
       {{"increase", "À la hausse"},
        {"decrease", "À la baisse"},
        {"maintain_above", "Maintenir au-dessus"},
        {"maintain_below", "Maintenir au-dessous"}}},
      {"indicator_kind",
       {{"output", "Réalisation"}, {"progress", "Avancement"}, {"evaluation", "Évaluation"}}},
      {"review_kind",
       {{"due", "Revue attendue"},
        {"held", "Revue tenue"},
        {"revision_opened", "Révision ouverte"},
        {"revision_closed", "Révision close"}}},
      // A yes/no cell of a table (JSON true and false).
      {"yes_no", {{"true", "oui"}, {"false", "non"}}},
      // The fields of the plan's entities, as a change lists them.
      {"field",
       {{"title", "Intitulé"},
        {"name", "Libellé"},
        {"text", "Texte"},
        {"description", "Description"},
        {"rationale", "Justification"},
        {"axis", "Axe"},
        {"axes", "Axes"},
        {"missions", "Missions"},
        {"owner", "Pilote"},
        {"start", "Début"},
        {"due", "Échéance"},
        {"budget_eur", "Budget (€)"},
        {"fte", "ETP"},
        {"status", "Statut"},
        {"completed", "Achèvement"},
        {"cancelled", "Annulation"},
        {"reschedules", "Replanifications"},
        {"progress", "Avancement"},
        {"percent", "Pourcentage"},
        {"note", "Note"},
        {"spending", "Dépenses"},
        {"amount_eur", "Montant (€)"},
        {"attached_to", "Rattachement"},
        {"kind", "Nature"},
        {"unit", "Unité"},
        {"polarity", "Sens attendu"},
        {"baseline", "Référence"},
        {"target", "Cible"},
        {"target_changes", "Changements de cible"},
        {"frequency", "Fréquence"},
        {"source", "Source"},
        {"measurements", "Mesures"},
        {"value", "Valeur"},
        {"date", "Date"},
        {"reason", "Motif"},
        {"retired", "Retrait"},
        {"dropped", "Abandon"},
        {"validation", "Validation"},
        {"orientation", "Orientation politique"},
        {"by", "Par"},
        {"means", "Moyens"},
        {"new_projects_eur", "Coût des nouveaux projets (€)"},
        {"retained", "Retenu"},
        {"quadrant", "Nature"},
        {"evidence", "Élément de preuve"},
        {"values", "Valeurs"},
        {"ambitions", "Ambitions"},
        {"site", "Site"},
        {"agents", "Agents"},
        {"activity_volume", "Volume d'activité"},
        {"period_start", "Début de la période"},
        {"period_end", "Fin de la période"},
        {"dated", "Date du projet"},
        {"participants", "Participants"},
        {"conclusions", "Conclusions"},
        {"decisions", "Décisions"},
        {"expected", "Attendu"},
        {"state", "État"},
        {"level", "Échelon"},
        {"notices", "Avis"},
        {"delivered", "Avis remis"},
        {"attempts", "Tentatives"},
        {"planned", "Prévu"},
        {"budget_changes", "Changements de moyens"},
        {"label", "Libellé"}}},
      {"schedule",
       {{"review", "Revue semestrielle"},
        {"revision", "Révision à mi-parcours"},
        {"evaluation", "Évaluation finale"}}},
  };
  return kLabels;
}

std::string Label(const std::string& group, const std::string& code) {
  const auto& labels = Labels();
  auto g = labels.find(group);
  if (g == labels.end()) return code;
  auto it = g->find(code);
  return it == g->end() ? code : it->get<std::string>();
}

std::string FieldName(const std::string& pointer) {
  std::string out;
  size_t at = pointer.empty() || pointer[0] != '/' ? 0 : 1;
  while (at <= pointer.size()) {
    size_t end = pointer.find('/', at);
    if (end == std::string::npos) end = pointer.size();
    const std::string part = pointer.substr(at, end - at);
    at = end + 1;
    // A list index says which item, and the item's own fields say it better.
    if (part.empty() || part.find_first_not_of("0123456789") == std::string::npos) continue;
    const std::string word = Label("field", part);
    out += (out.empty() ? "" : " › ") +
           (word == part ? Label("value", Label("ambition", part)) : word);
  }
  return out.empty() ? pointer : out;
}

std::string DateText(const std::string& text) {
  if (text.size() == 10) return LongDate(text);
  // An instant ("2017-07-24T08:05:00Z", or with its microseconds): its day
  // and its time in UTC, as the log records it; midnight is a business date
  // (an event's effective date), its day alone.
  if (text.size() >= 20 && text[10] == 'T' && text.back() == 'Z' &&
      FrenchDate(text.substr(0, 10)) != text.substr(0, 10)) {
    const std::string time = text.substr(11, text.size() - 12);
    if (time.find_first_not_of("0:.") == std::string::npos) return LongDate(text.substr(0, 10));
    return LongDate(text.substr(0, 10)) + " à " + text.substr(11, 2) + " h " + text.substr(14, 2) +
           " (UTC)";
  }
  return FrenchDatesInText(text);
}

std::string LongDate(const std::string& iso_date) {
  // A date or the date part of an instant ("2017-07-24T08:00:00Z").
  if (iso_date.size() < 10) return iso_date;
  const std::string words = FrenchDate(std::string_view(iso_date).substr(0, 10));
  return words.size() == 10 && words == iso_date.substr(0, 10) ? iso_date : words;
}

std::string Number(const nlohmann::json& value) {
  if (!value.is_number()) return "—";
  const double x = value.get<double>();
  char buf[64];
  if (std::floor(x) == x && std::fabs(x) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", x);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f", x);
  }
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  for (char& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}

std::string Percent(const nlohmann::json& value) {
  if (!value.is_number()) return "—";
  return Number(value) + "\u00a0%";
}

}  // namespace jalon::jobs::fr
