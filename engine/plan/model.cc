#include "engine/plan/model.h"

#include <stdexcept>

namespace jalon {
namespace {

std::string Text(const Json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

double Number(const Json& j, const char* key, double fallback = 0) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}

// The day of a date field; `fallback` if absent or not a date.
int32_t DayField(const Json& j, const char* key, int32_t fallback = 0) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return fallback;
  try {
    return DayOf(it->get<std::string>());
  } catch (const std::exception&) {
    return fallback;
  }
}

const Json& ArrayAt(const Json& j, const char* key) {
  static const Json* const kEmpty = new Json(Json::array());
  const auto it = j.find(key);
  return it != j.end() && it->is_array() ? *it : *kEmpty;
}

void ReadNote(const Json& j, ChangeNote* note) {
  note->day = DayField(j, "date");
  note->reason = Text(j, "reason");
  note->by = Text(j, "by");
}

// The value of the latest change dated by `day`, else `initial`.
template <class T, class Change, class Get>
T InForce(const std::vector<Change>& changes, int32_t day, Get get, T initial) {
  T value = initial;
  for (const Change& c : changes) {
    if (c.day > day) break;
    value = get(c);
  }
  return value;
}

}  // namespace

std::optional<DatedValue> DatedValue::FromJson(const Json& j) {
  if (!j.is_object()) return std::nullopt;
  const auto v = j.find("value");
  const auto d = j.find("date");
  if (v == j.end() || !v->is_number() || d == j.end() || !d->is_string()) return std::nullopt;
  try {
    return DatedValue{*v, DayOf(d->get<std::string>())};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int32_t DayOfMark(const Json* mark) {
  if (mark == nullptr || mark->is_null()) return kNever;
  if (mark->is_boolean()) return mark->get<bool>() ? kAlways : kNever;
  if (!mark->is_string()) return kNever;
  try {
    return DayOf(mark->get<std::string>());
  } catch (const std::exception&) {
    return kNever;
  }
}

int32_t Action::StartOn(int32_t day) const {
  return InForce(
      reschedules, day, [](const Reschedule& r) { return r.start; }, start);
}

int32_t Action::DueOn(int32_t day) const {
  return InForce(
      reschedules, day, [](const Reschedule& r) { return r.due; }, due);
}

double Action::BudgetOn(int32_t day) const {
  return InForce(
      budget_changes, day, [](const BudgetChange& c) { return c.budget_eur; }, budget_eur);
}

double Action::SpentBy(int32_t day) const {
  double total = 0;
  for (const Spending& x : spending) {
    if (x.day <= day) total += x.amount_eur;
  }
  return total;
}

double Action::FteOn(int32_t day) const {
  return InForce(
      budget_changes, day, [](const BudgetChange& c) { return c.fte; }, fte);
}

std::string Action::StatusOn(int32_t day) const {
  if (DoneOn(day)) return "done";
  if (CancelledOn(day)) return "cancelled";
  if (status == "planned") return "planned";
  return day >= StartOn(day) ? "started" : "planned";
}

const DatedValue& Indicator::TargetOn(int32_t day) const {
  const DatedValue* in_force = &target;
  for (const TargetChange& c : target_changes) {
    if (c.day > day) break;
    in_force = &c.target;
  }
  return *in_force;
}

std::string Indicator::AttachedAxis() const {
  return attached_to.starts_with("axis:") ? attached_to.substr(5) : std::string();
}

std::string Indicator::AttachedAction() const {
  return attached_to.starts_with("action:") ? attached_to.substr(7) : std::string();
}

Action DecodeAction(const std::string& id, const Json& e) {
  Action a;
  a.id = id;
  a.axis = Text(e, "axis");
  a.title = Text(e, "title");
  a.owner = Text(e, "owner");
  if (const std::string s = Text(e, "status"); !s.empty()) a.status = s;
  // The initial values: "planned" once any changed, else the current ones.
  const auto planned = e.find("planned");
  const Json& initial = planned != e.end() && planned->is_object() ? *planned : e;
  a.start = DayField(initial, "start", DayField(e, "start"));
  a.due = DayField(initial, "due", DayField(e, "due"));
  a.budget_eur = Number(initial, "budget_eur", Number(e, "budget_eur"));
  a.fte = Number(initial, "fte", Number(e, "fte"));
  for (const Json& r : ArrayAt(e, "reschedules")) {
    Reschedule x;
    ReadNote(r, &x);
    x.start = DayField(r, "start", a.start);
    x.due = DayField(r, "due", a.due);
    a.reschedules.push_back(std::move(x));
  }
  for (const Json& c : ArrayAt(e, "budget_changes")) {
    BudgetChange x;
    ReadNote(c, &x);
    x.budget_eur = Number(c, "budget_eur");
    x.fte = Number(c, "fte");
    a.budget_changes.push_back(std::move(x));
  }
  for (const Json& c : ArrayAt(e, "spending")) {
    Spending x;
    ReadNote(c, &x);
    x.amount_eur = Number(c, "amount_eur");
    x.label = Text(c, "label");
    a.spending.push_back(std::move(x));
  }
  // A done or cancelled action whose entity carries no date was so at
  // every date.
  const auto completed = e.find("completed");
  a.completed = DayOfMark(completed == e.end() ? nullptr : &*completed);
  if (a.status == "done" && a.completed == kNever) a.completed = kAlways;
  const auto cancelled = e.find("cancelled");
  a.cancelled = DayOfMark(cancelled == e.end() ? nullptr : &*cancelled);
  if (a.status == "cancelled" && a.cancelled == kNever) a.cancelled = kAlways;
  return a;
}

Indicator DecodeIndicator(const std::string& id, const Json& e) {
  Indicator i;
  i.id = id;
  i.attached_to = Text(e, "attached_to");
  i.kind = Text(e, "kind");
  i.name = Text(e, "name");
  i.unit = Text(e, "unit");
  i.polarity = Text(e, "polarity");
  if (i.polarity.empty()) i.polarity = "increase";
  i.frequency = Text(e, "frequency");
  i.source = Text(e, "source");
  const auto value_at = [&e](const char* key) {
    const auto it = e.find(key);
    return it == e.end() ? std::nullopt : DatedValue::FromJson(*it);
  };
  i.baseline = value_at("baseline").value_or(DatedValue{});
  i.target = value_at("initial_target").value_or(value_at("target").value_or(DatedValue{}));
  for (const Json& c : ArrayAt(e, "target_changes")) {
    TargetChange x;
    ReadNote(c, &x);
    const auto t = c.find("target");
    x.target = (t == c.end() ? std::nullopt : DatedValue::FromJson(*t)).value_or(i.target);
    x.recorded = Text(c, "recorded");
    i.target_changes.push_back(std::move(x));
  }
  const auto retired = e.find("retired");
  i.retired = DayOfMark(retired == e.end() ? nullptr : &*retired);
  return i;
}

Axis DecodeAxis(const std::string& id, const Json& e) {
  Axis a;
  a.id = id;
  a.title = Text(e, "title");
  a.rationale = Text(e, "rationale");
  for (const Json& m : ArrayAt(e, "missions")) {
    if (m.is_string()) a.missions.push_back(m.get<std::string>());
  }
  a.validated = e.contains("validation") && !e["validation"].is_null();
  const auto dropped = e.find("dropped");
  a.dropped = DayOfMark(dropped == e.end() ? nullptr : &*dropped);
  return a;
}

Mission DecodeMission(const std::string& id, const Json& e) {
  Mission m;
  m.id = id;
  m.title = Text(e, "title");
  m.description = Text(e, "description");
  const auto retired = e.find("retired");
  m.retired = DayOfMark(retired == e.end() ? nullptr : &*retired);
  return m;
}

}  // namespace jalon
