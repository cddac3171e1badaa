#include "engine/plan/plan_state.h"

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include "engine/log/payload.h"
#include "engine/util/cbor.h"
#include "engine/plan/encoding/compact_vector.h"
#include "engine/plan/encoding/phrase_code.h"

namespace jalon {
namespace {

constexpr std::string_view kStreamPrefix = "plan/";

// Copies `keys` present in `from` into `to`.
void CopyPresent(const Json& from, Json& to, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (const auto it = from.find(k); it != from.end()) to[k] = *it;
  }
}

// A Measurement's optional text as the series takes it.
std::optional<std::string_view> TextIf(bool has, const std::string& text) {
  return has ? std::optional<std::string_view>(text) : std::nullopt;
}

// NotFound, not Corruption: time travel by business date skips exactly
// these (an event whose parent is dated later), and nothing else.
Status Missing(const Event& e, std::string_view what, const std::string& id) {
  return Status::NotFound("position " + std::to_string(e.position) + ": " + e.type + " refers to " +
                          std::string(what) + " '" + id + "' which does not exist");
}

using Applier = std::function<Status(PlanState&, const Event&, const Json&)>;

// OccurrenceFired and OccurrenceSkipped: {status, due, caught_up | reason}.
Status RecordOccurrence(PlanState& s, const Json& p, const char* status) {
  Json o = {{"status", status}};
  CopyPresent(p, o, {"due", "caught_up", "reason"});
  const std::string& id = p.at("occurrence").get_ref<const std::string&>();
  if (s.occurrences.Contains(id)) {
    s.occurrences.Put(id, o);
  } else {
    s.occurrences.Add(id, o);
  }
  return Status::Ok();
}

// Finds entity `id` (payload[key]) in `c`, or fails naming the event.
// Binds `var` to the reminder with id `id`, or returns NotFound.
#define JALON_FIND_REMINDER(var, id)                           \
  Reminder* var##_ptr = s.reminders.Find(id);                  \
  if (var##_ptr == nullptr) return Missing(e, "reminder", id); \
  Reminder& var = *var##_ptr

// Binds `var` to a decoded copy of the entity payload[key] of `collection`,
// or returns NotFound naming the event. JALON_PUT stores the changed copy.
#define JALON_FIND(var, collection, key, what)              \
  const std::string var##_id = p.value(key, std::string()); \
  std::optional<Json> var = (collection).Find(var##_id);    \
  if (!var) return Missing(e, what, var##_id)
#define JALON_PUT(var, collection) (collection).Put(var##_id, *var)
// Returns NotFound naming the event unless entity payload[key] exists.
#define JALON_REQUIRE(collection, key, what)                                          \
  if (const std::string id = p.value(key, std::string()); !(collection).Contains(id)) \
  return Missing(e, what, id)

// ReminderEscalated, for each reminder it lists: one more notice to send at
// `level`, its delivery attempts starting over.
void Escalate(Reminder& r, int32_t level, Instant at) {
  r.level = level;
  ++r.notices;
  r.attempts = 0;
  r.retry_at = Instant{};
  r.last_notice_at = at;
}

// The events that add an entity made of some of their payload's fields,
// plus at most one field of its own when the payload has none: applied from
// a decoded document (AddEntity, for the appliers' table) and straight from
// the stored payload (AddEntityFromPayload, for ApplyEncoded: replaying an
// import's structural events through documents was half of a rebuild's
// applying). One list of fields serves both.
struct EntityAdd {
  Collection PlanState::*collection;
  std::vector<const char*> fields;
  const char* default_key = nullptr;  // set when the payload has no such field
  Json default_value;
};

const std::unordered_map<std::string_view, EntityAdd>& EntityAdds() {
  static const auto* adds = new std::unordered_map<std::string_view, EntityAdd>{
      {"SwotItemAdded", {&PlanState::swot, {"id", "quadrant", "text", "evidence"}, nullptr, {}}},
      {"MissionDefined", {&PlanState::missions, {"id", "title", "description"}, nullptr, {}}},
      {"AxisProposed",
       {&PlanState::axes, {"id", "title", "rationale", "missions"}, "dropped", false}},
      {"ScenarioProposed", {&PlanState::scenarios, {"id", "title", "axes"}, "retained", false}},
      {"ActionPlanned",
       {&PlanState::actions,
        {"id", "axis", "title", "owner", "start", "due", "budget_eur", "fte", "status"},
        "status",
        "planned"}},
      {"IndicatorDefined",
       {&PlanState::indicators,
        {"id", "attached_to", "kind", "name", "unit", "polarity", "baseline", "target", "frequency",
         "source"},
        nullptr,
        {}}},
  };
  return *adds;
}

Status AddEntity(const EntityAdd& add, PlanState& s, const Json& p) {
  Json item = Json::object();
  for (const char* k : add.fields) {
    if (const auto it = p.find(k); it != p.end()) item[k] = *it;
  }
  if (add.default_key != nullptr && !item.contains(add.default_key)) {
    item[add.default_key] = add.default_value;
  }
  (s.*add.collection).Add(p.at("id").get<std::string>(), item);
  return Status::Ok();
}

const std::unordered_map<std::string_view, Applier>& Appliers() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, Applier>{
      {"DirectionRegistered",
       [](PlanState& s, const Event&, const Json& p) {
         s.code = p.at("code").get<std::string>();
         s.direction = Json::object();
         CopyPresent(p, s.direction, {"code", "name", "pole"});
         return Status::Ok();
       }},
      {"PlanOpened",
       [](PlanState& s, const Event&, const Json& p) {
         s.plan = Json::object();
         CopyPresent(p, s.plan, {"title", "period_start", "period_end", "dated"});
         return Status::Ok();
       }},
      {"SectionEdited",
       [](PlanState& s, const Event&, const Json& p) {
         if (p.contains("text")) s.sections[p.at("section").get<std::string>()] = p.at("text");
         CopyPresent(p, s.identity, {"site", "agents", "activity_volume"});
         return Status::Ok();
       }},
      {"SwotItemRemoved",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_REQUIRE(s.swot, "id", "SWOT item");
         s.swot.Remove(p.at("id").get<std::string>());
         return Status::Ok();
       }},
      {"MissionEdited",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(m, s.missions, "mission", "mission");
         CopyPresent(p, *m, {"title", "description"});
         JALON_PUT(m, s.missions);
         return Status::Ok();
       }},
      {"MissionRetired",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(m, s.missions, "mission", "mission");
         (*m)["retired"] = true;
         JALON_PUT(m, s.missions);
         return Status::Ok();
       }},
      {"MissionAssessed",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(m, s.missions, "mission", "mission");
         for (const char* part : {"values", "ambitions"}) {
           if (!p.contains(part)) continue;
           if (!m->contains(part)) (*m)[part] = Json::object();
           for (const auto& [k, v] : p.at(part).items()) (*m)[part][k] = v;
         }
         JALON_PUT(m, s.missions);
         return Status::Ok();
       }},
      {"AxisValidated",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.axes, "axis", "axis");
         Json v = Json::object();
         CopyPresent(p, v, {"orientation", "by", "date"});
         (*a)["validation"] = std::move(v);
         JALON_PUT(a, s.axes);
         return Status::Ok();
       }},
      {"AxisEdited",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.axes, "axis", "axis");
         CopyPresent(p, *a, {"title", "rationale", "missions"});
         JALON_PUT(a, s.axes);
         return Status::Ok();
       }},
      {"AxisDropped",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.axes, "axis", "axis");
         (*a)["dropped"] = true;
         JALON_PUT(a, s.axes);
         return Status::Ok();
       }},
      {"ScenarioRetained",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_REQUIRE(s.scenarios, "scenario", "scenario");
         const std::string chosen = p.value("scenario", std::string());
         const std::vector<std::string> ids(s.scenarios.ids().begin(), s.scenarios.ids().end());
         for (const std::string& id : ids) {
           Json scenario = s.scenarios.At(id);
           scenario["retained"] = id == chosen;
           s.scenarios.Put(id, scenario);
         }
         return Status::Ok();
       }},
      {"ActionEdited",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.actions, "action", "action");
         CopyPresent(p, *a, {"title", "owner", "budget_eur", "fte", "status"});
         JALON_PUT(a, s.actions);
         return Status::Ok();
       }},
      {"ProgressReported",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_REQUIRE(s.actions, "action", "action");
         s.progress[p.at("action").get<std::string>()].push_back(ProgressReport::FromJson(p));
         return Status::Ok();
       }},
      {"ActionRescheduled",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.actions, "action", "action");
         Json r = {{"from", {{"start", (*a)["start"]}, {"due", (*a)["due"]}}}};
         CopyPresent(p, *a, {"start", "due"});
         r["to"] = {{"start", (*a)["start"]}, {"due", (*a)["due"]}};
         CopyPresent(p, r, {"reason"});
         if (!a->contains("reschedules")) (*a)["reschedules"] = Json::array();
         (*a)["reschedules"].push_back(std::move(r));
         JALON_PUT(a, s.actions);
         return Status::Ok();
       }},
      {"ActionCompleted",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.actions, "action", "action");
         (*a)["status"] = "done";
         JALON_PUT(a, s.actions);
         return Status::Ok();
       }},
      {"ActionCancelled",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(a, s.actions, "action", "action");
         (*a)["status"] = "cancelled";
         JALON_PUT(a, s.actions);
         return Status::Ok();
       }},
      {"TargetChanged",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(i, s.indicators, "indicator", "indicator");
         Json change = {{"from", (*i)["target"]}, {"to", p.at("target")}};
         CopyPresent(p, change, {"reason"});
         if (!i->contains("target_changes")) (*i)["target_changes"] = Json::array();
         (*i)["target_changes"].push_back(std::move(change));
         (*i)["target"] = p.at("target");
         JALON_PUT(i, s.indicators);
         return Status::Ok();
       }},
      {"IndicatorRetired",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND(i, s.indicators, "indicator", "indicator");
         (*i)["retired"] = true;
         JALON_PUT(i, s.indicators);
         return Status::Ok();
       }},
      {"MeasurementRecorded",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_REQUIRE(s.indicators, "indicator", "indicator");
         s.measurements[p.at("indicator").get<std::string>()].Add(Measurement::FromJson(p));
         return Status::Ok();
       }},
      {"MeasurementCorrected",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_REQUIRE(s.indicators, "indicator", "indicator");
         MeasurementSeries& series = s.measurements[p.at("indicator").get<std::string>()];
         const size_t i = series.Find(DayOf(p.at("date").get<std::string>()));
         if (i == MeasurementSeries::npos) {
           return Missing(e, "measurement of", p.value("date", std::string()));
         }
         const Measurement corrected = Measurement::FromJson(p);
         Json c = {{"from", series[i].ToJson()["value"]}, {"to", p.at("value")}};
         CopyPresent(p, c, {"reason"});
         series.Correct(i, corrected.value, corrected.value_is_integer,
                        TextIf(corrected.has_source, corrected.source),
                        TextIf(corrected.has_comment, corrected.comment), std::move(c));
         return Status::Ok();
       }},
      {"ReviewHeld",
       [](PlanState& s, const Event&, const Json& p) {
         Json r = Json::object();
         CopyPresent(p, r, {"date", "participants", "decisions"});
         r["number"] = s.reviews.size() + 1;
         r["plan_hash"] = ToHex(s.last_hash);  // the plan as it stood when the review met
         s.reviews.push_back(std::move(r));
         return Status::Ok();
       }},
      {"RevisionOpened",
       [](PlanState& s, const Event&, const Json& p) {
         s.revision = Json::object();
         CopyPresent(p, s.revision, {"date", "due"});
         return Status::Ok();
       }},
      {"RevisionClosed",
       [](PlanState& s, const Event&, const Json& p) {
         if (!s.revision.is_object()) s.revision = Json::object();
         s.revision["closed"] = p.value("date", Json());
         CopyPresent(p, s.revision, {"decision"});
         return Status::Ok();
       }},
      {"EvaluationOpened",
       [](PlanState& s, const Event&, const Json& p) {
         s.evaluation = Json::object();
         CopyPresent(p, s.evaluation, {"date"});
         return Status::Ok();
       }},
      // The jobs' events (jobs/ decides them; the plan keeps their record).
      {"OccurrenceFired",
       [](PlanState& s, const Event&, const Json& p) { return RecordOccurrence(s, p, "fired"); }},
      {"OccurrenceSkipped",
       [](PlanState& s, const Event&, const Json& p) { return RecordOccurrence(s, p, "skipped"); }},
      {"ReviewDue",
       [](PlanState& s, const Event&, const Json& p) {
         s.reviews_due.push_back(DayOf(p.at("date").get<std::string>()));
         return Status::Ok();
       }},
      {"ReminderIssued",
       [](PlanState& s, const Event& e, const Json& p) {
         Reminder r(p.at("reminder").get_ref<const std::string&>(),
                    p.at("rule").get_ref<const std::string&>(),
                    p.at("subject").get_ref<const std::string&>(), p.value("expected", ""));
         r.due_day = DayOf(p.at("due").get<std::string>());
         r.issued_at = e.recorded_at;
         r.notices = 1;
         r.last_notice_at = e.recorded_at;
         s.reminders.Put(std::move(r));
         return Status::Ok();
       }},
      {"ReminderEscalated",
       [](PlanState& s, const Event& e, const Json& p) {
         const int32_t level = p.at("level").get<int32_t>();
         auto ids = EscalatedReminders(p);
         if (!ids.ok()) return ids.status().WithContext("position " + std::to_string(e.position));
         for (const std::string& id : *ids) {
           JALON_FIND_REMINDER(r, id);
           Escalate(r, level, e.recorded_at);
         }
         return Status::Ok();
       }},
      {"ReminderResolved",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND_REMINDER(r, p.at("reminder").get<std::string>());
         r.state = Reminder::State::kResolved;
         r.resolved_at = e.recorded_at;
         return Status::Ok();
       }},
      {"ReminderAcknowledged",
       [](PlanState& s, const Event& e, const Json& p) {
         JALON_FIND_REMINDER(r, p.at("reminder").get<std::string>());
         r.state = Reminder::State::kAcknowledged;
         return Status::Ok();
       }},
      {"DeliveryAttempted", [](PlanState&, const Event&, const Json&) { return Status::Ok(); }},
      {"ReminderDelivered",
       [](PlanState& s, const Event& e, const Json& p) {
         for (const Json& item : p.at("reminders")) {
           JALON_FIND_REMINDER(r, item.at("id").get<std::string>());
           r.delivered = std::max(r.delivered, item.at("notice").get<uint32_t>());
           r.attempts = 0;
           r.retry_at = Instant{};
         }
         return Status::Ok();
       }},
      {"DeliveryFailed",
       [](PlanState& s, const Event& e, const Json& p) {
         auto retry_at = ParseInstant(p.at("retry_at").get<std::string>());
         for (const Json& item : p.at("reminders")) {
           JALON_FIND_REMINDER(r, item.at("id").get<std::string>());
           r.attempts = p.at("attempt").get<uint32_t>();
           if (retry_at.ok()) r.retry_at = *retry_at;
         }
         return Status::Ok();
       }},
  };
    for (const auto& [type, add] : EntityAdds()) {
      t->emplace(type, [&add = add](PlanState& s, const Event&, const Json& p) {
        return AddEntity(add, s, p);
      });
    }
    return t;
  }();
  return *table;
}

