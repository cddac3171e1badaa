// The snapshot encoding of a PlanState (PlanState::Encode and Decode).
//
// Why not the state's JSON: a plan of four years holds thousands of
// measurements, and its JSON made every snapshot load build and parse
// thousands of objects, then turn them back into rows; loading was a
// quarter of a time-travel query and all of a start from the checkpoint.
// This encoding copies the rows and the entities' encoded bytes as they
// are kept in memory. It is private to this build: the snapshot header's
// format number (Projections::kSnapshotFormat) changes with it, and a
// snapshot of another format is ignored, never read.
//
// Layout, little-endian (engine/util/coding.h): strings and JSON documents
// (EncodePayload) are length-prefixed; lists are a u32 count followed by
// their items. Decode checks every count and reference against the bytes
// it has, so damaged bytes give a Corruption, never a read out of bounds.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/log/payload.h"
#include "engine/plan/plan_state.h"
#include "engine/util/coding.h"
#include "engine/util/json_parse.h"

namespace jalon {
namespace {

// Thrown by Reader on bytes that do not fit; Decode turns it into a
// Corruption.
struct Damaged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The days and instants a state can hold: those of dates YYYY-MM-DD. A
// damaged one outside them would overflow when it is turned into a date.
constexpr int32_t kFirstDay = static_cast<int32_t>(
    std::chrono::sys_days(std::chrono::year(0) / 1 / 1).time_since_epoch().count());
constexpr int32_t kLastDay = static_cast<int32_t>(
    std::chrono::sys_days(std::chrono::year(9999) / 12 / 31).time_since_epoch().count());
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
void PutI32(std::string* out, int32_t v) { coding::PutFixed32(out, static_cast<uint32_t>(v)); }
void PutF64(std::string* out, double v) {
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof bits);
  coding::PutFixed64(out, bits);
}
void PutCount(std::string* out, size_t n) { coding::PutFixed32(out, static_cast<uint32_t>(n)); }
void PutJson(std::string* out, const Json& j) { coding::PutLengthPrefixed(out, EncodePayload(j)); }
void PutInstant(std::string* out, Instant t) {
  coding::PutFixed64(out, static_cast<uint64_t>(ToMicros(t)));
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  uint8_t U8() {
    uint8_t v = 0;
    if (!coding::GetBytes(&in_, 1, &v)) throw Damaged("ends inside a byte");
    return v;
  }
  uint32_t U32() {
    uint32_t v = 0;
    if (!coding::GetFixed32(&in_, &v)) throw Damaged("ends inside a number");
    return v;
  }
  uint64_t U64() {
    uint64_t v = 0;
    if (!coding::GetFixed64(&in_, &v)) throw Damaged("ends inside a number");
    return v;
  }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  int32_t Day() {
    const int32_t day = I32();
    if (day < kFirstDay || day > kLastDay) throw Damaged("a day out of the calendar");
    return day;
  }
  double F64() {
    const uint64_t bits = U64();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    return v;
  }
  Instant At() {
    const int64_t us = static_cast<int64_t>(U64());
    if (us < kFirstDay * kMicrosPerDay || us >= (kLastDay + int64_t{1}) * kMicrosPerDay) {
      throw Damaged("an instant out of the calendar");
    }
    return FromMicros(us);
  }
  std::string_view View() {
    std::string_view v;
    if (!coding::GetLengthPrefixed(&in_, &v)) throw Damaged("a text runs past the end");
    return v;
  }
  std::string Str() { return std::string(View()); }
  Json Doc() {
    auto j = DecodePayload(View());
    if (!j.ok()) throw Damaged(j.status().message());
    return std::move(j).value();
  }
  // A list's length; each item takes at least `min_bytes`, so a damaged
  // count cannot make the caller reserve more than the bytes could hold.
  uint32_t Count(size_t min_bytes) {
    const uint32_t n = U32();
    if (static_cast<uint64_t>(n) * min_bytes > in_.size())
      throw Damaged("a count runs past the end");
    return n;
  }
  bool done() const { return in_.empty(); }
  std::string_view* rest() { return &in_; }

 private:
  std::string_view in_;
};

enum ReportFlags : uint8_t { kInteger = 1, kHasNote = 2 };

}  // namespace

void Collection::EncodeTo(std::string* out) const {
  PutCount(out, entries_.size());
  for (const Entry& e : entries_) {
    coding::PutLengthPrefixed(out, e[0]);
    coding::PutLengthPrefixed(out, e[1]);
  }
}

