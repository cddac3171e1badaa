// The newcomer brief (documents.h).
#include <algorithm>
#include <map>

#include "engine/plan/rollup.h"
#include "jobs/cycle/cycle.h"
#include "jobs/documents/document_parts.h"
#include "jobs/documents/documents.h"
#include "jobs/documents/labels.h"

namespace jalon::jobs {

using namespace document_parts;

namespace {

// Mean score (0-3) of each value and ambition over the plan's missions.
Json MeanScores(const PlanState& state, const char* group) {
  std::map<std::string, std::pair<double, int>> sums;
  for (const auto& [id, m] : state.missions.items()) {
    if (!m.contains(group)) continue;
    for (const auto& [k, v] : m[group].items()) {
      sums[k].first += v.get<double>();
      sums[k].second += 1;
    }
  }
  Json out = Json::array();
  for (const auto& [k, sum] : sums) {
    out.push_back({{"code", k},
                   {"label", fr::Label(group == std::string("values") ? "value" : "ambition", k)},
                   {"mean", Round2(sum.first / sum.second)}});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Json& a, const Json& b) { return a["mean"] > b["mean"]; });
  return out;
}

// The state of play's headings and the prospective reflection's, in the
// methodology sheet's order (their words are the "section" labels).
constexpr const char* kStateOfPlay[] = {"presentation", "legal",    "history",      "local",
                                        "identity",     "users",    "resources",    "reception",
                                        "partnerships", "services", "participation"};
constexpr const char* kProspective[] = {"prospective_needs", "prospective_impacts", "strategies"};
constexpr const char* kQuadrants[] = {"internal_strength", "internal_weakness", "external_strength",
                                      "external_weakness"};

// The retained scenario with its means beside what the plan's actions take,
// year by year as the web UI's means table shows them: the FTE of the
// actions running that year, and the sum of the actions' budgets. Null when
// no scenario is retained.
Json RetainedScenario(const PlanState& state) {
  Json retained;
  for (const auto& [id, sc] : state.scenarios.items()) {
    if (sc.value("retained", false)) retained = sc;
  }
  if (retained.is_null()) return retained;
  Json axes = Json::array();
  for (const Json& a : retained.value("axes", Json::array())) {
    const std::string id = a.get<std::string>();
    const std::optional<Json> axis = state.axes.Find(id);
    axes.push_back({{"id", id}, {"title", axis ? axis->value("title", "") : std::string()}});
  }
  const Json means = retained.value("means", Json::object());
  const Json plan = state.plan.is_object() ? state.plan : Json::object();
  const std::string start = plan.value("period_start", ""), end = plan.value("period_end", "");
  Json years = Json::array();
  double planned = means.value("new_projects_eur", 0.0);
  if (means.contains("budget_eur")) {
    for (const auto& [year, v] : means["budget_eur"].items()) planned += v.get<double>();
  }
  double actions_budget = 0;
  std::vector<Json> live;
  for (const auto& [id, a] : state.actions.items()) {
    if (a.value("status", "") == "cancelled") continue;
    actions_budget += a.value("budget_eur", 0.0);
    live.push_back(a);
  }
  if (start.size() >= 4 && end.size() >= 4) {
    for (int y = std::stoi(start.substr(0, 4)); y <= std::stoi(end.substr(0, 4)); ++y) {
      const std::string year = std::to_string(y);
      double fte = 0;
      for (const Json& a : live) {
        if (a.value("start", "") <= year + "-12-31" && a.value("due", "") >= year + "-01-01")
          fte += a.value("fte", 0.0);
      }
      auto part = [&](const char* key) {
        return means.contains(key) && means[key].contains(year) ? means[key][year] : Json();
      };
      years.push_back({{"year", year},
                       {"fte", part("fte")},
                       {"actions_fte", Round2(fte)},
                       {"budget_eur", part("budget_eur")}});
    }
  }
  return {
      {"id", retained.value("id", "")},
      {"title", retained.value("title", "")},
      {"axes", std::move(axes)},
      {"means", means},
      {"years", std::move(years)},
      {"new_projects_eur", means.contains("new_projects_eur") ? means["new_projects_eur"] : Json()},
      {"total_eur", means.contains("budget_eur") || means.contains("new_projects_eur")
                        ? Json(Round2(planned))
                        : Json()},
      {"actions_budget_eur", Round2(actions_budget)}};
}

// A state-of-play or prospective heading's text, under its label.
void SectionBlock(Document& doc, const Json& d, const char* key) {
  const Json& sections = d["sections"];
  const bool written = sections.contains(key) && sections[key].is_string() &&
                       !sections[key].get<std::string>().empty();
  const Json& id = d.contains("identity") ? d["identity"] : Json::object();
  const bool card = std::string(key) == "identity" && !id.empty();
  if (!written && !card) return;
  doc.Heading(3, fr::Label("section", key));
  if (card) {
    doc.Field("Site", id.contains("site") ? ValueText(id["site"]) : "—");
    doc.Field("Agents", id.contains("agents") ? ValueText(id["agents"]) : "—");
    doc.Field("Volume d'activité",
              id.contains("activity_volume") ? ValueText(id["activity_volume"]) : "—");
  }
  if (written) doc.Text(sections[key].get<std::string>());
}

// Whether any of `keys` has something written (or, for the identity card,
// filled in).
template <size_t N>
bool AnyWritten(const Json& d, const char* const (&keys)[N]) {
  for (const char* key : keys) {
    const Json& sections = d["sections"];
    if (sections.contains(key) && sections[key].is_string() &&
        !sections[key].get<std::string>().empty())
      return true;
    if (std::string(key) == "identity" && d.contains("identity") && !d["identity"].empty())
      return true;
  }
  return false;
}

}  // namespace

