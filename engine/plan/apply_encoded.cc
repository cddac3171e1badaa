// PlanState::ApplyEncoded: the events most of a log holds (measurements,
// progress reports, the structural events of an import, escalations),
// applied straight from their stored payload without building a document.
// Every other event, and any payload that does not fit, takes Apply's way.
#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/log/payload.h"
#include "engine/plan/apply.h"
#include "engine/plan/encoding/entity_keys.h"
#include "engine/plan/plan_state.h"
#include "engine/util/cbor.h"

namespace jalon {

using plan_apply::EntityAdd;
using plan_apply::EntityAdds;
using plan_apply::Escalate;
using plan_apply::Missing;
using plan_apply::RecordApplied;

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

// What apply.cc's AddEntity does, from the stored payload, without a document: the entity's CBOR
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
}  // namespace jalon
