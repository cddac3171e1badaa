// The review document of a biannual review (documents.h).
#include <map>

#include "engine/log/payload.h"
#include "engine/plan/audit.h"
#include "engine/plan/cycle.h"
#include "engine/plan/rollup.h"
#include "engine/util/sha256.h"
#include "jobs/documents/document_parts.h"
#include "jobs/documents/documents.h"
#include "jobs/documents/labels.h"

namespace jalon::jobs {

using namespace document_parts;

namespace {

struct HeldReview {
  uint64_t position = 0;
  Instant recorded_at{};
  Hash hash{};
  Json payload;
};

// One cycle's reviews: its ReviewHeld events in order (review n is element
// n-1), and the position of the CycleOpened that opened it (0 for the
// first cycle, whose plan started empty).
struct CycleReviews {
  std::vector<HeldReview> held;
  uint64_t opened_position = 0;
};

// The reviews of cycle `cycle` of the plan (0: its current cycle).
Result<CycleReviews> HeldReviews(const PlanService& service, const std::string& code, int cycle) {
  CycleReviews out;
  int number = 1;
  for (uint64_t from = 1;;) {
    auto events = service.log().ReadStream(PlanStream(code), from, 1000);
    if (!events.ok()) return events.status();
    for (const Event& e : *events) {
      if (e.type == "CycleOpened") {
        if (number == cycle) return out;
        ++number;
        out = CycleReviews();
        out.opened_position = e.position;
        continue;
      }
      if (e.type != "ReviewHeld") continue;
      auto payload = DecodePayload(e.payload);
      if (!payload.ok())
        return payload.status().WithContext("position " + std::to_string(e.position));
      out.held.push_back({e.position, e.recorded_at, e.hash, std::move(payload).value()});
    }
    if (events->size() < 1000) return out;
    from = events->back().version + 1;
  }
}

Instant EndOfDay(int32_t day) { return StartOfDay(day + 1) - std::chrono::microseconds(1); }

// The plan as it stood when a review met: recorded by its event, dated by
// its day (see the header).
Result<PlanState> StateAtReview(const PlanService& service, const std::string& code,
                                const HeldReview& review) {
  auto dated = service.projections().AtEffective(
      code, EndOfDay(DayOf(review.payload.at("date").get<std::string>())), review.position);
  if (!dated.ok() || (dated->registered() && dated->plan_open())) return dated;
  // A plan written after the fact, by commands rather than an import: its
  // opening is dated when it was recorded, after the review's day, so the
  // review reads what the log held when it was recorded.
  return service.projections().AtPosition(code, review.position);
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

// The title or name of an entity's JSON, if it has one.
std::string TitleOf(const Json& value) {
  if (!value.is_object()) return {};
  for (const char* key : {"title", "name", "text"}) {
    if (value.contains(key) && value[key].is_string()) return value[key].get<std::string>();
  }
  return {};
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

}  // namespace

Result<Json> ReviewDocData(const PlanService& service, const std::string& code, int review,
                           int cycle) {
  auto current = CheckedState(service, code);
  if (!current.ok()) return current.status();
  if (review < 1) return Status::InvalidArgument("review: must be a review number from 1");
  auto at_close = CycleState(service, code, *current, cycle);
  if (!at_close.ok()) return at_close.status();
  const int number = CycleOf(*at_close);
  const bool past = number != CycleOf(*current);
  auto reviews = HeldReviews(service, code, past ? number : 0);
  if (!reviews.ok()) return reviews.status();
  const std::vector<HeldReview>& held = reviews->held;
  const int count = static_cast<int>(held.size());
  if (past && review > count) {
    return Status::NotFound("review: cycle " + std::to_string(number) + " of " + code +
                            " is closed and held " + std::to_string(count) +
                            " review(s); no review " + std::to_string(review));
  }
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
    const HeldReview& r = held[review - 1];
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
    const HeldReview& p = held[review - 2];
    auto at = StateAtReview(service, code, p);
    if (!at.ok()) return at.status();
    previous_state = std::move(at).value();
    previous = {{"number", review - 1}, {"date", p.payload.at("date")}, {"position", p.position}};
  } else if (reviews->opened_position != 0) {
    // A later cycle's first review: what changed since the cycle opened.
    TimeQuery opened;
    opened.position = reviews->opened_position;
    auto at = service.State(code, opened);
    if (!at.ok()) return at.status();
    previous_state = std::move(at).value();
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
              {"cycle", CycleJson(state, *current)},
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

Document ReviewDocument(const Json& d) {
  const Json& r = d["review"];
  const int number = r["number"].get<int>();
  const bool held = r["held"].get<bool>();
  const std::string name = d["direction"].value("name", d["direction"].value("code", ""));
  // Review numbers are a cycle's: the cycle is named once there are two.
  const std::string cycle = CycleText(d.value("cycle", Json()));
  const int cycle_number = d.value("cycle", Json::object()).value("number", 1);
  Document doc((held ? "Revue semestrielle n° " : "Préparation de la revue semestrielle n° ") +
               std::to_string(number) +
               (cycle.empty() ? "" : " du cycle " + std::to_string(cycle_number)) + " — " + name);
  doc.Field("Projet de direction", d["plan"].value("title", ""));
  doc.Field("Période", fr::LongDate(d["plan"].value("period_start", "")) + " – " +
                           fr::LongDate(d["plan"].value("period_end", "")));
  if (!cycle.empty()) doc.Field("Cycle", cycle);
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
  doc.Heading(2, prev.is_null() && cycle_number > 1
                     ? "Ce qui a changé depuis l'ouverture du cycle " + std::to_string(cycle_number)
                 : prev.is_null() ? "Ce qui a changé depuis le début du plan"
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

}  // namespace jalon::jobs