Result<Json> BriefData(const PlanService& service, const std::string& code, const BriefPoint& at,
                       const CycleOptions& cycle) {
  auto checked = CheckedState(service, code);
  if (!checked.ok()) return checked.status();
  if ((at.as_of ? 1 : 0) + (at.position ? 1 : 0) + (at.cycle != 0 ? 1 : 0) > 1)
    return Status::InvalidArgument("give at most one of as_of, position, cycle");
  if (at.position && *at.position == 0)
    return Status::InvalidArgument("position: log positions start at 1");
  Result<PlanState> state_or = *checked;
  if (at.as_of || at.position) {
    TimeQuery when;
    when.as_of = at.as_of;
    when.position = at.position;
    state_or = service.State(code, when);
  } else if (at.cycle != 0) {
    state_or = CycleState(service, code, *checked, at.cycle);
  }
  if (!state_or.ok()) return state_or.status();
  const PlanState& state = *state_or;
  if (!state.plan_open()) {
    return Status::NotFound("direction '" + code + "' had no plan yet at that " +
                            (at.position ? "position" : "date"));
  }
  // A plan read at a cycle or a position is measured as its Direction page
  // measures it: at the end of its period once that has passed.
  Instant when = std::chrono::floor<std::chrono::days>(at.as_of.value_or(Today(service)));
  if (at.position || at.cycle != 0) {
    if (auto end = ParseDate(state.plan.value("period_end", "")); end.ok())
      when = std::min(when, *end);
  }
  const int32_t today = DayOf(when);
  const Json dash = Dashboard(state, when, service.rollup());

  Json sections = state.sections.is_object() ? state.sections : Json::object();
  Json swot = Json::array();
  for (const char* quadrant : kQuadrants) {
    for (const auto& [id, item] : state.swot.items()) {
      if (item.value("quadrant", "") == quadrant) swot.push_back(item);
    }
  }
  Json missions = Json::array();
  for (const auto& [id, m] : state.missions.items()) {
    const Mission mission = DecodeMission(id, m);
    if (mission.RetiredOn(today)) continue;
    Json strong = Json::array();
    for (const char* group : {"values", "ambitions"}) {
      if (!m.contains(group)) continue;
      for (const auto& [k, v] : m[group].items()) {
        if (v.get<int>() >= 3)
          strong.push_back(fr::Label(group == std::string("values") ? "value" : "ambition", k));
      }
    }
    missions.push_back({{"id", id},
                        {"title", mission.title},
                        {"description", mission.description},
                        {"strongest", std::move(strong)}});
  }
  // Key actions: per axis, the three with the largest budget (then the
  // earliest due), cancelled ones left out.
  Json axes = Json::array();
  for (const Json& axis : dash["axes"]) {
    if (axis["dropped"].get<bool>()) continue;
    std::vector<Json> list;
    for (const Json& a : axis["actions"]) {
      if (a["status"] != "cancelled") list.push_back(a);
    }
    std::stable_sort(list.begin(), list.end(), [](const Json& a, const Json& b) {
      if (a["budget_eur"] != b["budget_eur"]) return a["budget_eur"] > b["budget_eur"];
      return a["due"] < b["due"];
    });
    if (list.size() > 3) list.resize(3);
    const std::optional<Json> full = state.axes.Find(axis["id"].get<std::string>());
    axes.push_back({{"id", axis["id"]},
                    {"title", axis["title"]},
                    {"orientation", full && full->contains("validation")
                                        ? (*full)["validation"].value("orientation", "")
                                        : std::string()},
                    {"execution", axis["execution"]},
                    {"performance", axis["performance"]},
                    {"key_actions", list}});
  }
  Json indicators = Json::array();
  for (const Json& ind : dash["indicators"]) {
    if (ind["counted"].get<bool>()) indicators.push_back(ind);  // those in the plan that day
  }
  // Next dates: the cycle's next occurrences, then the next action deadlines.
  Json next = Json::array();
  for (const Occurrence& o : CycleOccurrences(state.plan, cycle)) {
    if (o.date.due < today) continue;
    if (next.size() >= 4) break;
    next.push_back({{"date", DateOfDay(o.date.due)}, {"what", o.Label()}});
  }
  std::vector<Json> deadlines;
  for (const Json& axis : dash["axes"]) {
    for (const Json& a : axis["actions"]) {
      const std::string due = a.value("due", "");
      const std::string status = a["status"];
      if (due.size() == 10 && DayOf(due) >= today && status != "done" && status != "cancelled")
        deadlines.push_back({{"date", due},
                             {"what", "Échéance de l'action " + a["id"].get<std::string>() + " : " +
                                          a["title"].get<std::string>()}});
    }
  }
  std::stable_sort(deadlines.begin(), deadlines.end(),
                   [](const Json& a, const Json& b) { return a["date"] < b["date"]; });
  for (size_t i = 0; i < deadlines.size() && i < 3; ++i) next.push_back(deadlines[i]);
  std::stable_sort(next.begin(), next.end(),
                   [](const Json& a, const Json& b) { return a["date"] < b["date"]; });

  return Json{{"format", "jalon.brief/1"},
              {"direction", state.direction},
              {"plan", PlanHeader(state)},
              {"cycle", CycleJson(state, *checked)},
              {"as_of", DateOfDay(today)},
              {"position", state.last_position},
              {"sections", std::move(sections)},
              {"identity", state.identity.is_object() ? state.identity : Json::object()},
              {"swot", std::move(swot)},
              {"scenario", RetainedScenario(state)},
              {"missions", std::move(missions)},
              {"values", MeanScores(state, "values")},
              {"ambitions", MeanScores(state, "ambitions")},
              {"axes", std::move(axes)},
              {"indicators", std::move(indicators)},
              {"next_dates", std::move(next)},
              {"execution", dash["execution"]},
              {"performance", dash["performance"]}};
}