#undef JALON_FIND
#undef JALON_PUT
#undef JALON_REQUIRE
#undef JALON_FIND_REMINDER

}  // namespace

int32_t DayOf(Instant t) {
  return static_cast<int32_t>(std::chrono::floor<std::chrono::days>(t).time_since_epoch().count());
}

int32_t DayOf(const std::string& iso_date) {
  auto date = ParseDate(iso_date);
  // Decide only ever stores valid dates; a damaged event may not. Apply
  // turns this into a Corruption naming the event.
  if (!date.ok()) throw std::invalid_argument("'" + iso_date + "': " + date.status().message());
  return DayOf(*date);
}

std::string DateOfDay(int32_t day) { return FormatDate(Instant(std::chrono::days(day))); }

namespace {

Json Number(double v, bool is_integer) {
  return is_integer ? Json(static_cast<int64_t>(v)) : Json(v);
}

}  // namespace

Json Measurement::ToJson() const {
  Json j = {{"date", DateOfDay(day)}, {"value", Number(value, value_is_integer)}};
  if (has_source) j["source"] = source;
  if (has_comment) j["comment"] = comment;
  if (!corrections.is_null()) j["corrections"] = corrections;
  return j;
}

Measurement Measurement::FromJson(const Json& j) {
  Measurement m;
  m.day = DayOf(j.at("date").get<std::string>());
  m.value = j.at("value").get<double>();
  m.value_is_integer = j.at("value").is_number_integer();
  if (auto it = j.find("source"); it != j.end()) {
    m.has_source = true;
    m.source = it->get<std::string>();
  }
  if (auto it = j.find("comment"); it != j.end()) {
    m.has_comment = true;
    m.comment = it->get<std::string>();
  }
  if (auto it = j.find("corrections"); it != j.end()) m.corrections = *it;
  return m;
}

