#include "engine/plan/generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

namespace jalon {
namespace {

using nlohmann::json;

std::string Date(int year, int month, int day) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

// "I12": the prefix, then the number appended to it. Written as "I" +
// std::to_string(n), the string is built by an insert at its front, which g++
// 12 at -O3 wrongly reports as an overlapping memcpy (-Wrestrict, GCC bug
// 105651).
std::string Numbered(const char* prefix, int number) {
  std::string text = prefix;
  text += std::to_string(number);
  return text;
}

int LastDay(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

const char* kThemes[] = {"l'accueil des usagers",      "la dématérialisation des démarches",
                         "la qualité de service",      "la formation des agents",
                         "les partenariats locaux",    "la maîtrise des coûts",
                         "l'information des familles", "la sécurité des équipements"};

// The dated changes GeneratorOptions::dated_changes asks for, on the
// action numbered `k` of its axis, which is the first axis if `first`.
void AddDatedChanges(json& action, int k, bool first, int y_end) {
  const int start_year = std::stoi(action["start"].get<std::string>().substr(0, 4));
  const int due_year = std::stoi(action["due"].get<std::string>().substr(0, 4));
  const bool done = action["status"] == "done";
  if (k == 2 && !done) {
    action["reschedules"] = json::array({{{"date", Date(start_year + 1, 2, 1)},
                                          {"start", action["start"]},
                                          {"due", Date(std::min(y_end, due_year + 1), 12, 31)},
                                          {"reason", "Marché infructueux"},
                                          {"by", "Direction"}}});
  }
  if (k == 3) {
    action["budget_changes"] =
        json::array({{{"date", Date(start_year + 1, 6, 15)},
                      {"budget_eur", action["budget_eur"].get<int>() + 10000},
                      {"fte", action["fte"]},
                      {"reason", "Avenant au marché"},
                      {"by", "Direction"}}});
  }
  if (k == 4 && first && !done) {
    // Cancelled in its first autumn: the reports after that never came.
    json kept = json::array();
    for (const json& r : action["progress"]) {
      if (r["date"].get<std::string>() <= Date(start_year, 11, 30)) kept.push_back(r);
    }
    action["progress"] = kept;
    action["status"] = "cancelled";
    action["cancelled"] = Date(start_year, 11, 30);
  }
}

}  // namespace

json GeneratePlan(const std::string& code, uint64_t seed, const GeneratorOptions& o) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int y0 = o.first_year, y_end = o.first_year + o.years;
  json doc = {
      {"format", "jalon.plan/1"},
      {"direction",
       {{"code", code},
        {"name", o.name.empty() ? "Direction " + code : o.name},
        {"pole", o.pole.empty() ? "Pôle " + std::to_string(seed % 5) : o.pole}}},
      {"plan",
       {{"title", "Projet de direction " + std::to_string(y0) + "-" + std::to_string(y_end)},
        {"period_start", Date(y0, 1, 1)},
        {"period_end", Date(y_end, 12, 31)},
        {"dated", Date(y0, 3, 15)}}},
      {"sections",
       {{"presentation", "La direction " + code + " assure des services à la population."},
        {"legal", "Code général des collectivités territoriales."}}},
      {"identity",
       {{"site", "Hôtel de ville"}, {"agents", uniform(10, 400)}, {"activity_volume", "n.c."}}},
      {"swot", json::array()},
      {"missions", json::array()},
      {"axes", json::array()},
      {"scenarios", json::array()},
      {"actions", json::array()},
      {"indicators", json::array()},
      {"reviews", json::array()}};
  const char* quadrants[] = {"internal_strength", "internal_weakness", "external_strength",
                             "external_weakness"};
  for (int i = 0; i < 4; ++i) {
    doc["swot"].push_back({{"id", "S" + std::to_string(i + 1)},
                           {"quadrant", quadrants[i]},
                           {"text", std::string("Constat sur ") + kThemes[uniform(0, 7)]},
                           {"evidence",
                            {{"source", "Rapport d'activité " + std::to_string(y0 - 1)},
                             {"date", Date(y0 - 1, 12, 31)}}}});
  }
  for (int m = 1; m <= 3; ++m) {
    json values = json::object(), ambitions = json::object();
    for (const char* v :
         {"listening", "kindness", "support", "reactivity", "proximity", "adaptability"})
      values[v] = uniform(0, 3);
    for (const char* a :
         {"user_relationship", "efficiency", "social_innovation", "ways_of_working"})
      ambitions[a] = uniform(0, 3);
    doc["missions"].push_back({{"id", "M" + std::to_string(m)},
                               {"title", std::string("Mission : ") + kThemes[uniform(0, 7)]},
                               {"description", "Mission permanente de la direction."},
                               {"values", values},
                               {"ambitions", ambitions}});
  }
  json order = json::array();
  int indicator_number = 0;
  for (int a = 1; a <= o.axes; ++a) {
    const std::string axis = "A" + std::to_string(a);
    order.push_back(axis);
    doc["axes"].push_back({{"id", axis},
                           {"title", std::string("Améliorer ") + kThemes[uniform(0, 7)]},
                           {"rationale", "Besoin relevé dans l'état des lieux."},
                           {"missions", json::array({"M" + std::to_string(uniform(1, 3))})},
                           {"validation",
                            {{"orientation", "Moderniser la relation à l'usager"},
                             {"by", "Bureau municipal"},
                             {"date", Date(y0, 4, 12)}}},
                           {"dropped", false}});
    for (int k = 1; k <= o.actions_per_axis; ++k) {
      const std::string id = axis + "." + std::to_string(k);
      const int start_year = y0 + uniform(0, std::max(0, o.years - 2));
      const int due_year = std::min(y_end, start_year + uniform(1, 3));
      json progress = json::array();
      int percent = 0;
      for (int y = start_year; y <= due_year && y < y_end; ++y) {
        for (int month : {3, 9}) {
          percent = std::min(100, percent + uniform(5, 25));
          progress.push_back(
              {{"date", Date(y, month, 28)}, {"percent", percent}, {"note", "Point d'étape"}});
        }
      }
      json action = {{"id", id},
                     {"axis", axis},
                     {"title", std::string("Action sur ") + kThemes[uniform(0, 7)]},
                     {"owner", "Service " + std::to_string(uniform(1, 9))},
                     {"start", Date(start_year, 1 + uniform(0, 11), 1)},
                     {"due", Date(due_year, 12, 31)},
                     {"budget_eur", uniform(0, 20) * 5000},
                     {"fte", uniform(0, 8) * 0.5},
                     {"status", percent >= 100 ? "done" : (percent > 0 ? "started" : "planned")},
                     {"progress", progress}};
      if (percent >= 100) {
        for (const json& r : progress) {
          if (r["percent"] == 100) {
            action["completed"] = r["date"];
            break;
          }
        }
      }
      if (o.dated_changes) AddDatedChanges(action, k, a == 1, y_end);
      doc["actions"].push_back(std::move(action));
    }
    for (int k = 1; k <= o.indicators_per_axis; ++k) {
      const std::string id = Numbered("I", ++indicator_number);
      const bool increase = uniform(0, 1) == 1;
      const double baseline = uniform(10, 60);
      const double target = increase ? baseline + uniform(5, 30) : baseline - uniform(1, 9);
      json measurements = json::array();
      const int step = o.monthly ? 1 : 3;
      double value = baseline;
      for (int y = y0; y < y_end; ++y) {
        for (int month = step; month <= 12; month += step) {
          value += (target - baseline) / (o.years * 12.0 / step) * (0.5 + uniform(0, 100) / 100.0);
          measurements.push_back({{"date", Date(y, month, LastDay(y, month))},
                                  {"value", std::round(value * 10) / 10},
                                  {"source", "Tableau de suivi"},
                                  {"comment", ""}});
        }
      }
      json indicator = {{"id", id},
                        {"attached_to", k == 1 ? "axis:" + axis : "action:" + axis + ".1"},
                        {"kind", k == 3 ? "evaluation" : "output"},
                        {"name", std::string("Indicateur de ") + kThemes[uniform(0, 7)]},
                        {"unit", "%"},
                        {"polarity", increase ? "increase" : "decrease"},
                        {"baseline", {{"value", baseline}, {"date", Date(y0 - 1, 12, 31)}}},
                        {"target", {{"value", target}, {"date", Date(y_end - 1, 12, 31)}}},
                        {"frequency", o.monthly ? "monthly" : "quarterly"},
                        {"source", "Tableau de suivi"},
                        {"measurements", measurements}};
      if (o.dated_changes && k == 2) {
        // Revised at the mid-term: a little less ambitious.
        const double revised = increase ? target - 2 : target + 0.5;
        indicator["target_changes"] =
            json::array({{{"date", Date(y0 + 2, 1, 15)},
                          {"target", {{"value", revised}, {"date", Date(y_end - 1, 12, 31)}}},
                          {"reason", "Révision à mi-parcours"},
                          {"by", "Comité de pilotage"}}});
      }
      if (o.dated_changes && k == 3 && a == 1) indicator["retired"] = Date(y0 + 3, 1, 31);
      doc["indicators"].push_back(std::move(indicator));
    }
    if (o.dated_changes && o.axes >= 3 && a == o.axes) {
      doc["axes"].back()["dropped"] = Date(y0 + 2, 9, 30);
    }
  }
  doc["scenarios"].push_back(
      {{"id", "SC1"}, {"title", "Scénario retenu"}, {"axes", order}, {"retained", true}});
  for (int y = y0; y < y_end; ++y) {
    doc["reviews"].push_back({{"date", Date(y, 6, 30)},
                              {"participants", {"Directeur", "Chefs de service"}},
                              {"decisions", "Revue semestrielle."}});
    doc["reviews"].push_back({{"date", Date(y, 12, 15)},
                              {"participants", {"Directeur", "Chefs de service"}},
                              {"decisions", "Revue semestrielle."}});
  }
  return doc;
}

}  // namespace jalon
