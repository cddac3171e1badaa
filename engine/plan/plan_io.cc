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

class Builder {
 public:
  Builder(std::string code, std::optional<Instant> dated) : code_(std::move(code)), dated_(dated) {}

  void Add(std::string type, Json data, std::string path, std::set<std::string> injected = {}) {
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
    if (m.value("retired", false) == true)
      b.Add("RetireMission", {{"mission", m.value("id", Json())}}, path);
  }

  const Json& axes = ArrayOr(doc, "axes");
  std::vector<std::pair<Json, std::string>> drops;
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
    if (a.contains("dropped") && !a["dropped"].is_boolean())
      return BadPath(path + ".dropped", "must be true or false");
    if (a.value("dropped", false)) drops.emplace_back(a.value("id", Json()), path);
  }

  const Json& scenarios = ArrayOr(doc, "scenarios");
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Json& s = scenarios[i];
    const std::string path = At("scenarios", i);
    JALON_RETURN_IF_ERROR(CheckObject(s, path, {"id", "title", "axes", "retained"}));
    b.Add("ProposeScenario", Pick(s, {"id", "title", "axes"}), path);
    if (s.contains("retained") && !s["retained"].is_boolean()) {
      return BadPath(path + ".retained", "must be true or false");
    }
    if (s.value("retained", false))
      b.Add("RetainScenario", {{"scenario", s.value("id", Json())}}, path);
  }

  // Completions and cancellations come after the indicators: an indicator
  // was defined on its action while the action was open (one cannot be
  // defined on a cancelled action), and the import replays that order.
  std::vector<std::tuple<std::string, Json, std::string>> closings;
  const Json& actions = ArrayOr(doc, "actions");
  for (size_t i = 0; i < actions.size(); ++i) {
    const Json& a = actions[i];
    const std::string path = At("actions", i);
    JALON_RETURN_IF_ERROR(CheckObject(a, path,
                                      {"id", "axis", "title", "owner", "start", "due", "budget_eur",
                                       "fte", "status", "progress", "reschedules"}));
    Json data = Pick(a, {"id", "axis", "title", "owner", "start", "due", "budget_eur", "fte"});
    const Json status = a.value("status", Json("planned"));
    if (status != "planned" && status != "started" && status != "done" && status != "cancelled") {
      return BadPath(path + ".status", "must be one of planned, started, done, cancelled");
    }
    if (status == "started") data["status"] = "started";
    JALON_RETURN_IF_ERROR(CheckArray(a, "reschedules", path + ".reschedules"));
    const Json& reschedules = ArrayOr(a, "reschedules");
    if (!reschedules.empty()) {  // plan with the original dates, then replay each change
      JALON_RETURN_IF_ERROR(
          CheckObject(reschedules[0], At(path + ".reschedules", 0), {"from", "to", "reason"}));
      if (reschedules[0].contains("from") && reschedules[0]["from"].is_object()) {
        data.update(Pick(reschedules[0]["from"], {"start", "due"}));
      }
    }
    b.Add("PlanAction", data, path);
    for (size_t k = 0; k < reschedules.size(); ++k) {
      const std::string rpath = At(path + ".reschedules", k);
      JALON_RETURN_IF_ERROR(CheckObject(reschedules[k], rpath, {"from", "to", "reason"}));
      Json r = reschedules[k].contains("to") && reschedules[k]["to"].is_object()
                   ? Pick(reschedules[k]["to"], {"start", "due"})
                   : Json::object();
      r.update(Pick(reschedules[k], {"reason"}));
      r["action"] = a.value("id", Json());
      b.Add("RescheduleAction", r, rpath);
    }
    JALON_RETURN_IF_ERROR(CheckArray(a, "progress", path + ".progress"));
    const Json& progress = ArrayOr(a, "progress");
    for (size_t k = 0; k < progress.size(); ++k) {
      const std::string ppath = At(path + ".progress", k);
      JALON_RETURN_IF_ERROR(CheckObject(progress[k], ppath, {"date", "percent", "note"}));
      Json p = progress[k];
      p["action"] = a.value("id", Json());
      b.Add("ReportProgress", p, ppath);
    }
    if (status == "done") closings.emplace_back("CompleteAction", a.value("id", Json()), path);
    if (status == "cancelled") closings.emplace_back("CancelAction", a.value("id", Json()), path);
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
    if (!changes.empty() && changes[0].is_object() && changes[0].contains("from")) {
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
      JALON_RETURN_IF_ERROR(CheckObject(changes[k], tpath, {"from", "to", "reason"}));
      Json change = {{"indicator", ind.value("id", Json())}};
      if (changes[k].contains("to")) change["target"] = changes[k]["to"];
      change.update(Pick(changes[k], {"reason"}));
      b.Add("ChangeTarget", change, tpath);
    }
    if (ind.contains("retired") && !ind["retired"].is_boolean())
      return BadPath(path + ".retired", "must be true or false");
    if (ind.value("retired", false))
      b.Add("RetireIndicator", {{"indicator", ind.value("id", Json())}}, path);
  }

  const Json& reviews = ArrayOr(doc, "reviews");
  for (size_t i = 0; i < reviews.size(); ++i) {
    JALON_RETURN_IF_ERROR(
        CheckObject(reviews[i], At("reviews", i), {"date", "participants", "decisions"}));
    b.Add("HoldReview", reviews[i], At("reviews", i));
  }
  for (auto& [type, action, path] : closings) b.Add(type, {{"action", action}}, path + ".status");
  for (auto& [axis, path] : drops) b.Add("DropAxis", {{"axis", axis}}, path);
  return b.Take();
}

Result<Decision> DecideImport(const std::vector<ImportStep>& steps, Instant now) {
  PlanState scratch;
  Decision all;
  for (const ImportStep& step : steps) {
    auto decision = Decide(scratch, step.command, now);
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
      JALON_RETURN_IF_ERROR(scratch.Apply(applied, DecodePayload(e.payload).value()));
      all.events.push_back(std::move(e));
    }
  }
  if (all.events.empty()) return Status::InvalidArgument("$: the document holds nothing to import");
  return all;
}

Json ExportPlan(const PlanState& s) {
  Json doc = {{"format", kPlanFormat}, {"direction", s.direction}};
  if (s.plan_open()) doc["plan"] = s.plan;
  Json sections = s.sections;
  doc["sections"] = sections;
  if (!s.identity.empty()) doc["identity"] = s.identity;
  doc["swot"] = s.swot.ToJson();
  doc["missions"] = s.missions.ToJson();
  doc["axes"] = s.axes.ToJson();
  doc["scenarios"] = s.scenarios.ToJson();
  Json actions = Json::array(), indicators = Json::array();
  for (const auto& id : s.actions.ids()) actions.push_back(s.ActionJson(id));
  for (const auto& id : s.indicators.ids()) indicators.push_back(s.IndicatorJson(id));
  doc["actions"] = std::move(actions);
  doc["indicators"] = std::move(indicators);
  Json reviews = Json::array();
  for (const Json& r : s.reviews) reviews.push_back(Pick(r, {"date", "participants", "decisions"}));
  doc["reviews"] = std::move(reviews);
  return doc;
}

}  // namespace jalon