Measurement MeasurementSeries::operator[](size_t i) const {
  const Row& r = rows_[i];
  Measurement m;
  m.day = r.day;
  m.value = r.value;
  m.value_is_integer = r.integer;
  if (r.source != 0) {
    m.has_source = true;
    m.source = Text(r.source);
  }
  if (r.comment != 0) {
    m.has_comment = true;
    m.comment = Text(r.comment);
  }
  if (r.corrected) {
    auto it = std::lower_bound(corrections_.begin(), corrections_.end(), i,
                               [](const auto& c, size_t row) { return c.first < row; });
    m.corrections = it->second;
  }
  return m;
}

size_t MeasurementSeries::Find(int32_t day) const {
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].day == day) return i;
  }
  return npos;
}

size_t MeasurementSeries::LatestUpTo(int32_t day) const {
  size_t latest = npos;
  for (size_t i = 0; i < rows_.size(); ++i) {
    if (rows_[i].day > day) continue;
    if (latest == npos || rows_[i].day >= rows_[latest].day) latest = i;
  }
  return latest;
}

std::optional<int32_t> MeasurementSeries::LastDay() const {
  std::optional<int32_t> last;
  for (const Row& r : rows_) last = std::max(last.value_or(r.day), r.day);
  return last;
}

uint32_t MeasurementSeries::Intern(std::optional<std::string_view> text) {
  if (!text) return 0;
  // The texts a series repeats are recent ones; a text seen long ago is
  // stored again rather than searched for, so that adding stays O(1).
  constexpr size_t kLookBack = 8;
  for (size_t k = texts_.size(); k > 0 && texts_.size() - k < kLookBack; --k) {
    if (texts_[k - 1] == *text) return static_cast<uint32_t>(k);
  }
  ReserveOneMore(texts_);
  texts_.emplace_back(*text);
  return static_cast<uint32_t>(texts_.size());
}