bool Collection::DecodeFrom(std::string_view* in) {
  try {
    Reader r(*in);
    const uint32_t n = r.Count(8);
    entries_.clear();
    entries_.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      std::string id = r.Str();
      std::string bytes = r.Str();
      // An entity is a CBOR map (major type 5), whole, well formed and of
      // bounded depth: its readers decode it later, recursively, and must
      // not meet damage then.
      if (id.empty() || bytes.empty() || (static_cast<uint8_t>(bytes[0]) & 0xE0) != 0xA0 ||
          Contains(id) || !IsBoundedCbor(bytes)) {
        return false;
      }
      entries_.push_back(Entry({id, bytes}));
    }
    *in = *r.rest();
    return true;
  } catch (const Damaged&) {
    return false;
  }
}

void MeasurementSeries::EncodeTo(std::string* out) const {
  PutCount(out, texts_.size());
  for (const std::string& t : texts_) coding::PutLengthPrefixed(out, t);
  PutCount(out, rows_.size());
  for (const Row& row : rows_) {
    PutF64(out, row.value);
    PutI32(out, row.day);
    coding::PutFixed32(out, row.source);
    coding::PutFixed32(out, row.comment);
    PutU8(out, static_cast<uint8_t>(row.integer | (row.corrected << 1)));
  }
  PutCount(out, corrections_.size());
  for (const auto& [row, lineage] : corrections_) {
    coding::PutFixed32(out, row);
    PutJson(out, lineage);
  }
}

bool MeasurementSeries::DecodeFrom(std::string_view* in) {
  try {
    Reader r(*in);
    MeasurementSeries s;
    const uint32_t texts = r.Count(4);
    s.texts_.reserve(texts);
    for (uint32_t i = 0; i < texts; ++i) s.texts_.push_back(r.Str());
    const uint32_t rows = r.Count(21);
    s.rows_.reserve(rows);
    size_t corrected = 0;
    for (uint32_t i = 0; i < rows; ++i) {
      Row row;
      row.value = r.F64();
      row.day = r.Day();
      row.source = r.U32();
      row.comment = r.U32();
      const uint8_t flags = r.U8();
      row.integer = flags & 1;
      row.corrected = flags & 2;
      if (flags > 3 || row.source > texts || row.comment > texts) return false;
      corrected += row.corrected;
      s.rows_.push_back(row);
    }
    const uint32_t corrections = r.Count(8);
    if (corrections != corrected) return false;
    for (uint32_t i = 0; i < corrections; ++i) {
      const uint32_t row = r.U32();
      Json lineage = r.Doc();
      // In row order, each naming a row marked corrected.
      if (row >= rows || !s.rows_[row].corrected || !lineage.is_array() ||
          (i > 0 && row <= s.corrections_.back().first)) {
        return false;
      }
      s.corrections_.emplace_back(row, std::move(lineage));
    }
    *this = std::move(s);
    *in = *r.rest();
    return true;
  } catch (const Damaged&) {
    return false;
  }
}

std::string PlanState::Encode() const {
  std::string out;
  coding::PutLengthPrefixed(&out, code);
  for (const Json* j : {&direction, &plan, &sections, &identity}) PutJson(&out, *j);
  for (const Collection* c : {&swot, &missions, &axes, &scenarios, &actions, &indicators}) {
    c->EncodeTo(&out);
  }
  // The unordered maps in key order, so that a state has one encoding.
  const auto sorted = [](const auto& map) {
    std::vector<const typename std::decay_t<decltype(map)>::value_type*> items;
    for (const auto& item : map) items.push_back(&item);
    std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->first < b->first; });
    return items;
  };
  PutCount(&out, progress.size());
  for (const auto* item : sorted(progress)) {
    const auto& [action, reports] = *item;
    coding::PutLengthPrefixed(&out, action);
    PutCount(&out, reports.size());
    for (const ProgressReport& p : reports) {
      PutI32(&out, p.day);
      PutF64(&out, p.percent);
      PutU8(&out, (p.percent_is_integer ? kInteger : 0) | (p.has_note ? kHasNote : 0));
      coding::PutLengthPrefixed(&out, p.note);
    }
  }
  PutCount(&out, measurements.size());
  for (const auto* item : sorted(measurements)) {
    coding::PutLengthPrefixed(&out, item->first);
    item->second.EncodeTo(&out);
  }
  for (const Json* j : {&reviews, &revision, &evaluation}) PutJson(&out, *j);
  occurrences.EncodeTo(&out);
  PutCount(&out, reviews_due.size());
  for (int32_t day : reviews_due) PutI32(&out, day);
  PutCount(&out, reminders.size());
  for (const Reminder& m : reminders) {
    for (const std::string& s : {std::string(m.id()), m.rule(), m.subject(), m.expected()}) {
      coding::PutLengthPrefixed(&out, s);
    }
    PutI32(&out, m.due_day);
    PutU8(&out, static_cast<uint8_t>(m.state));
    PutI32(&out, m.level);
    for (uint32_t n : {m.notices, m.delivered, m.attempts}) coding::PutFixed32(&out, n);
    for (Instant t : {m.issued_at, m.last_notice_at, m.retry_at, m.resolved_at}) {
      PutInstant(&out, t);
    }
  }
  coding::PutFixed64(&out, version);
  coding::PutFixed64(&out, data_version);
  coding::PutFixed64(&out, last_position);
  out.append(reinterpret_cast<const char*>(last_hash.data()), last_hash.size());
  return out;
}

