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
        {"users", "Caractéristiques des usagers"},
        {"resources", "Ressources"},
        {"reception", "Modalités d'accueil"},
        {"partnerships", "Partenariats"},
        {"services", "Les prestations de service"},
        {"participation", "Participation et consultation des usagers"},
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