void MeasurementSeries::Add(int32_t day, double value, bool integer,
                            std::optional<std::string_view> source,
                            std::optional<std::string_view> comment) {
  ReserveOneMore(rows_);
  rows_.push_back({value, day, Intern(source), Intern(comment), integer, false});
}

void MeasurementSeries::Add(const Measurement& m) {
  Add(m.day, m.value, m.value_is_integer, TextIf(m.has_source, m.source),
      TextIf(m.has_comment, m.comment));
  if (m.corrections.is_null()) return;
  rows_.back().corrected = true;
  corrections_.emplace_back(static_cast<uint32_t>(rows_.size() - 1), m.corrections);
}

void MeasurementSeries::Correct(size_t i, double value, bool integer,
                                std::optional<std::string_view> source,
                                std::optional<std::string_view> comment, Json correction) {
  Row& r = rows_[i];
  r.value = value;
  r.integer = integer;
  if (source) r.source = Intern(source);
  if (comment) r.comment = Intern(comment);
  auto it = std::lower_bound(corrections_.begin(), corrections_.end(), i,
                             [](const auto& c, size_t row) { return c.first < row; });
  if (it == corrections_.end() || it->first != i) {
    it = corrections_.emplace(it, static_cast<uint32_t>(i), Json::array());
  }
  it->second.push_back(std::move(correction));
  r.corrected = true;
}

Json ProgressReport::ToJson() const {
  Json j = {{"date", DateOfDay(day)}, {"percent", Number(percent, percent_is_integer)}};
  if (has_note) j["note"] = note;
  return j;
}

ProgressReport ProgressReport::FromJson(const Json& j) {
  ProgressReport r;
  r.day = DayOf(j.at("date").get<std::string>());
  r.percent = j.at("percent").get<double>();
  r.percent_is_integer = j.at("percent").is_number_integer();
  if (auto it = j.find("note"); it != j.end()) {
    r.has_note = true;
    r.note = it->get<std::string>();
  }
  return r;
}

const std::vector<ProgressReport>& PlanState::ProgressOf(const std::string& action_id) const {
  static const std::vector<ProgressReport> kNone;
  auto it = progress.find(action_id);
  return it == progress.end() ? kNone : it->second;
}

const MeasurementSeries& PlanState::MeasurementsOf(const std::string& indicator_id) const {
  static const MeasurementSeries kNone;
  auto it = measurements.find(indicator_id);
  return it == measurements.end() ? kNone : it->second;
}

