#include "engine/plan/refusal_fr.h"

#include <regex>
#include <utility>
#include <vector>

#include "engine/util/french_date.h"

namespace jalon {
namespace {

struct Wording {
  std::regex english;
  const char* french;  // $1, $2: the English's groups
};

// The rules' wordings (command_fields.cc, command_dates.cc, command_checks.cc,
// command_rules_*.cc), the more specific first. A group is a value the
// person typed or an id of the plan, quoted back as it was.
const std::vector<Wording>& Wordings() {
  static const auto* table = [] {
    const std::pair<const char*, const char*> rows[] = {
        {"is required", "ce champ est obligatoire"},
        {"must be a string", "doit être un texte"},
        {"must be an array", "doit être une liste"},
        {"must be an object", "doit être un objet"},
        {"must not be empty", "ne doit pas être vide"},
        {"must be a non-empty string", "ne doit pas être vide"},
        {"longer than 4096 bytes", "texte trop long (4 096 caractères au plus)"},
        {"longer than 256 KiB", "texte trop long (256 000 caractères au plus)"},
        {"more than 1000 items", "liste trop longue (1 000 éléments au plus)"},
        {"listed twice", "cité deux fois"},
        {"must be a percentage from 0 to 100", "doit être un pourcentage entre 0 et 100"},
        {"must be an integer from 0 to (\\d+)", "doit être un nombre entier entre 0 et $1"},
        {"must be an integer score from 0 to 3", "doit être une note entière de 0 à 3"},
        {"must be an object of scores 0-3", "doit donner des notes de 0 à 3"},
        {"must be an object \\{value, date\\}", "doit indiquer une valeur et une date"},
        {"must be one of the city's political orientations: (.*)",
         "doit être l'une des orientations politiques de la ville : $1"},
        {"must be one of (.*)", "doit être l'une des valeurs suivantes : $1"},
        {"must be true or false", "doit valoir vrai ou faux"},
        {"not an id .*",
         "identifiant invalide : de 1 à 64 lettres, chiffres, points, tirets ou soulignés"},
        {"not a direction code .*",
         "code de direction invalide : de 1 à 16 majuscules, chiffres, tirets ou soulignés, "
         "commençant par une lettre"},
        {"required: rely on facts, not intuitions.*",
         "obligatoire : s'appuyer sur des faits et non sur des intuitions (une source et une "
         "date)"},
        {"must name the fact the item rests on", "doit nommer le fait sur lequel repose l'élément"},
        {"must be \"plan\", \"axis:ID\" or \"action:ID\"",
         "doit être « plan », « axis:ID » ou « action:ID »"},
        {"not a date \\(expected a string YYYY-MM-DD\\)",
         "n'est pas une date (format attendu : AAAA-MM-JJ)"},
        {"not a date", "n'est pas une date"},
        {"not a date \\(expected YYYY-MM-DD\\)",
         "n'est pas une date (format attendu : AAAA-MM-JJ)"},
        {"not a date: no such day in the calendar",
         "n'est pas une date : ce jour n'existe pas dans le calendrier"},
        {"(\\S+) is not a plausible date \\(years (\\d+) to (\\d+)\\)",
         "« $1 » n'est pas une date plausible (années $2 à $3)"},
        {"not a plausible date \\(years (\\d+) to (\\d+)\\)",
         "n'est pas une date plausible (années $1 à $2)"},
        {"must be a number \\(.*\\)", "doit être un nombre"},
        {"must be a finite number \\(.*\\)", "doit être un nombre"},
        {"(\\S+) is out of bounds \\(.*\\)", "$1 est hors des limites admises"},
        {"start \\((\\S+)\\) is after due \\((\\S+)\\)",
         "le début ($1) est postérieur à l'échéance ($2)"},
        {"(\\S+) is after today \\((\\S+)\\).*", "$1 est postérieur à aujourd'hui ($2)"},
        {"(\\S+) is outside the plan's period (\\S+) to (\\S+)",
         "$1 est en dehors de la période du projet (du $2 au $3)"},
        {"(\\S+) is too far from the plan's period (\\S+) to (\\S+).*",
         "$1 est trop éloigné de la période du projet (du $2 au $3)"},
        {"(\\S+) is before the baseline's date \\((\\S+)\\)",
         "$1 est antérieur à la date de la valeur de référence ($2)"},
        {"not a year \\(YYYY\\)", "n'est pas une année (format attendu : AAAA)"},
        {"year (\\d+) is outside the plan's period (\\d+) to (\\d+)",
         "l'année $1 est en dehors de la période du projet ($2 à $3)"},
        {"must be after period_start", "doit être postérieure au début de la période"},
        {"(\\S+) is before the last reschedule \\((\\S+)\\).*",
         "$1 est antérieur à la dernière replanification ($2) : les changements s'enregistrent "
         "dans l'ordre des dates"},
        {"(\\S+) is before the last budget change \\((\\S+)\\).*",
         "$1 est antérieur au dernier changement de budget ($2) : les changements s'enregistrent "
         "dans l'ordre des dates"},
        {"(\\S+) is before the last target change \\((\\S+)\\).*",
         "$1 est antérieur au dernier changement de cible ($2) : les changements s'enregistrent "
         "dans l'ordre des dates"},
        {"(\\S+) is before the last (.*) \\((\\S+)\\).*",
         "$1 est antérieur au dernier changement du même genre ($3) : les changements "
         "s'enregistrent dans l'ordre des dates"},
        {"(\\S+) is below the baseline \\((\\S+)\\) of an increasing indicator",
         "$1 est inférieur à la valeur de référence ($2) d'un indicateur à la hausse"},
        {"(\\S+) is before the action's start \\((\\S+)\\)",
         "$1 est antérieur au début de l'action ($2)"},
        {"an axis dropped at every date has no date",
         "un axe abandonné à toutes les dates n'a pas de date d'abandon"},
        {"must be true \\(or left out\\)", "doit valoir vrai, ou être omis"},
        {"a plan's period lasts at most (\\d+) years",
         "la période d'un projet dure au plus $1 ans"},
        {"no action '(.*)' in this plan", "aucune action « $1 » dans ce projet"},
        {"no indicator '(.*)' in this plan", "aucun indicateur « $1 » dans ce projet"},
        {"no mission '(.*)' in this plan", "aucune mission « $1 » dans ce projet"},
        {"no axis '(.*)' in this plan", "aucun axe « $1 » dans ce projet"},
        {"no scenario '(.*)' in this plan", "aucun scénario « $1 » dans ce projet"},
        {"no SWOT item '(.*)' in this plan",
         "aucun atout ni aucune faiblesse « $1 » dans ce projet"},
        {"axis '(.*)' was dropped", "l'axe « $1 » a été abandonné"},
        {"its axis '(.*)' was dropped: no more progress reports",
         "son axe « $1 » a été abandonné : l'avancement ne se déclare plus"},
        {"action '(.*)' is done: its completion stands for its progress \\(100%\\)",
         "l'action « $1 » est terminée : son achèvement vaut 100 % d'avancement"},
        {"action '(.*)' is done: its dates are history and no longer move",
         "l'action « $1 » est terminée : ses dates ne bougent plus"},
        {"action '(.*)' is done: .*", "l'action « $1 » est terminée"},
        {"action '(.*)' was cancelled: it has left the plan and is no longer edited",
         "l'action « $1 » a été annulée : elle a quitté le projet et ne se modifie plus"},
        {"action '(.*)' was cancelled: it no longer counts in the gauges",
         "l'action « $1 » a été annulée : elle ne compte plus dans les jauges"},
        {"action '(.*)' was cancelled: its dates are history and no longer move",
         "l'action « $1 » a été annulée : ses dates ne bougent plus"},
        {"action '(.*)' was cancelled: .*", "l'action « $1 » a été annulée"},
        {"action '(.*)' belongs to axis '(.*)', which was dropped.*",
         "l'action « $1 » relève de l'axe « $2 », qui a été abandonné"},
        {"the action is already done", "l'action est déjà terminée"},
        {"the action is already cancelled", "l'action est déjà annulée"},
        {"the action was cancelled", "l'action a été annulée"},
        {"the action is (\\S+).*", "l'action est déjà close"},
        {"already retired", "déjà retiré"},
        {"(.*) '(.*)' already exists", "l'identifiant « $2 » est déjà pris"},
        {"a measurement for (\\S+) already exists.*",
         "une mesure existe déjà au $1 : corrigez-la plutôt"},
        {"no measurement dated (\\S+) to correct", "aucune mesure datée du $1 à corriger"},
        {"a spending is not 0", "une dépense n'est pas nulle"},
        {"beyond 100 billion euros either way",
         "au-delà de 100 milliards d'euros, en plus ou en moins"},
        {"a correction \\(a negative amount\\) gives its reason",
         "une correction (montant négatif) indique son motif"},
        {"the action was cancelled on (\\S+): nothing is spent on it after that",
         "l'action a été annulée le $1 : aucune dépense après cette date"},
        {"the total spent on the action would fall below 0",
         "le total dépensé sur l'action deviendrait négatif"},
        {"must be a text or a list of \\{text, concerns\\}",
         "doit être un texte ou une liste de décisions"},
        {"must be an object \\{text, concerns\\}",
         "doit être une décision (texte et éléments concernés)"},
        {"must be \"action/ID\" or \"indicator/ID\"", "doit désigner une action ou un indicateur"},
        {"no action '(.*)' in this plan", "l'action « $1 » n'existe pas dans ce projet"},
        {"no indicator '(.*)' in this plan", "l'indicateur « $1 » n'existe pas dans ce projet"},
        {"a review has at least one participant", "une revue compte au moins un participant"},
        {"a scenario orders at least one axis", "un scénario ordonne au moins un axe"},
        {"scenario '(.*)' orders axis '(.*)', which was dropped",
         "le scénario « $1 » ordonne l'axe « $2 », qui a été abandonné"},
        {"no mid-term revision is open for this plan",
         "aucune révision à mi-parcours n'est ouverte pour ce projet"},
        {"the mid-term revision is already closed", "la révision à mi-parcours est déjà close"},
        {"already acknowledged", "cette relance a déjà été prise en compte"},
        {"already resolved: the data arrived",
         "cette relance est déjà résolue : l'élément attendu a été saisi"},
        {"no such reminder for this plan", "aucune relance de ce nom pour ce projet"},
        {"the next cycle begins after the current plan's period, which ends on (\\S+)",
         "le cycle suivant commence après la période du projet en cours, qui s'achève le $1"},
        {"the next cycle is opened once the current plan's final year, its evaluation, has begun "
         "\\((\\S+)\\)",
         "le cycle suivant s'ouvre une fois commencée la dernière année du projet en cours, "
         "consacrée à son évaluation (le $1)"},
        {"mission '(.*)' was retired: it is not carried over",
         "la mission « $1 » a été retirée : elle n'est pas reprise"},
        {"'(.*)' is not an unfinished action of the previous cycle",
         "« $1 » n'est pas une action inachevée du cycle précédent"},
        {"action '(.*)' is already carried over by action '(.*)'",
         "l'action « $1 » est déjà reprise par l'action « $2 »"},
        {"(.*) '(.*)' was used in an earlier cycle of this plan; choose another id",
         "l'identifiant « $2 » a servi dans un cycle précédent de ce projet : choisissez-en un "
         "autre"},
        {"a plan is already open for this direction",
         "un projet est déjà ouvert pour cette direction"},
        {"the direction has no open plan.*", "la direction n'a pas encore de projet ouvert"},
        {"no such direction.*", "direction inconnue"},
        {"direction '(.*)' is already registered", "la direction « $1 » existe déjà"},
        {"nothing to change: give at least one of (.*)",
         "rien à modifier : renseignez au moins l'un des champs $1"},
        {"unknown field.*", "champ inconnu"},
        {"unknown key.*", "clé inconnue"},
        {"site, agents and activity_volume belong to the identity section",
         "le site, les effectifs et le volume d'activité relèvent de la fiche d'identité"},
        {"unknown command type '(.*)'", "type de saisie inconnu « $1 »"},
        {"must be an integer >= 0", "doit être un nombre entier positif ou nul"},
        {"must be a string of 1 to 128 bytes", "doit être un texte de 1 à 128 caractères"},
    };
    auto* out = new std::vector<Wording>;
    for (const auto& [english, french] : rows) {
      out->push_back({std::regex(english, std::regex::ECMAScript | std::regex::optimize), french});
    }
    return out;
  }();
  return *table;
}

const Wording* Find(std::string_view rule,
                    std::match_results<std::string_view::const_iterator>* m) {
  for (const Wording& w : Wordings()) {
    if (std::regex_match(rule.begin(), rule.end(), *m, w.english)) return &w;
  }
  return nullptr;
}

}  // namespace

std::string FrenchRefusal(std::string_view rule) {
  std::match_results<std::string_view::const_iterator> m;
  const Wording* w = Find(rule, &m);
  if (w == nullptr) return "valeur refusée (" + std::string(rule) + ")";
  return FrenchDatesInText(m.format(w->french));
}

bool HasFrenchRefusal(std::string_view rule) {
  std::match_results<std::string_view::const_iterator> m;
  return Find(rule, &m) != nullptr;
}

}  // namespace jalon
