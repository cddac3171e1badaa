#include "jobs/documents/documents.h"

#include <algorithm>
#include <map>

#include "engine/log/payload.h"
#include "engine/plan/audit.h"
#include "engine/plan/rollup.h"
#include "engine/util/sha256.h"
#include "jobs/cycle/cycle.h"
#include "jobs/documents/labels.h"

namespace jalon::jobs {
namespace {

struct HeldReview {
  uint64_t position = 0;
  Instant recorded_at{};
  Hash hash{};
  Json payload;
};

// The plan's ReviewHeld events, in order (review n is element n-1).
Result<std::vector<HeldReview>> HeldReviews(const PlanService& service, const std::string& code) {
  std::vector<HeldReview> out;
  for (uint64_t from = 1;;) {
    auto events = service.log().ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      if (e.type != "ReviewHeld") continue;
      auto payload = DecodePayload(e.payload);
      if (!payload.ok())
        return payload.status().WithContext("position " + std::to_string(e.position));
      out.push_back({e.position, e.recorded_at, e.hash, std::move(payload).value()});
    }
    if (events->size() < 1000) return out;
    from = events->back().version + 1;
  }
}

Instant EndOfDay(int32_t day) { return StartOfDay(day + 1) - std::chrono::microseconds(1); }

Instant Today(const PlanService& service) {
  return std::chrono::floor<std::chrono::days>(service.clock().Now());
}

// The plan as it stood when a review met: recorded by its event, dated by
// its day (see the header).
Result<PlanState> StateAtReview(const PlanService& service, const std::string& code,
                                const HeldReview& review) {
  return service.projections().AtEffective(
      code, EndOfDay(DayOf(review.payload.at("date").get<std::string>())), review.position);
}

Json PlanHeader(const PlanState& state) {
  Json plan = state.plan.is_object() ? state.plan : Json::object();
  return {{"title", plan.value("title", "")},
          {"period_start", plan.value("period_start", "")},
          {"period_end", plan.value("period_end", "")}};
}

Result<PlanState> CheckedState(const PlanService& service, const std::string& code) {
  if (!IsValidDirectionCode(code))
    return Status::InvalidArgument("direction: not a direction code");
  auto state = service.State(code, TimeQuery{});
  if (!state.ok()) return state;
  if (!state->plan_open()) return Status::NotFound("direction '" + code + "' has no plan yet");
  return state;
}

// "indicator/I1" -> "Indicateur I1"; a section by its heading, a date in
// words ("Revue du 30 juin 2018").
std::string EntityName(const std::string& entity) {
  const size_t slash = entity.find('/');
  if (slash == std::string::npos) return fr::Label("entity", entity);
  const std::string kind = entity.substr(0, slash), id = entity.substr(slash + 1);
  if (kind == "section") return "« " + fr::Label("section", id) + " »";
  const std::string words = fr::DateText(id);
  if (words != id && id.size() == 10) return fr::Label("entity", kind) + " du " + words;
  return fr::Label("entity", kind) + " " + words;
}

std::string ValueText(const Json& v) {
  if (v.is_null()) return "—";
  if (v.is_string()) return fr::DateText(v.get<std::string>());
  if (v.is_number()) return fr::Number(v);
  if (v.is_boolean()) return v.get<bool>() ? "oui" : "non";
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Truncated(std::string text, size_t max) {
  if (text.size() <= max) return text;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "…";
}

// The title or name of an entity's JSON, if it has one.
std::string TitleOf(const Json& value) {
  if (!value.is_object()) return {};
  for (const char* key : {"title", "name", "text"}) {
    if (value.contains(key) && value[key].is_string()) return value[key].get<std::string>();
  }
  return {};
}

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

// A value with its unit, or "—".
std::string WithUnit(const Json& value, const std::string& unit) {
  if (!value.is_number()) return "—";
  return fr::Number(value) + (unit.empty() ? "" : " " + unit);
}

// An amount in euros ("12 000 €"), or "—".
std::string Euros(const Json& value) {
  if (!value.is_number()) return "—";
  std::string n = fr::Number(value);
  // Thousands separated by a narrow no-break space, as French writes them.
  const size_t comma = n.find(',');
  size_t digits_end = comma == std::string::npos ? n.size() : comma;
  const size_t first = n[0] == '-' ? 1 : 0;
  for (size_t i = digits_end; i > first + 3; i -= 3) n.insert(i - 3, "\u202f");
  return n + "\u00a0€";
}

// An entity's field changes ([{field, before, after}], fields as JSON
// pointers) as lines for people: a new measurement or progress report is one
// line ("Nouvelle mesure du 31 décembre 2017 : 22"), not one per field.
std::vector<std::string> ChangeLines(const Json& changes) {
  std::vector<std::string> lines;
  std::map<std::string, Json> records;  // "/measurements/3" -> {field: after}
  std::vector<std::string> record_order;
  std::map<std::string, bool> record_is_new;
  for (const Json& f : changes) {
    const std::string field = f["field"];
    const Json& before = f["before"];
    const Json& after = f["after"];
    // An empty array or object that became a filled one: the items say it.
    if ((before.is_array() || before.is_object()) && before.empty() && after.is_null()) continue;
    if ((after.is_array() || after.is_object()) && after.empty() && before.is_null()) continue;
    // The action as first planned, kept at its first change: that change's
    // own line says what moved.
    if (field.rfind("/planned", 0) == 0) continue;
    std::string record;
    for (const char* list : {"/measurements/", "/progress/", "/target_changes/", "/reschedules/",
                             "/budget_changes/", "/spending/"}) {
      if (field.rfind(list, 0) == 0) {
        const size_t end = field.find('/', std::string(list).size());
        record = field.substr(0, end);
      }
    }
    if (record.empty()) {
      // A status is a code with a label; other values are shown as they are.
      auto value = [&field](const Json& v) {
        if (field == "/status" && v.is_string()) return fr::Label("action_status", v);
        if (field == "/quadrant" && v.is_string()) return fr::Label("quadrant", v);
        return Truncated(ValueText(v), 60);
      };
      lines.push_back(fr::FieldName(field) + " : " + value(before) + " → " + value(after));
      continue;
    }
    if (!records.contains(record)) {
      record_order.push_back(record);
      record_is_new[record] = true;
    }
    const size_t leaf = field.rfind('/');
    if (leaf > record.size() - 1) records[record][field.substr(leaf + 1)] = after;
    if (!before.is_null()) record_is_new[record] = false;
  }
  auto reason = [](const Json& r) {
    return r.contains("reason") ? " (" + ValueText(r["reason"]) + ")" : std::string();
  };
  for (const std::string& record : record_order) {
    const Json& r = records[record];
    const bool is_new = record_is_new[record];
    const std::string date = fr::LongDate(r.value("date", ""));
    if (record.rfind("/measurements/", 0) == 0) {
      lines.push_back((is_new ? "Nouvelle mesure du " : "Mesure corrigée du ") + date + " : " +
                      ValueText(r.value("value", Json())));
    } else if (record.rfind("/progress/", 0) == 0) {
      lines.push_back((is_new ? "Avancement au " : "Avancement corrigé au ") + date + " : " +
                      fr::Percent(r.value("percent", Json())));
    } else if (record.rfind("/reschedules/", 0) == 0) {
      std::string line = "Replanifiée le " + date;
      if (r.contains("start")) line += ", début " + ValueText(r["start"]);
      if (r.contains("due")) line += ", échéance " + ValueText(r["due"]);
      lines.push_back(line + reason(r));
    } else if (record.rfind("/budget_changes/", 0) == 0) {
      std::string line = "Moyens modifiés le " + date;
      if (r.contains("budget_eur")) line += " : budget " + Euros(r["budget_eur"]);
      if (r.contains("fte")) line += ", " + ValueText(r["fte"]) + " ETP";
      lines.push_back(line + reason(r));
    } else if (record.rfind("/spending/", 0) == 0) {
      lines.push_back("Dépense du " + date + " : " + Euros(r.value("amount_eur", Json())) +
                      (r.contains("label") ? " (" + ValueText(r["label"]) + ")" : std::string()));
    } else {
      lines.push_back("Cible modifiée" +
                      (r.contains("reason") ? " : " + ValueText(r["reason"]) : std::string()));
    }
  }
  return lines;
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

Result<Json> ReviewDocData(const PlanService& service, const std::string& code, int review) {
  auto current = CheckedState(service, code);
  if (!current.ok()) return current.status();
  if (review < 1) return Status::InvalidArgument("review: must be a review number from 1");
  auto held = HeldReviews(service, code);
  if (!held.ok()) return held.status();
  const int count = static_cast<int>(held->size());
  if (review > count + 1) {
    return Status::NotFound("review: review " + std::to_string(review) + " of " + code +
                            " has not been held; " + std::to_string(count) +
                            " held so far (review " + std::to_string(count + 1) +
                            " gives the preparatory document)");
  }
  const bool is_held = review <= count;

  PlanState state;
  Json review_json;
  Json chain;
  int32_t day = 0;
  if (is_held) {
    const HeldReview& r = (*held)[review - 1];
    auto at = StateAtReview(service, code, r);
    if (!at.ok()) return at.status();
    state = std::move(at).value();
    day = DayOf(r.payload.at("date").get<std::string>());
    review_json = r.payload;
    review_json["number"] = review;
    review_json["held"] = true;
    review_json["position"] = r.position;
    review_json["recorded_at"] = FormatInstant(r.recorded_at);
    chain = {{"position", r.position}, {"hash", ToHex(r.hash)}};
    // Each decision's items with their titles, as the plan had them then.
    Json& decisions = review_json["decisions"];
    for (size_t k = 0; decisions.is_array() && k < decisions.size(); ++k) {
      for (const Json& c : decisions[k].value("concerns", Json::array())) {
        const std::string ref = c.get<std::string>(), id = ref.substr(ref.find('/') + 1);
        const bool action = ref.starts_with("action/");
        const Json item = action ? state.actions.At(id) : state.indicators.At(id);
        const char* key = action ? "title" : "name";
        decisions[k]["items"].push_back(
            {{"ref", ref}, {"title", item.is_object() ? item.value(key, id) : id}});
      }
    }
    // The plan's own hash as the review recorded it.
    for (const Json& x : state.reviews) {
      if (x.value("number", 0) == review) chain["plan_hash"] = x["plan_hash"];
    }
  } else {
    state = *current;
    day = DayOf(Today(service));
    review_json = {{"number", review}, {"held", false}};
    if (static_cast<size_t>(review) <= state.reviews_due.size())
      review_json["due"] = DateOfDay(state.reviews_due[review - 1]);
    const LogHead head = service.log().Head();
    chain = {{"position", head.position},
             {"hash", ToHex(head.hash)},
             {"plan_hash", ToHex(state.last_hash)}};
  }

  PlanState previous_state;
  Json previous;
  if (review > 1) {
    const HeldReview& p = (*held)[review - 2];
    auto at = StateAtReview(service, code, p);
    if (!at.ok()) return at.status();
    previous_state = std::move(at).value();
    previous = {{"number", review - 1}, {"date", p.payload.at("date")}, {"position", p.position}};
  }

  const Json dash = Dashboard(state, StartOfDay(day), service.rollup());
  Json actions = Json::array(), indicators = Json::array(), reminders = Json::array();
  for (const Json& axis : dash["axes"]) {
    if (axis["dropped"].get<bool>()) continue;
    for (Json a : axis["actions"]) {
      const std::string status = a["status"];
      if (status != "late" && status != "at_risk") continue;
      a["axis"] = axis["id"];
      actions.push_back(std::move(a));
    }
  }
  for (const Json& ind : dash["indicators"]) {
    if (ind["trajectory"] == "off_track") indicators.push_back(ind);
  }
  for (const Reminder& r : state.reminders) {
    if (r.active()) reminders.push_back(r.ToJson());
  }
  Json changes = DiffStates(previous_state, state);
  return Json{{"format", "jalon.review-doc/1"},
              {"direction", state.direction},
              {"plan", PlanHeader(state)},
              {"review", std::move(review_json)},
              {"previous", std::move(previous)},
              {"as_of", DateOfDay(day)},
              {"execution", dash["execution"]},
              {"performance", dash["performance"]},
              {"changes", std::move(changes)},
              {"actions", std::move(actions)},
              {"indicators", std::move(indicators)},
              {"reminders", std::move(reminders)},
              {"chain", std::move(chain)}};
}

Result<Json> BriefData(const PlanService& service, const std::string& code,
                       std::optional<Instant> as_of, const CycleOptions& cycle) {
  auto checked = CheckedState(service, code);
  if (!checked.ok()) return checked.status();
  Result<PlanState> state_or = *checked;
  if (as_of) {
    TimeQuery when;
    when.as_of = *as_of;
    state_or = service.State(code, when);
  }
  if (!state_or.ok()) return state_or.status();
  const PlanState& state = *state_or;
  if (!state.plan_open())
    return Status::NotFound("direction '" + code + "' had no plan yet at that date");
  const Instant when = std::chrono::floor<std::chrono::days>(as_of.value_or(Today(service)));
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

Document ReviewDocument(const Json& d) {
  const Json& r = d["review"];
  const int number = r["number"].get<int>();
  const bool held = r["held"].get<bool>();
  const std::string name = d["direction"].value("name", d["direction"].value("code", ""));
  Document doc((held ? "Revue semestrielle n° " : "Préparation de la revue semestrielle n° ") +
               std::to_string(number) + " — " + name);
  doc.Field("Projet de direction", d["plan"].value("title", ""));
  doc.Field("Période", fr::LongDate(d["plan"].value("period_start", "")) + " – " +
                           fr::LongDate(d["plan"].value("period_end", "")));
  if (held) {
    doc.Field("Date de la revue", fr::LongDate(r.value("date", "")));
    std::string who;
    for (const Json& p : r.value("participants", Json::array()))
      who += (who.empty() ? "" : ", ") + p.get<std::string>();
    doc.Field("Participants", who.empty() ? "—" : who);
  } else {
    doc.Field("Situation au", fr::LongDate(d.value("as_of", "")));
    if (r.contains("due")) doc.Field("Revue attendue le", fr::LongDate(r["due"]));
  }
  doc.Field("Réalisation (avancement des actions)", fr::Percent(d["execution"]));
  doc.Field("Performance (atteinte des cibles)", fr::Percent(d["performance"]));
  if (held && !r.value("conclusions", "").empty()) {
    doc.Heading(2, "Conclusions");
    doc.Paragraph(r["conclusions"].get<std::string>());
  }
  if (held && r.contains("decisions")) {
    doc.Heading(2, "Décisions");
    if (r["decisions"].is_string()) doc.Paragraph(r["decisions"].get<std::string>());
    for (const Json& dec : r["decisions"].is_array() ? r["decisions"] : Json::array()) {
      std::string items;
      for (const Json& i : dec.value("items", Json::array()))
        items += (items.empty() ? "" : ", ") + i["title"].get<std::string>();
      doc.Paragraph(dec.value("text", "") + (items.empty() ? "" : " (concerne : " + items + ")"));
    }
  }

  const Json& prev = d["previous"];
  doc.Heading(2, prev.is_null() ? "Ce qui a changé depuis le début du plan"
                                : "Ce qui a changé depuis la revue n° " +
                                      std::to_string(prev["number"].get<int>()) + " du " +
                                      fr::LongDate(prev["date"]));
  const Json& ch = d["changes"];
  doc.Paragraph(std::to_string(ch["added"].size()) + " ajout(s), " +
                std::to_string(ch["changed"].size()) + " modification(s), " +
                std::to_string(ch["removed"].size()) + " suppression(s).");
  std::vector<std::vector<std::string>> rows;
  constexpr size_t kMaxRows = 60;
  size_t total = 0;
  auto add = [&](const char* what, const Json& e, std::string detail) {
    ++total;
    if (rows.size() < kMaxRows) rows.push_back({what, EntityName(e["entity"]), std::move(detail)});
  };
  for (const Json& e : ch["added"]) add("Ajout", e, Truncated(TitleOf(e["value"]), 200));
  for (const Json& e : ch["changed"]) {
    const std::vector<std::string> lines = ChangeLines(e["changes"]);
    std::string detail;
    for (size_t i = 0; i < lines.size() && i < 4; ++i)
      detail += (detail.empty() ? "" : "\n") + lines[i];
    if (lines.size() > 4) detail += "\n… (" + std::to_string(lines.size() - 4) + " de plus)";
    add("Modification", e, detail);
  }
  for (const Json& e : ch["removed"]) add("Suppression", e, Truncated(TitleOf(e["value"]), 200));
  doc.Table({"Nature", "Élément", "Détail"}, rows, "Aucun changement.");
  if (total > rows.size())
    doc.Paragraph("… et " + std::to_string(total - rows.size()) +
                  " autre(s) changement(s) : voir l'historique complet (jalon diff).");

  doc.Heading(2, "Actions en retard ou à risque");
  rows.clear();
  for (const Json& a : d["actions"]) {
    rows.push_back({a["id"], a["title"], fr::Label("action_status", a["status"]),
                    fr::Percent(a["progress"]), a.value("owner", ""),
                    fr::LongDate(a.value("due", ""))});
  }
  doc.Table({"Action", "Intitulé", "Statut", "Avancement", "Pilote", "Échéance"}, rows,
            "Aucune action en retard ou à risque.");

  doc.Heading(2, "Indicateurs hors trajectoire");
  rows.clear();
  for (const Json& i : d["indicators"]) {
    const std::string unit = i.value("unit", "");
    rows.push_back(
        {i["id"], i["name"],
         WithUnit(i["latest"], unit) + " (" + fr::LongDate(i.value("latest_date", "")) + ")",
         WithUnit(i["expected"], unit),
         WithUnit(i["target"], unit) + " (" + fr::LongDate(i.value("target_date", "")) + ")"});
  }
  doc.Table({"Indicateur", "Libellé", "Dernière mesure", "Attendu à ce jour", "Cible"}, rows,
            "Aucun indicateur hors trajectoire.");

  doc.Heading(2, "Relances ouvertes");
  rows.clear();
  for (const Json& m : d["reminders"]) {
    rows.push_back({fr::Label("reminder_rule", m.value("rule", "")), EntityName(m["subject"]),
                    fr::DateText(m.value("expected", "")), fr::LongDate(m.value("due", "")),
                    fr::Label("reminder_state", m.value("state", ""))});
  }
  doc.Table({"Relance", "Objet", "Attendu", "Pour le", "État"}, rows, "Aucune relance ouverte.");

  doc.Heading(2, "Pour le procès-verbal");
  const Json& c = d["chain"];
  doc.Paragraph(held ? "Ce document présente le projet tel qu'il était enregistré lors de la revue "
                       "(événement n° " +
                           std::to_string(c["position"].get<uint64_t>()) + " du journal)."
                     : "Ce document présente le projet tel qu'il est enregistré à ce jour.");
  doc.Field("Position dans le journal", std::to_string(c["position"].get<uint64_t>()));
  doc.Field("Empreinte de la chaîne (SHA-256)", c.value("hash", ""));
  if (c.contains("plan_hash")) doc.Field("Empreinte du projet", c["plan_hash"]);
  doc.Paragraph("Vérification : jalon verify (l'empreinte doit figurer dans la chaîne).");
  return doc;
}

Document BriefDocument(const Json& d) {
  const std::string name = d["direction"].value("name", d["direction"].value("code", ""));
  Document doc("Présentation du projet de direction — " + name);
  doc.Field("Projet", d["plan"].value("title", ""));
  doc.Field("Période", fr::LongDate(d["plan"].value("period_start", "")) + " – " +
                           fr::LongDate(d["plan"].value("period_end", "")));
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

Result<std::string> RenderDocument(const Json& data, const std::string& format) {
  if (format == "json") return data.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
  if (format != "md" && format != "html")
    return Status::InvalidArgument("format: must be md, html or json");
  const std::string kind = data.value("format", "");
  Document doc = kind == "jalon.review-doc/1" ? ReviewDocument(data) : BriefDocument(data);
  return format == "md" ? doc.ToMarkdown() : doc.ToHtml();
}

}  // namespace jalon::jobs