Json PlanState::ActionJson(const std::string& id) const {
  std::optional<Json> a = actions.Find(id);
  if (!a) return nullptr;
  Json j = std::move(*a);
  Json reports = Json::array();
  for (const ProgressReport& r : ProgressOf(id)) reports.push_back(r.ToJson());
  j["progress"] = std::move(reports);
  return j;
}

Json PlanState::IndicatorJson(const std::string& id) const {
  std::optional<Json> i = indicators.Find(id);
  if (!i) return nullptr;
  Json j = std::move(*i);
  Json list = Json::array();
  for (const Measurement& m : MeasurementsOf(id)) list.push_back(m.ToJson());
  j["measurements"] = std::move(list);
  return j;
}

size_t Collection::Index(std::string_view id) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i][0] == id) return i;
  }
  return kNone;
}

namespace {

// Entities are kept as CBOR with their common keys written as one control
// character each: keys were half of an indicator's 193 bytes, and a city
// keeps tens of entities per plan in memory. The snapshot format depends on
// this list: append only, and raise kSnapshotFormat if it ever changes.
constexpr PhraseCode<30> kEntityKeys(
    {"id",         "title",       "text",        "description", "name",     "date",
     "value",      "status",      "attached_to", "kind",        "unit",     "polarity",
     "baseline",   "target",      "frequency",   "source",      "owner",    "start",
     "due",        "budget_eur",  "caught_up",   "axis",        "missions", "rationale",
     "validation", "orientation", "reason",      "dropped",     "quadrant", "evidence"});

// `j` in CBOR with the object keys coded by kEntityKeys: the bytes that
// nlohmann's to_cbor writes for the copy of `j` with coded keys (a test
// holds the two to the same bytes), without building that copy, which cost
// as much as the rest of applying a structural event. False, with `out`
// unspecified, for what entities never hold (binary values).
bool AppendEntityCbor(const Json& j, std::string* out) {
  switch (j.type()) {
    case Json::value_t::null:
      out->push_back(static_cast<char>(0xF6));
      return true;
    case Json::value_t::boolean:
      out->push_back(static_cast<char>(j.get<bool>() ? 0xF5 : 0xF4));
      return true;
    case Json::value_t::number_integer:
      cbor::AppendInt(j.get<int64_t>(), out);
      return true;
    case Json::value_t::number_unsigned:
      cbor::AppendHead(0, j.get<uint64_t>(), out);
      return true;
    case Json::value_t::number_float:
      cbor::AppendDouble(j.get<double>(), out);
      return true;
    case Json::value_t::string:
      cbor::AppendText(j.get_ref<const std::string&>(), out);
      return true;
    case Json::value_t::array:
      cbor::AppendHead(4, j.size(), out);
      for (const Json& v : j) {
        if (!AppendEntityCbor(v, out)) return false;
      }
      return true;
    case Json::value_t::object: {
      // In the order of the coded keys, as the coded copy's map holds them.
      std::vector<std::pair<std::string, const Json*>> members;
      members.reserve(j.size());
      for (const auto& [k, v] : j.items()) members.emplace_back(kEntityKeys.Code(k), &v);
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      cbor::AppendHead(5, members.size(), out);
      for (const auto& [key, v] : members) {
        cbor::AppendText(key, out);
        if (!AppendEntityCbor(*v, out)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// The copy of `j` with its keys coded: what the writer above must match,
// and its fallback.
Json WithShortKeys(const Json& j) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[kEntityKeys.Code(k)] = WithShortKeys(v);
    return out;
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const Json& v : j) out.push_back(WithShortKeys(v));
    return out;
  }
  return j;
}

// nlohmann's DOM builder with the keys expanded as they are read.
class ExpandingDom : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;
  bool key(std::string& k) {
    kEntityKeys.ExpandInPlace(&k);
    return json_sax_dom_parser::key(k);
  }
};

}  // namespace

std::string Collection::Encode(const Json& item) {
  std::string bytes;
  if (AppendEntityCbor(item, &bytes)) return bytes;
  return ReferenceEncode(item);
}

std::string Collection::ReferenceEncode(const Json& item) {
  std::string bytes;
  Json::to_cbor(WithShortKeys(item), nlohmann::detail::output_adapter<char, std::string>(bytes));
  return bytes;
}

Json Collection::Decode(std::string_view bytes) {
  Json out;
  ExpandingDom dom(out);
  Json::sax_parse(bytes.begin(), bytes.end(), &dom, nlohmann::detail::input_format_t::cbor);
  return out;
}

namespace {

// Collects the top-level scalar fields of a CBOR object, skipping nested
// values: nlohmann's SAX interface over the same reader as from_cbor.
class ScalarSax final : public nlohmann::json_sax<Json> {
 public:
  explicit ScalarSax(EntityFields* out) : out_(out) {}
  bool null() override { return Put(Json()); }
  bool boolean(bool v) override { return Put(Json(v)); }
  bool number_integer(number_integer_t v) override { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Put(Json(v)); }
  bool string(string_t& v) override { return Put(Json(std::move(v))); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Enter(); }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      key_ = std::move(k);
      kEntityKeys.ExpandInPlace(&key_);
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw std::runtime_error(std::string("entity does not decode: ") + e.what());
  }

