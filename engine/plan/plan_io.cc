#include "engine/plan/plan_io.h"

#include <set>
#include <tuple>

#include "engine/log/payload.h"

namespace jalon {
namespace {

Status BadPath(const std::string& path, const std::string& rule) {
  return Status::InvalidArgument(path + ": " + rule);
}

std::string At(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Checks that `obj` at `path` is an object whose keys are all in `allowed`.
Status CheckObject(const Json& obj, const std::string& path, const std::set<std::string>& allowed) {
  if (!obj.is_object()) return BadPath(path, "must be an object");
  for (const auto& [key, unused] : obj.items()) {
    if (!allowed.contains(key)) return BadPath(path + "." + key, "unknown field");
  }
  return Status::Ok();
}

Status CheckArray(const Json& doc, const char* key, const std::string& path) {
  if (doc.contains(key) && !doc[key].is_array()) return BadPath(path, "must be an array");
  return Status::Ok();
}

// Copies the fields of `from` named in `keys` into command data.
Json Pick(const Json& from, std::initializer_list<const char*> keys) {
  Json out = Json::object();
  for (const char* k : keys) {
    if (from.contains(k)) out[k] = from[k];
  }
  return out;
}

// A "dropped" or "retired" mark: false, true, or the date it took effect.
Status CheckMark(const Json& item, const char* key, const std::string& path) {
  if (!item.contains(key) || item[key].is_boolean() || item[key].is_string()) return Status::Ok();
  return BadPath(path + "." + key, "must be a date, true or false");
}

// The date of a mark, or empty if it is a boolean or absent.
std::string MarkDate(const Json& item, const char* key) {
  return item.contains(key) && item[key].is_string() ? item[key].get<std::string>() : "";
}

bool Marked(const Json& item, const char* key) {
  return item.contains(key) && (item[key].is_string() || item[key] == true);
}

// The later of two ISO dates (the other if one is empty or not a date).
std::string LaterDate(const std::string& a, const std::string& b) {
  if (!ParseDate(a).ok()) return b;
  if (!ParseDate(b).ok()) return a;
  return a < b ? b : a;
}

class Builder {
 public:
  Builder(std::string code, std::optional<Instant> dated) : code_(std::move(code)), dated_(dated) {}

  ImportStep& Add(std::string type, Json data, std::string path,
                  std::set<std::string> injected = {}) {
    ImportStep step;
    step.command.type = std::move(type);
    step.injected = std::move(injected);
    for (const char* parent : {"action", "indicator", "mission", "axis", "scenario"}) {
      // A parent reference the item did not carry itself.
      if (data.contains(parent) && step.command.type != "PlanAction") step.injected.insert(parent);
    }
    if (step.command.type != "RegisterDirection") {
      data["direction"] = code_;
      step.injected.insert("direction");
    }
    step.command.data = std::move(data);
    step.command.effective_at = dated_;
    step.path = std::move(path);
    steps_.push_back(std::move(step));
    return steps_.back();
  }
  std::vector<ImportStep> Take() { return std::move(steps_); }

 private:
  std::string code_;
  std::optional<Instant> dated_;
  std::vector<ImportStep> steps_;
};

const Json kEmptyArray = Json::array();
const Json& ArrayOr(const Json& doc, const char* key) {
  return doc.contains(key) ? doc[key] : kEmptyArray;
}

}  // namespace

Result<std::vector<ImportStep>> PlanToCommands(const Json& doc) {
  JALON_RETURN_IF_ERROR(
      CheckObject(doc, "$",
                  {"format", "direction", "plan", "sections", "identity", "swot", "missions",
                   "axes", "scenarios", "actions", "indicators", "reviews"}));
  if (!doc.contains("format")) return BadPath("format", "is required (\"jalon.plan/1\")");
  if (doc["format"] != kPlanFormat) return BadPath("format", "must be \"jalon.plan/1\"");
  if (!doc.contains("direction")) return BadPath("direction", "is required");
  JALON_RETURN_IF_ERROR(CheckObject(doc["direction"], "direction", {"code", "name", "pole"}));
  if (!doc["direction"].contains("code") || !doc["direction"]["code"].is_string()) {
    return BadPath("direction.code", "is required");
  }
  const std::string code = doc["direction"]["code"].get<std::string>();
  if (!IsValidDirectionCode(code)) {
    return BadPath("direction.code", "not a direction code (1 to 16 of A-Z, 0-9, '-', '_')");
  }
  std::optional<Instant> dated;
  if (doc.contains("plan")) {
    JALON_RETURN_IF_ERROR(
        CheckObject(doc["plan"], "plan", {"title", "period_start", "period_end", "dated"}));
    if (doc["plan"].contains("dated") && doc["plan"]["dated"].is_string()) {
      // An implausible date is left to OpenPlan, which names plan.dated.
      auto d = ParseDate(doc["plan"]["dated"].get<std::string>());
      if (d.ok() && IsPlausibleDate(*d)) dated = *d;
    }
  }
  for (const char* key :
       {"swot", "missions", "axes", "scenarios", "actions", "indicators", "reviews"}) {
    JALON_RETURN_IF_ERROR(CheckArray(doc, key, key));
  }

  Builder b(code, dated);
  b.Add("RegisterDirection", doc["direction"], "direction");
  if (doc.contains("plan")) b.Add("OpenPlan", doc["plan"], "plan");

  Json identity_text;
  if (doc.contains("sections")) {
    if (!doc["sections"].is_object()) return BadPath("sections", "must be an object");
    for (const auto& [name, text] : doc["sections"].items()) {
      if (name == "identity") {
        identity_text = text;
        continue;
      }
      b.Add("EditSection", {{"section", name}, {"text", text}}, "sections." + name,
            {"section", "text"});
    }
  }
  if (doc.contains("identity") || !identity_text.is_null()) {
    Json data = {{"section", "identity"}};
    if (doc.contains("identity")) {
      JALON_RETURN_IF_ERROR(
          CheckObject(doc["identity"], "identity", {"site", "agents", "activity_volume"}));
      data.update(doc["identity"]);
    }
    if (!identity_text.is_null()) data["text"] = identity_text;
    b.Add("EditSection", data, doc.contains("identity") ? "identity" : "sections.identity",
          {"section"});
  }

  const Json& swot = ArrayOr(doc, "swot");
  for (size_t i = 0; i < swot.size(); ++i) {
    JALON_RETURN_IF_ERROR(
        CheckObject(swot[i], At("swot", i), {"id", "quadrant", "text", "evidence"}));
    b.Add("AddSwotItem", swot[i], At("swot", i));
  }

  const Json& missions = ArrayOr(doc, "missions");
  for (size_t i = 0; i < missions.size(); ++i) {
    const Json& m = missions[i];
    const std::string path = At("missions", i);
    JALON_RETURN_IF_ERROR(
        CheckObject(m, path, {"id", "title", "description", "values", "ambitions", "retired"}));
    b.Add("DefineMission", Pick(m, {"id", "title", "description"}), path);
    if (m.contains("values") || m.contains("ambitions")) {
      Json data = Pick(m, {"values", "ambitions"});
      data["mission"] = m.value("id", Json());
      b.Add("AssessMission", data, path);
    }
    JALON_RETURN_IF_ERROR(CheckMark(m, "retired", path));
    if (Marked(m, "retired")) {
      Json data = {{"mission", m.value("id", Json())}};
      if (!MarkDate(m, "retired").empty()) data["date"] = m["retired"];
      b.Add("RetireMission", data, path + ".retired", {"date"});
    }
  }

  const Json& axes = ArrayOr(doc, "axes");
  std::vector<std::pair<Json, std::string>> drops;  // DropAxis data, path
  for (size_t i = 0; i < axes.size(); ++i) {
    const Json& a = axes[i];
    const std::string path = At("axes", i);
    JALON_RETURN_IF_ERROR(
        CheckObject(a, path, {"id", "title", "rationale", "missions", "validation", "dropped"}));
    Json data = Pick(a, {"id", "title", "rationale", "missions"});
    if (!data.contains("missions")) data["missions"] = Json::array();
    b.Add("ProposeAxis", data, path);
    if (a.contains("validation") && !a["validation"].is_null()) {
      JALON_RETURN_IF_ERROR(
          CheckObject(a["validation"], path + ".validation", {"orientation", "by", "date"}));
      Json v = a["validation"];
      v["axis"] = a.value("id", Json());
      b.Add("ValidateAxis", v, path + ".validation");
    }
    JALON_RETURN_IF_ERROR(CheckMark(a, "dropped", path));
    if (Marked(a, "dropped")) {
      // A bare true (an older document): left out at every date.
      Json data = {{"axis", a.value("id", Json())}};
      if (MarkDate(a, "dropped").empty()) {
        data["always"] = true;
      } else {
        data["date"] = a["dropped"];
      }
      drops.emplace_back(std::move(data), path + ".dropped");
    }
  }

  const Json& scenarios = ArrayOr(doc, "scenarios");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Json& s = scenarios[i];
    const std::string path = At("scenarios", i);
    JALON_RETURN_IF_ERROR(CheckObject(s, path, {"id", "title", "axes", "means", "retained"}));
    b.Add("ProposeScenario", Pick(s, {"id", "title", "axes", "means"}), path);
    if (s.contains("retained") && !s["retained"].is_boolean()) {
      return BadPath(path + ".retained", "must be true or false");
    }
    if (s.value("retained", false))
      b.Add("RetainScenario", {{"scenario", s.value("id", Json())}}, path);
  }