Document BriefDocument(const Json& d) {
  const std::string name = d["direction"].value("name", d["direction"].value("code", ""));
  const Json c = d.value("cycle", Json::object());
  const bool past = !c.value("current", true);
  Document doc("Présentation du projet de direction — " + name +
               (past ? " — cycle " + std::to_string(c.value("number", 1)) : std::string()));
  doc.Field("Projet", d["plan"].value("title", ""));
  doc.Field("Période", fr::LongDate(d["plan"].value("period_start", "")) + " – " +
                           fr::LongDate(d["plan"].value("period_end", "")));
  if (const std::string cycle = CycleText(c); !cycle.empty()) {
    doc.Field("Cycle", !past ? cycle
                       : c.value("at_close", false)
                           ? cycle + " — le projet tel qu'il était à sa clôture"
                           : cycle +
                                 " — le projet tel qu'il était enregistré à "
                                 "la position " +
                                 std::to_string(d.value("position", uint64_t{0})) + " du journal");
  }
  doc.Field("Situation au", fr::LongDate(d.value("as_of", "")));
  doc.Field("Réalisation", fr::Percent(d["execution"]));
  doc.Field("Performance", fr::Percent(d["performance"]));
  doc.Heading(2, "Présentation de l'existant");
  if (AnyWritten(d, kStateOfPlay)) {
    for (const char* key : kStateOfPlay) SectionBlock(doc, d, key);
  } else {
    doc.Paragraph("Pas encore rédigée.");
  }

  doc.Heading(2, "Atouts et faiblesses");
  const Json swot = d.value("swot", Json::array());
  for (const char* quadrant : kQuadrants) {
    doc.Heading(3, fr::Label("quadrant", quadrant));
    std::vector<std::string> facts;
    for (const Json& x : swot) {
      if (x.value("quadrant", "") != quadrant) continue;
      std::string line = x.value("text", "");
      const Json evidence = x.value("evidence", Json::object());
      if (evidence.is_object() && !evidence.empty()) {
        line += " — Source : " + evidence.value("source", "—");
        if (evidence.contains("date")) line += " (" + fr::LongDate(evidence["date"]) + ")";
      }
      facts.push_back(std::move(line));
    }
    doc.List(facts, "Aucun élément.");
  }

  doc.Heading(2, "Nos missions");
  std::vector<std::string> items;
  for (const Json& m : d["missions"]) {
    std::string line = m["id"].get<std::string>() + " — " + m["title"].get<std::string>();
    if (!m["description"].get<std::string>().empty())
      line += " : " + Truncated(m["description"], 200);
    if (!m["strongest"].empty()) {
      std::string s;
      for (const Json& x : m["strongest"]) s += (s.empty() ? "" : ", ") + x.get<std::string>();
      line += " (porte fortement : " + s + ")";
    }
    items.push_back(line);
  }
  doc.List(items, "Aucune mission enregistrée.");
  doc.Heading(2, "Valeurs et ambitions");
  items.clear();
  for (const char* group : {"values", "ambitions"}) {
    for (const Json& v : d[group]) {
      items.push_back(std::string(group == std::string("values") ? "Valeur" : "Ambition") + " « " +
                      v["label"].get<std::string>() + " » : " + fr::Number(v["mean"]) +
                      " sur 3 en moyenne");
    }
  }
  doc.List(items, "Les missions n'ont pas encore été interrogées au regard des valeurs.");
  doc.Heading(2, "Réflexions prospectives");
  if (AnyWritten(d, kProspective)) {
    for (const char* key : kProspective) SectionBlock(doc, d, key);
  } else {
    doc.Paragraph("Pas encore rédigées.");
  }

  doc.Heading(2, "Scénario retenu et ses moyens");
  const Json scenario = d.value("scenario", Json());
  if (scenario.is_object()) {
    doc.Paragraph("Scénario retenu : " + scenario.value("id", "") + " — " +
                  scenario.value("title", "") + ".");
    std::string order;
    for (const Json& a : scenario["axes"]) {
      order += (order.empty() ? "" : ", ") + a.value("id", "") +
               (a.value("title", "").empty() ? "" : " « " + a.value("title", "") + " »");
    }
    if (!order.empty()) doc.Field("Ordre des axes", order);
    if (scenario.value("means", Json::object()).empty())
      doc.Paragraph("Ce scénario n'indique pas ses moyens.");
    std::vector<std::vector<std::string>> means;
    for (const Json& y : scenario["years"]) {
      means.push_back({y.value("year", ""), fr::Number(y["fte"]), fr::Number(y["actions_fte"]),
                       Euros(y["budget_eur"])});
    }
    doc.Table({"Année", "ETP du scénario", "ETP des actions en cours", "Budget du scénario"}, means,
              "La période du plan n'est pas connue.");
    doc.Field("Coût des nouveaux projets", Euros(scenario["new_projects_eur"]));
    doc.Field("Budget total du scénario (années et nouveaux projets)",
              Euros(scenario["total_eur"]));
    doc.Field("Somme des budgets des actions", Euros(scenario["actions_budget_eur"]));
  } else {
    doc.Paragraph("Aucun scénario retenu.");
  }

  doc.Heading(2, "Axes de progrès et actions clés");
  for (const Json& a : d["axes"]) {
    doc.Heading(3, a["id"].get<std::string>() + " — " + a["title"].get<std::string>());
    if (!a["orientation"].get<std::string>().empty())
      doc.Field("Orientation politique", a["orientation"]);
    doc.Field("Réalisation", fr::Percent(a["execution"]));
    items.clear();
    for (const Json& x : a["key_actions"]) {
      items.push_back(x["id"].get<std::string>() + " — " + x["title"].get<std::string>() + " (" +
                      fr::Label("action_status", x["status"]) + ", " + fr::Percent(x["progress"]) +
                      ", échéance " + fr::LongDate(x.value("due", "")) + ")");
    }
    doc.List(items, "Aucune action.");
  }
  doc.Heading(2, "Indicateurs");
  std::vector<std::vector<std::string>> rows;
  for (const Json& i : d["indicators"]) {
    const std::string unit = i.value("unit", "");
    rows.push_back(
        {i["id"], i["name"], WithUnit(i["latest"], unit),
         WithUnit(i["target"], unit) + " (" + fr::LongDate(i.value("target_date", "")) + ")",
         fr::Label("trajectory", i["trajectory"])});
  }
  doc.Table({"Indicateur", "Libellé", "Dernière mesure", "Cible", "Trajectoire"}, rows,
            "Aucun indicateur.");
  doc.Heading(2, "Prochaines dates");
  items.clear();
  for (const Json& n : d["next_dates"])
    items.push_back(fr::LongDate(n["date"]) + " : " + n["what"].get<std::string>());
  doc.List(items, "Aucune date à venir dans la période du plan.");
  return doc;
}

}  // namespace jalon::jobs