 private:
  bool Enter() {
    ++depth_;
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }
  bool Put(Json v) {
    if (depth_ == 1) out_->fields.emplace_back(std::move(key_), std::move(v));
    return true;
  }
  EntityFields* out_;
  int depth_ = 0;
  std::string key_;
};

}  // namespace

EntityFields Collection::Scan(std::string_view bytes) {
  EntityFields out;
  ScalarSax sax(&out);
  Json::sax_parse(bytes.begin(), bytes.end(), &sax, nlohmann::detail::input_format_t::cbor);
  return out;
}

std::optional<EntityFields> Collection::FieldsOf(std::string_view id) const {
  const size_t i = Index(id);
  if (i == kNone) return std::nullopt;
  return Scan(entries_[i][1]);
}

const Json* EntityFields::Get(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string EntityFields::Text(std::string_view key, std::string_view fallback) const {
  const Json* v = Get(key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string(fallback);
}

bool EntityFields::Flag(std::string_view key, bool fallback) const {
  const Json* v = Get(key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

std::optional<Json> Collection::Find(std::string_view id) const {
  const size_t i = Index(id);
  if (i == kNone) return std::nullopt;
  return Decode(entries_[i][1]);
}

Json Collection::At(std::string_view id) const {
  const size_t i = Index(id);
  if (i == kNone) throw std::out_of_range("no entity '" + std::string(id) + "'");
  return Decode(entries_[i][1]);
}

void Collection::Add(std::string id, const Json& item) {
  ReserveOneMore(entries_);
  entries_.push_back(Entry({id, Encode(item)}));
}

void Collection::AddEncoded(std::string id, std::string bytes) {
  ReserveOneMore(entries_);
  entries_.push_back(Entry({id, bytes}));
}

void Collection::Put(std::string_view id, const Json& item) {
  const size_t i = Index(id);
  if (i == kNone) throw std::out_of_range("no entity '" + std::string(id) + "'");
  entries_[i] = Entry({entries_[i][0], Encode(item)});
}

void Collection::Remove(std::string_view id) {
  const size_t i = Index(id);
  if (i != kNone) entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
}

Json Collection::ToJson() const {
  Json out = Json::array();
  for (const Entry& e : entries_) out.push_back(Decode(e[1]));
  return out;
}

namespace {

// The events that change a reminder's notices and deliveries only (see
// PlanState::data_version).
bool IsNoticeBookkeeping(std::string_view type) {
  return type == "ReminderEscalated" || type == "ReminderAcknowledged" ||
         type == "DeliveryAttempted" || type == "ReminderDelivered" || type == "DeliveryFailed";
}

// What every applied event moves, whichever way it was applied: the plan's
// version and chain position, and its data_version unless the event is
// notice bookkeeping. For Event and EventView alike.
template <class E>
void RecordApplied(PlanState& s, const E& event) {
  s.version = event.version;
  if (!IsNoticeBookkeeping(event.type)) s.data_version = event.version;
  s.last_position = event.position;
  s.last_hash = event.hash;
}

}  // namespace

Status PlanState::Apply(const Event& event, const Json& payload) {
  const auto& table = Appliers();
  auto it = table.find(event.type);
  if (it == table.end()) {
    return Status::Corruption("position " + std::to_string(event.position) +
                              ": unknown event type '" + event.type + "' in plan stream " +
                              event.stream);
  }
  Status s;
  try {
    s = it->second(*this, event, payload);
  } catch (const std::exception& ex) {  // a JSON type error, a malformed date
    s = Status::Corruption("position " + std::to_string(event.position) + ": " + event.type +
                           " payload does not fit: " + ex.what());
  }
  if (!s.ok()) return s;
  RecordApplied(*this, event);
  return Status::Ok();
}

namespace {

// The fields of a measurement or progress payload, read without JSON: views
// into the payload's bytes.
struct HotPayload {
  std::string_view parent;  // the indicator or action id
  int32_t day = 0;
  double number = 0;  // value or percent
  bool integer = false;
  std::optional<std::string_view> text_a;  // source or note
  std::optional<std::string_view> text_b;  // comment (measurements only)
};

Status ReadHot(const EventView& e, HotPayload* out) {
  const bool measurement = e.type == "MeasurementRecorded";
  const std::string_view parent_key = measurement ? "indicator" : "action";
  const std::string_view number_key = measurement ? "value" : "percent";
  const std::string_view a_key = measurement ? "source" : "note";
  std::string_view date;
  bool has_number = false;
  Status s = ForEachPayloadField(e.payload, [&](std::string_view key, const PayloadScalar& v) {
    using K = PayloadScalar::Kind;
    if (key == parent_key && v.kind == K::kString) {
      out->parent = v.text;
    } else if (key == "date" && v.kind == K::kString) {
      date = v.text;
    } else if (key == number_key && v.kind == K::kNumber) {
      out->number = v.number;
      out->integer = v.integer;
      has_number = true;
    } else if (key == a_key && v.kind == K::kString) {
      out->text_a = v.text;
    } else if (measurement && key == "comment" && v.kind == K::kString) {
      out->text_b = v.text;
    }
  });
  if (!s.ok()) return s;
  auto parsed = ParseDate(date);
  if (out->parent.empty() || !parsed.ok() || !has_number) {
    return Status::Corruption(std::string(e.type) + " payload does not fit");
  }
  out->day = DayOf(*parsed);
  return Status::Ok();
}

// AddEntity from the stored payload, without a document: the entity's CBOR
// is written from the payload's bytes. False, having changed nothing, if
// the payload does not fit (no string id, damage): the caller then takes
// the document's way, which reports what is wrong.
bool AddEntityFromPayload(const EntityAdd& add, PlanState& s, std::string_view payload) {
  std::vector<cbor::Member> members;
  const bool read = PayloadMembersToCbor(
      payload,
      [&add](std::string_view key) {
        return std::find(add.fields.begin(), add.fields.end(), key) != add.fields.end();
      },
      [](std::string_view key) { return kEntityKeys.Code(key); }, &members);
  if (!read) return false;
  const std::string id_key = kEntityKeys.Code("id");
  const std::string default_key = add.default_key ? kEntityKeys.Code(add.default_key) : "";
  std::optional<std::string_view> id;
  bool has_default = false;
  for (const cbor::Member& m : members) {
    if (m.key == id_key) id = cbor::TextOf(m.value);
    has_default = has_default || (add.default_key != nullptr && m.key == default_key);
  }
  if (!id) return false;
  std::string entity_id(*id);
  if (add.default_key != nullptr && !has_default) {
    members.push_back({default_key, Collection::Encode(add.default_value)});
  }
  std::string bytes;
  cbor::AppendMap(members, &bytes);
  (s.*add.collection).AddEncoded(std::move(entity_id), std::move(bytes));
  return true;
}

// ReminderEscalated from the stored payload: the listed reminders' ids as
// views of its bytes, without a document. A scheduler's pass appends one
// per plan, listing the plan's due reminders, and applies each. False,
// having changed nothing, unless the payload is in the current form
// (integer level, an array of string ids) and every listed reminder exists:
// the document's way then reports what is wrong, as it always did.
bool EscalateFromPayload(PlanState& s, const EventView& e) {
  using K = PayloadScalar::Kind;
  std::optional<int32_t> level;
  std::string_view list;
  bool fits = true;
  Status read = ForEachPayloadField(e.payload, [&](std::string_view key, const PayloadScalar& v) {
    if (key == "level") {
      if (v.kind == K::kNumber && v.integer && v.number >= 0 &&
          v.number <= std::numeric_limits<int32_t>::max()) {
        level = static_cast<int32_t>(v.number);
      } else {
        fits = false;
      }
    } else if (key == "reminders") {
      list = v.kind == K::kNested ? v.nested : std::string_view();
      fits = fits && !list.empty();
    }
  });
  if (!read.ok() || !fits || !level || list.empty()) return false;
  std::vector<Reminder*> escalated;
  read = ForEachPayloadElement(list, [&](const PayloadScalar& v) {
    Reminder* r = v.kind == K::kString ? s.reminders.Find(v.text) : nullptr;
    fits = fits && r != nullptr;
    escalated.push_back(r);
  });
  if (!read.ok() || !fits) return false;
  for (Reminder* r : escalated) Escalate(*r, *level, e.recorded_at);
  return true;
}

}  // namespace

Status PlanState::ApplyEncoded(const EventView& event) {
  const auto where = [&event](const Status& s) {
    return s.WithContext("position " + std::to_string(event.position));
  };
  if (event.schema_version == 1) {
    const auto& adds = EntityAdds();
    if (const auto it = adds.find(event.type);
        it != adds.end() && AddEntityFromPayload(it->second, *this, event.payload)) {
      RecordApplied(*this, event);
      return Status::Ok();
    }
    if (event.type == "ReminderEscalated" && EscalateFromPayload(*this, event)) {
      RecordApplied(*this, event);
      return Status::Ok();
    }
  }
  if (event.schema_version == 1 &&
      (event.type == "MeasurementRecorded" || event.type == "ProgressReported")) {
    HotPayload hot;
    Status s = ReadHot(event, &hot);
    if (!s.ok()) return where(s);
    const std::string parent(hot.parent);
    // Indicators and actions are never removed (they are retired, dropped
    // or cancelled), so one that has a series already exists: the scan of
    // the entity ids is only needed for its first measurement or report.
    if (event.type == "MeasurementRecorded") {
      auto it = measurements.find(parent);
      if (it == measurements.end()) {
        if (!indicators.Contains(parent)) return Missing(event.ToEvent(), "indicator", parent);
        it = measurements.try_emplace(parent).first;
      }
      it->second.Add(hot.day, hot.number, hot.integer, hot.text_a, hot.text_b);
    } else {
      auto it = progress.find(parent);
      if (it == progress.end()) {
        if (!actions.Contains(parent)) return Missing(event.ToEvent(), "action", parent);
        it = progress.try_emplace(parent).first;
      }
      ProgressReport r;
      r.day = hot.day;
      r.percent = hot.number;
      r.percent_is_integer = hot.integer;
      if (hot.text_a) {
        r.has_note = true;
        r.note = *hot.text_a;
      }
      it->second.push_back(std::move(r));
    }
    RecordApplied(*this, event);
    return Status::Ok();
  }
  auto payload = DecodePayload(event.payload);
  if (!payload.ok()) return where(payload.status());
  return Apply(event.ToEvent(), *payload);
}

namespace {

// The phrases of the reminders that jobs/reminders/rules.cc writes: rules,
// subject kinds, and the fixed parts of the French "expected" texts. A
// reminder keeps each as one byte, which halves its texts: a city holds a
// million reminders. A phrase missing here only costs memory. Append only,
// and raise Projections::kSnapshotFormat if this list changes.
constexpr PhraseCode<16> kReminderPhrases({
    "indicator_stale",
    "action_overdue",
    "review_not_held",
    "revision_open",
    "indicator/",
    "action/",
    "review/",
    "une nouvelle mesure de l'indicateur ",
    "), attendue au plus tard le ",
    "l'achèvement de l'action ",
    "), prévue pour le ",
    ", ou sa replanification",
    "la tenue de la revue semestrielle prévue le ",
    " (HoldReview, avec ses participants et ses décisions)",
    "la clôture de la révision à mi-parcours ouverte le ",
    " (CloseRevision, avec sa décision)",
});

}  // namespace

Reminder::Reminder(std::string_view id, std::string_view rule, std::string_view subject,
                   std::string_view expected)
    : texts_({id, kReminderPhrases.Code(rule), kReminderPhrases.Code(subject),
              kReminderPhrases.Code(expected)}) {}

std::string Reminder::rule() const { return kReminderPhrases.Expand(texts_[1]); }
std::string Reminder::subject() const { return kReminderPhrases.Expand(texts_[2]); }
std::string Reminder::expected() const { return kReminderPhrases.Expand(texts_[3]); }

const char* Reminder::StateName() const {
  switch (state) {
    case State::kOpen:
      return "open";
    case State::kAcknowledged:
      return "acknowledged";
    case State::kResolved:
      return "resolved";
  }
  return "open";
}

Json Reminder::ToJson() const {
  Json j = {{"id", id()},
            {"rule", rule()},
            {"subject", subject()},
            {"expected", expected()},
            {"due", DateOfDay(due_day)},
            {"issued_at", FormatInstant(issued_at)},
            {"state", StateName()},
            {"level", level},
            {"notices", notices},
            {"delivered", delivered},
            {"last_notice_at", FormatInstant(last_notice_at)},
            {"attempts", attempts}};
  if (retry_at != Instant{}) j["retry_at"] = FormatInstant(retry_at);
  if (state == State::kResolved) j["resolved_at"] = FormatInstant(resolved_at);
  return j;
}

Json RemindersJson(const ReminderSet& reminders) {
  Json out = Json::array();
  for (const Reminder& r : reminders) out.push_back(r.ToJson());
  return out;
}

Result<std::vector<std::string>> EscalatedReminders(const Json& payload) {
  const auto ids = payload.find("reminders");
  const auto id = payload.find("reminder");
  if (ids != payload.end() && ids->is_array()) {
    std::vector<std::string> out;
    for (const Json& item : *ids) {
      if (!item.is_string()) break;
      out.push_back(item.get<std::string>());
    }
    if (out.size() == ids->size()) return out;
  } else if (ids == payload.end() && id != payload.end() && id->is_string()) {
    return std::vector<std::string>{id->get<std::string>()};
  }
  return Status::Corruption(
      "ReminderEscalated: neither \"reminders\" (a list of ids) nor \"reminder\"");
}

namespace {

struct ById {
  bool operator()(const Reminder& r, std::string_view id) const { return r.id() < id; }
};

}  // namespace

const Reminder* ReminderSet::Find(std::string_view id) const {
  auto it = std::lower_bound(items_.begin(), items_.end(), id, ById());
  return it != items_.end() && it->id() == id ? &*it : nullptr;
}

Reminder* ReminderSet::Find(std::string_view id) {
  return const_cast<Reminder*>(std::as_const(*this).Find(id));
}

const Reminder& ReminderSet::at(std::string_view id) const {
  const Reminder* r = Find(id);
  if (r == nullptr) throw std::out_of_range("no reminder '" + std::string(id) + "'");
  return *r;
}

void ReminderSet::Put(Reminder r) {
  auto it = std::lower_bound(items_.begin(), items_.end(), r.id(), ById());
  if (it != items_.end() && it->id() == r.id()) {
    *it = std::move(r);
  } else {
    const auto at = it - items_.begin();
    ReserveOneMore(items_);
    items_.insert(items_.begin() + at, std::move(r));
  }
}

Json PlanState::ToJson() const {
  Json actions_json = Json::array(), indicators_json = Json::array();
  for (const auto& id : actions.ids()) actions_json.push_back(ActionJson(id));
  for (const auto& id : indicators.ids()) indicators_json.push_back(IndicatorJson(id));
  Json occurrences_json = Json::object();  // by id
  for (const auto& [id, o] : occurrences.items()) occurrences_json[id] = o;
  return {{"code", code},
          {"direction", direction},
          {"plan", plan},
          {"sections", sections},
          {"identity", identity},
          {"swot", swot.ToJson()},
          {"missions", missions.ToJson()},
          {"axes", axes.ToJson()},
          {"scenarios", scenarios.ToJson()},
          {"actions", actions_json},
          {"indicators", indicators_json},
          {"reviews", reviews},
          {"revision", revision},
          {"evaluation", evaluation},
          {"occurrences", occurrences_json},
          {"reviews_due", reviews_due},
          {"reminders", RemindersJson(reminders)},
          {"version", version},
          {"last_position", last_position},
          {"last_hash", ToHex(last_hash)}};
}

bool IsValidDirectionCode(std::string_view code) {
  if (code.empty() || code.size() > 16 || code[0] < 'A' || code[0] > 'Z') return false;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string PlanStream(std::string_view code) {
  return std::string(kStreamPrefix) + std::string(code);
}

std::string_view DirectionOfStream(std::string_view stream) {
  if (!stream.starts_with(kStreamPrefix)) return {};
  return stream.substr(kStreamPrefix.size());
}

}  // namespace jalon