  // Completions and cancellations come after the indicators: an indicator
  // was defined on its action while the action was open (one cannot be
  // defined on a cancelled action), and the import replays that order.
  struct Closing {
    std::string type;
    Json data;
    std::string path;
    std::set<std::string> injected;
    bool fallback = false;  // its date is DESIGN's fallback, kept by today
  };
  std::vector<Closing> closings;
  const Json& actions = ArrayOr(doc, "actions");
  for (size_t i = 0; i < actions.size(); ++i) {
    const Json& a = actions[i];
    const std::string path = At("actions", i);
    JALON_RETURN_IF_ERROR(CheckObject(
        a, path,
        {"id", "axis", "title", "owner", "start", "due", "budget_eur", "fte", "status", "progress",
         "reschedules", "budget_changes", "spending", "completed", "cancelled", "carried_from"}));
    // carried_from names an action of the cycle before, which an import
    // (a first cycle) does not have: it is read, not replayed.
    Json data = Pick(a, {"id", "axis", "title", "owner", "start", "due", "budget_eur", "fte"});
    const Json status = a.value("status", Json("planned"));
    if (status != "planned" && status != "started" && status != "done" && status != "cancelled") {
      return BadPath(path + ".status", "must be one of planned, started, done, cancelled");
    }
    if (status == "started") data["status"] = "started";
    JALON_RETURN_IF_ERROR(CheckArray(a, "reschedules", path + ".reschedules"));
    const Json& reschedules = ArrayOr(a, "reschedules");
    // An older document's reschedules are {from, to, reason}: the action
    // holds the last dates, the first `from` the planned ones.
    const bool old_reschedules =
        !reschedules.empty() && reschedules[0].is_object() && reschedules[0].contains("from");
    if (old_reschedules) {
      JALON_RETURN_IF_ERROR(
          CheckObject(reschedules[0], At(path + ".reschedules", 0), {"from", "to", "reason"}));
      if (reschedules[0]["from"].is_object()) {
        data.update(Pick(reschedules[0]["from"], {"start", "due"}));
      }
    }
    b.Add("PlanAction", data, path);
    std::string start = a.value("start", ""), due = a.value("due", "");
    for (size_t k = 0; k < reschedules.size(); ++k) {
      const std::string rpath = At(path + ".reschedules", k);
      Json r;
      if (old_reschedules) {
        JALON_RETURN_IF_ERROR(CheckObject(reschedules[k], rpath, {"from", "to", "reason"}));
        r = reschedules[k].contains("to") && reschedules[k]["to"].is_object()
                ? Pick(reschedules[k]["to"], {"start", "due"})
                : Json::object();
        r.update(Pick(reschedules[k], {"reason"}));
      } else {
        JALON_RETURN_IF_ERROR(
            CheckObject(reschedules[k], rpath, {"date", "start", "due", "reason", "by"}));
        r = Pick(reschedules[k], {"date", "start", "due", "reason", "by"});
      }
      if (r.contains("start") && r["start"].is_string()) start = r["start"];
      if (r.contains("due") && r["due"].is_string()) due = r["due"];
      r["action"] = a.value("id", Json());
      b.Add("RescheduleAction", r, rpath);
    }
    JALON_RETURN_IF_ERROR(CheckArray(a, "budget_changes", path + ".budget_changes"));
    const Json& budget_changes = ArrayOr(a, "budget_changes");
    for (size_t k = 0; k < budget_changes.size(); ++k) {
      const std::string cpath = At(path + ".budget_changes", k);
      JALON_RETURN_IF_ERROR(
          CheckObject(budget_changes[k], cpath, {"date", "budget_eur", "fte", "reason", "by"}));
      Json c = Pick(budget_changes[k], {"date", "budget_eur", "fte", "reason", "by"});
      c["action"] = a.value("id", Json());
      b.Add("EditAction", c, cpath);
    }
    JALON_RETURN_IF_ERROR(CheckArray(a, "progress", path + ".progress"));
    const Json& progress = ArrayOr(a, "progress");
    std::string last_report;
    for (size_t k = 0; k < progress.size(); ++k) {
      const std::string ppath = At(path + ".progress", k);
      JALON_RETURN_IF_ERROR(CheckObject(progress[k], ppath, {"date", "percent", "note"}));
      Json p = progress[k];
      if (p.contains("date") && p["date"].is_string())
        last_report = LaterDate(last_report, p["date"]);
      p["action"] = a.value("id", Json());
      b.Add("ReportProgress", p, ppath);
    }
    JALON_RETURN_IF_ERROR(CheckArray(a, "spending", path + ".spending"));
    const Json& spending = ArrayOr(a, "spending");
    for (size_t k = 0; k < spending.size(); ++k) {
      const std::string spath = At(path + ".spending", k);
      JALON_RETURN_IF_ERROR(
          CheckObject(spending[k], spath, {"date", "amount_eur", "label", "reason"}));
      Json x = spending[k];
      x["action"] = a.value("id", Json());
      b.Add("RecordSpending", x, spath);
    }
    for (const auto& [key, closed] : {std::pair{"completed", "done"}, {"cancelled", "cancelled"}}) {
      if (!a.contains(key)) continue;
      if (!a[key].is_string()) return BadPath(path + "." + key, "must be a date");
      if (status != closed) {
        return BadPath(path + "." + key,
                       std::string("only an action whose status is ") + closed + " has this date");
      }
    }
    if (status != "done" && status != "cancelled") continue;
    const char* key = status == "done" ? "completed" : "cancelled";
    Closing c{status == "done" ? "CompleteAction" : "CancelAction",
              {{"action", a.value("id", Json())}},
              path + "." + key,
              {"date"}};
    if (a.contains(key)) {
      c.data["date"] = a[key];
    } else {
      // DESIGN's fallback: the last progress report, else the due date
      // (done) or the start (cancelled), and not before the start.
      c.path = path + ".status";
      c.fallback = true;
      const std::string date = last_report.empty() ? (status == "done" ? due : start) : last_report;
      if (ParseDate(date).ok()) c.data["date"] = LaterDate(date, start);
    }
    closings.push_back(std::move(c));
  }