Result<PlanState> PlanState::Decode(std::string_view bytes) {
  try {
    Reader r(bytes);
    PlanState s;
    s.code = r.Str();
    for (Json* j : {&s.direction, &s.plan, &s.sections, &s.identity}) *j = r.Doc();
    for (Collection* c : {&s.swot, &s.missions, &s.axes, &s.scenarios, &s.actions, &s.indicators}) {
      if (!c->DecodeFrom(r.rest())) throw Damaged("an entity list does not fit");
    }
    for (uint32_t n = r.Count(8); n > 0; --n) {
      auto [it, added] = s.progress.try_emplace(r.Str());
      if (!added) throw Damaged("an action's progress twice");
      std::vector<ProgressReport>& reports = it->second;
      const uint32_t count = r.Count(17);
      reports.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        ProgressReport p;
        p.day = r.Day();
        p.percent = r.F64();
        const uint8_t flags = r.U8();
        if (flags > (kInteger | kHasNote)) throw Damaged("progress report flags");
        p.percent_is_integer = flags & kInteger;
        p.has_note = flags & kHasNote;
        p.note = r.Str();
        reports.push_back(std::move(p));
      }
    }
    for (uint32_t n = r.Count(8); n > 0; --n) {
      auto [it, added] = s.measurements.try_emplace(r.Str());
      if (!added || !it->second.DecodeFrom(r.rest())) {
        throw Damaged("a measurement series does not fit");
      }
    }
    for (Json* j : {&s.reviews, &s.revision, &s.evaluation}) *j = r.Doc();
    if (!s.occurrences.DecodeFrom(r.rest())) throw Damaged("the occurrences do not fit");
    const uint32_t due = r.Count(4);
    s.reviews_due.reserve(due);
    for (uint32_t i = 0; i < due; ++i) s.reviews_due.push_back(r.Day());
    for (uint32_t n = r.Count(16); n > 0; --n) {
      // One declaration: its initializers run in order.
      const std::string id = r.Str(), rule = r.Str(), subject = r.Str(), expected = r.Str();
      Reminder m(id, rule, subject, expected);
      m.due_day = r.Day();
      const uint8_t state = r.U8();
      if (state > static_cast<uint8_t>(Reminder::State::kResolved)) {
        throw Damaged("reminder state");
      }
      m.state = static_cast<Reminder::State>(state);
      m.level = r.I32();
      for (uint32_t* v : {&m.notices, &m.delivered, &m.attempts}) *v = r.U32();
      for (Instant* t : {&m.issued_at, &m.last_notice_at, &m.retry_at, &m.resolved_at}) {
        *t = r.At();
      }
      if (s.reminders.contains(m.id())) throw Damaged("a reminder twice");
      s.reminders.Put(std::move(m));
    }
    s.version = r.U64();
    s.data_version = r.U64();
    s.last_position = r.U64();
    if (!coding::GetBytes(r.rest(), s.last_hash.size(), s.last_hash.data()) || !r.done()) {
      throw Damaged("does not end with the last hash");
    }
    return s;
  } catch (const std::exception& ex) {  // Damaged, or no memory for a damaged size
    return Status::Corruption(std::string("snapshot does not fit the plan state: ") + ex.what());
  }
}

}  // namespace jalon