  const Json& indicators = ArrayOr(doc, "indicators");
  for (size_t i = 0; i < indicators.size(); ++i) {
    const Json& ind = indicators[i];
    const std::string path = At("indicators", i);
    JALON_RETURN_IF_ERROR(
        CheckObject(ind, path,
                    {"id", "attached_to", "kind", "name", "unit", "polarity", "baseline", "target",
                     "frequency", "source", "measurements", "target_changes", "retired"}));
    Json data = Pick(ind, {"id", "attached_to", "kind", "name", "unit", "polarity", "baseline",
                           "target", "frequency", "source"});
    JALON_RETURN_IF_ERROR(CheckArray(ind, "target_changes", path + ".target_changes"));
    const Json& changes = ArrayOr(ind, "target_changes");
    // An older document's changes are {from, to, reason}, its `target` the
    // last one; now `target` is the initial one and each change is dated.
    const bool old_changes = !changes.empty() && changes[0].is_object() &&
                             (changes[0].contains("from") || changes[0].contains("to"));
    if (old_changes && changes[0].contains("from")) {
      data["target"] = changes[0]["from"];  // defined with the initial target
    }
    b.Add("DefineIndicator", data, path);
    JALON_RETURN_IF_ERROR(CheckArray(ind, "measurements", path + ".measurements"));
    const Json& measurements = ArrayOr(ind, "measurements");
    for (size_t k = 0; k < measurements.size(); ++k) {
      const std::string mpath = At(path + ".measurements", k);
      const Json& m = measurements[k];
      JALON_RETURN_IF_ERROR(
          CheckObject(m, mpath, {"date", "value", "source", "comment", "corrections"}));
      JALON_RETURN_IF_ERROR(CheckArray(m, "corrections", mpath + ".corrections"));
      const Json& corrections = ArrayOr(m, "corrections");
      Json rec = Pick(m, {"date", "value", "source", "comment"});
      if (!corrections.empty() && corrections[0].is_object() && corrections[0].contains("from")) {
        rec["value"] = corrections[0]["from"];  // recorded first, corrected after
      }
      rec["indicator"] = ind.value("id", Json());
      b.Add("RecordMeasurement", rec, mpath);
      for (size_t c = 0; c < corrections.size(); ++c) {
        const std::string cpath = At(mpath + ".corrections", c);
        JALON_RETURN_IF_ERROR(CheckObject(corrections[c], cpath, {"from", "to", "reason"}));
        Json corr = {{"indicator", ind.value("id", Json())}, {"date", m.value("date", Json())}};
        if (corrections[c].contains("to")) corr["value"] = corrections[c]["to"];
        corr.update(Pick(corrections[c], {"reason"}));
        b.Add("CorrectMeasurement", corr, cpath);
      }
    }
    for (size_t k = 0; k < changes.size(); ++k) {
      const std::string tpath = At(path + ".target_changes", k);
      Json change = {{"indicator", ind.value("id", Json())}};
      if (old_changes) {
        JALON_RETURN_IF_ERROR(CheckObject(changes[k], tpath, {"from", "to", "reason"}));
        if (changes[k].contains("to")) change["target"] = changes[k]["to"];
        change.update(Pick(changes[k], {"reason"}));
      } else {
        JALON_RETURN_IF_ERROR(CheckObject(changes[k], tpath, {"date", "target", "reason", "by"}));
        change.update(Pick(changes[k], {"date", "target", "reason", "by"}));
      }
      b.Add("ChangeTarget", change, tpath);
    }
    JALON_RETURN_IF_ERROR(CheckMark(ind, "retired", path));
    if (Marked(ind, "retired")) {
      Json data = {{"indicator", ind.value("id", Json())}};
      if (!MarkDate(ind, "retired").empty()) data["date"] = ind["retired"];
      b.Add("RetireIndicator", data, path + ".retired", {"date"});
    }
  }

  const Json& reviews = ArrayOr(doc, "reviews");
  for (size_t i = 0; i < reviews.size(); ++i) {
    JALON_RETURN_IF_ERROR(CheckObject(reviews[i], At("reviews", i),
                                      {"date", "participants", "conclusions", "decisions"}));
    b.Add("HoldReview", reviews[i], At("reviews", i));
  }
  for (Closing& c : closings) {
    b.Add(c.type, std::move(c.data), std::move(c.path), std::move(c.injected)).fallback_date =
        c.fallback;
  }
  for (auto& [data, path] : drops) b.Add("DropAxis", data, path, {"date", "always"});
  return b.Take();
}

Result<Decision> DecideImport(const std::vector<ImportStep>& steps, Instant now) {
  PlanState scratch;
  Decision all;
  const std::string today = FormatDate(now);
  for (const ImportStep& step : steps) {
    const Command* command = &step.command;
    Command kept_by_today;
    if (step.fallback_date && command->data.contains("date") && command->data["date"].is_string() &&
        command->data["date"].get<std::string>() > today) {
      kept_by_today = *command;
      kept_by_today.data["date"] = today;
      command = &kept_by_today;
    }
    auto decision = Decide(scratch, *command, now);
    if (!decision.ok()) {
      auto [field, rule] = SplitFieldError(decision.status().message());
      const std::string head = field.substr(0, field.find_first_of(".["));
      const bool own = !field.empty() && !step.injected.contains(head);
      return Status::InvalidArgument((own ? step.path + "." + field : step.path) + ": " + rule);
    }
    all.stream = decision->stream;
    for (NewEvent& e : decision->events) {
      Event applied;
      applied.type = e.type;
      applied.position = applied.version = scratch.version + 1;
      applied.effective_at = e.effective_at;
      applied.recorded_at = now;
      JALON_RETURN_IF_ERROR(scratch.Apply(applied, DecodePayload(e.payload).value()));
      all.events.push_back(std::move(e));
    }
  }
  if (all.events.empty()) return Status::InvalidArgument("$: the document holds nothing to import");
  return all;
}

namespace {

// An action as the document has it: its initial dates, budget and staff at
// the top, its changes after them (model.h has the state's shape).
Json ExportAction(const PlanState& s, const std::string& id) {
  Json a = s.ActionJson(id);
  if (const auto planned = a.find("planned"); planned != a.end()) {
    for (const auto& [key, value] : planned->items()) a[key] = value;
    a.erase("planned");
  }
  return a;
}

Json ExportIndicator(const PlanState& s, const std::string& id, ExportDetail detail) {
  Json i = s.IndicatorJson(id);
  if (const auto initial = i.find("initial_target"); initial != i.end()) {
    i["target"] = *initial;
    i.erase("initial_target");
  }
  if (detail == ExportDetail::kDocument && i.contains("target_changes")) {
    for (Json& c : i["target_changes"]) c.erase("recorded");
  }
  return i;
}

}  // namespace

Json ExportPlan(const PlanState& s, ExportDetail detail) {
  Json doc = {{"format", kPlanFormat}, {"direction", s.direction}};
  // A plan's earlier cycles live in its log, not in the document: an import
  // opens a first cycle, so a document carries the plan's own fields only.
  if (s.plan_open()) {
    doc["plan"] = detail == ExportDetail::kDocument
                      ? Pick(s.plan, {"title", "period_start", "period_end", "dated"})
                      : s.plan;
  }
  Json sections = s.sections;
  doc["sections"] = sections;
  if (!s.identity.empty()) doc["identity"] = s.identity;
  doc["swot"] = s.swot.ToJson();
  doc["missions"] = s.missions.ToJson();
  doc["axes"] = s.axes.ToJson();
  doc["scenarios"] = s.scenarios.ToJson();
  Json actions = Json::array(), indicators = Json::array();
  for (const auto& id : s.actions.ids()) actions.push_back(ExportAction(s, id));
  for (const auto& id : s.indicators.ids()) indicators.push_back(ExportIndicator(s, id, detail));
  doc["actions"] = std::move(actions);
  doc["indicators"] = std::move(indicators);
  Json reviews = Json::array();
  for (const Json& r : s.reviews) {
    reviews.push_back(Pick(r, {"date", "participants", "conclusions", "decisions"}));
  }
  doc["reviews"] = std::move(reviews);
  return doc;
}

}  // namespace jalon
