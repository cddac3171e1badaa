// PlanState: the projection of one direction's stream ("plan/<CODE>"), the
// state of its projet de direction after a prefix of its events.
//
// Entities are kept as JSON objects in the shape of the jalon.plan/1 import
// format (DESIGN.md), in insertion order, so that export is the state itself
// and history/diff can compare entities field by field. The plan model's
// rules live in command.cc (what may happen) and here in Apply (what an
// event does). Apply never fails on an event that Decide produced; on
// anything else (a damaged or foreign log) it returns a Corruption.
//
// A PlanState is a value: copy it to keep a past state. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/log/event.h"
#include "engine/plan/encoding/packed_texts.h"
#include "engine/util/status.h"

namespace jalon {

using Json = nlohmann::json;

// The top-level fields of an entity that hold a string, a number, a boolean
// or null, read without building the entity's JSON; nested values are left
// out. For the passes that look at every entity of thousands of plans.
struct EntityFields {
  std::vector<std::pair<std::string, Json>> fields;  // in key order

  const Json* Get(std::string_view key) const;
  bool Has(std::string_view key) const { return Get(key) != nullptr; }
  // The string at `key`, or `fallback` if absent or not a string.
  std::string Text(std::string_view key, std::string_view fallback = {}) const;
  // The boolean at `key`, or `fallback` if absent or not a boolean.
  bool Flag(std::string_view key, bool fallback = false) const;
};

// Entities of one kind, by id, in the order they were added.
//
// Each entity is kept encoded (CBOR, about 250 bytes for an indicator, 330
// with its entry) and decoded on access, because as nlohmann::json objects
// the 33 indicators of a plan take 77 KB, a city of 30,000 plans would need
// gigabytes, and every copy of a plan (a command's working copy, a past
// state) would cost as many allocations as the JSON has nodes. Readers get a decoded copy; appliers
// decode, change and Put back. A plan holds tens of entities of a kind, so
// lookup is a scan of the ids.
class Collection {
 public:
  bool Contains(std::string_view id) const { return Index(id) != kNone; }
  // A decoded copy, or nullopt if there is no such entity.
  std::optional<Json> Find(std::string_view id) const;
  // REQUIRES: Contains(id).
  Json At(std::string_view id) const;
  // Adds a new entity at the end. REQUIRES: !Contains(id).
  void Add(std::string id, const Json& item);
  // Adds a new entity already encoded (as Encode writes it). REQUIRES:
  // !Contains(id).
  void AddEncoded(std::string id, std::string bytes);
  // Replaces an entity, keeping its place. REQUIRES: Contains(id).
  void Put(std::string_view id, const Json& item);
  void Remove(std::string_view id);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // The ids in order (copies: ids are short).
  auto ids() const {
    return entries_ | std::views::transform([](const Entry& e) { return std::string(e[0]); });
  }
  // The scalar fields of entity `id`, or nullopt if there is no such entity.
  std::optional<EntityFields> FieldsOf(std::string_view id) const;
  // (id, scalar fields) in order: for (const auto& [id, f] : c.fields()).
  auto fields() const {
    return entries_ | std::views::transform([](const Entry& e) {
             return std::pair<std::string, EntityFields>(e[0], Scan(e[1]));
           });
  }
  // (id, decoded entity) in order: for (const auto& [id, item] : c.items()).
  auto items() const {
    return entries_ | std::views::transform([](const Entry& e) {
             return std::pair<std::string, Json>(e[0], Decode(e[1]));
           });
  }

  Json ToJson() const;  // an array in order
  // The snapshot encoding (encoding/state_codec.cc). DecodeFrom reads from the front
  // of `in` and advances it; false, leaving this unspecified, if the bytes
  // do not fit.
  void EncodeTo(std::string* out) const;
  bool DecodeFrom(std::string_view* in);

  // An entity's stored bytes: CBOR with the common keys coded as one byte.
  // ReferenceEncode writes the same through nlohmann's to_cbor of a coded
  // copy (the way Encode did before): tests hold the two equal, since
  // stored snapshots hold these bytes.
  static std::string Encode(const Json& item);
  static std::string ReferenceEncode(const Json& item);

 private:
  // The id, then the entity in CBOR, in one block: a plan holds its
  // entities by the hundred and a city's plans by the ten thousand.
  using Entry = PackedTexts<2>;
  static constexpr size_t kNone = static_cast<size_t>(-1);
  size_t Index(std::string_view id) const;
  static Json Decode(std::string_view bytes);
  static EntityFields Scan(std::string_view bytes);

  std::vector<Entry> entries_;
};

// A measurement of an indicator, as readers see it; ToJson gives the import
// format's object. Stored in a MeasurementSeries.
struct Measurement {
  int32_t day = 0;  // the effective date, in days since 1970-01-01
  double value = 0;
  bool value_is_integer = false;  // so that 22 is written back as 22, not 22.0
  bool has_source = false, has_comment = false;
  std::string source, comment;
  Json corrections;  // null, or [{from, to, reason}]

  Json ToJson() const;
  static Measurement FromJson(const Json& j);
};

// An indicator's measurements in the order recorded.
//
// Measurements are most of a plan's events (a monthly indicator gives 48 in
// a cycle), so they are kept as 24-byte rows: date, value, flags and the
// index of their source and comment in a small pool of the series' texts.
// A series repeats the same few texts ("Tableau de suivi"), which a
// Measurement record would copy into every row (104 bytes, plus the heap
// for texts longer than 15 bytes). Corrections are rare and kept apart.
// Readers get a Measurement built on access, or read a row's date and value
// directly.
class MeasurementSeries {
 public:
  static constexpr size_t npos = static_cast<size_t>(-1);

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  int32_t day(size_t i) const { return rows_[i].day; }
  double value(size_t i) const { return rows_[i].value; }
  Measurement operator[](size_t i) const;
  // The first measurement dated `day`, or npos.
  size_t Find(int32_t day) const;
  // The latest measurement dated `day` or before (the last recorded of the
  // latest date), or npos.
  size_t LatestUpTo(int32_t day) const;
  // The latest date measured, or nullopt if none.
  std::optional<int32_t> LastDay() const;

  void Add(int32_t day, double value, bool integer, std::optional<std::string_view> source,
           std::optional<std::string_view> comment);
  void Add(const Measurement& m);
  // A correction of row i: the new value replaces the old one, which the
  // lineage `correction` ({from, to, reason?}) keeps; a source or comment
  // given replaces the old one.
  void Correct(size_t i, double value, bool integer, std::optional<std::string_view> source,
               std::optional<std::string_view> comment, Json correction);

  // The snapshot encoding (encoding/state_codec.cc), as for Collection.
  void EncodeTo(std::string* out) const;
  bool DecodeFrom(std::string_view* in);

  // Iteration builds each Measurement: for (const Measurement& m : series).
  class Iterator {
   public:
    using value_type = Measurement;
    using difference_type = std::ptrdiff_t;
    Iterator() = default;
    Iterator(const MeasurementSeries* s, size_t i) : s_(s), i_(i) {}
    Measurement operator*() const { return (*s_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    Iterator operator++(int) {
      Iterator before = *this;
      ++i_;
      return before;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    const MeasurementSeries* s_ = nullptr;
    size_t i_ = 0;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, rows_.size()}; }

 private:
  struct Row {
    double value = 0;
    int32_t day = 0;
    uint32_t source = 0, comment = 0;  // 0: none; else 1 + index in texts_
    bool integer = false;
    bool corrected = false;  // has an entry in corrections_
  };
  uint32_t Intern(std::optional<std::string_view> text);
  const std::string& Text(uint32_t ref) const { return texts_[ref - 1]; }

  std::vector<Row> rows_;
  std::vector<std::string> texts_;
  std::vector<std::pair<uint32_t, Json>> corrections_;  // (row, [{from, to, reason}]) by row
};

struct ProgressReport {
  int32_t day = 0;
  double percent = 0;
  bool percent_is_integer = false;
  bool has_note = false;
  std::string note;

  Json ToJson() const;
  static ProgressReport FromJson(const Json& j);
};

// A reminder as the jobs record it on the plan's stream (ReminderIssued,
// ReminderEscalated, ReminderResolved, ReminderAcknowledged and the
// delivery events). The engine only keeps the record; jobs/ decides.
struct Reminder {
  enum class State : uint8_t { kOpen, kAcknowledged, kResolved };
  Reminder() = default;
  Reminder(std::string_view id, std::string_view rule, std::string_view subject,
           std::string_view expected);

  // Stable, an entity id: "rem-" + 20 hex of (direction, rule, subject, due).
  std::string_view id() const { return texts_[0]; }
  // indicator_stale | action_overdue | review_not_held | revision_open
  std::string rule() const;
  // "indicator/I1", "action/A1.2", "review/2016-06-30", "revision"
  std::string subject() const;
  // What the direction is asked for, in French.
  std::string expected() const;

  Instant issued_at{};
  Instant last_notice_at{};  // when the latest notice was decided
  Instant retry_at{};        // no new attempt before this
  Instant resolved_at{};
  int32_t due_day = 0;     // by when the data was expected
  int32_t level = 0;       // 0 the direction's contact, 1 its director, 2 the steering office
  uint32_t notices = 0;    // notices to send: 1 at issue, +1 per escalation or repeat
  uint32_t delivered = 0;  // notices delivered
  uint32_t attempts = 0;   // failed attempts at the pending notice
  State state = State::kOpen;

  bool active() const { return state != State::kResolved; }
  const char* StateName() const;
  Json ToJson() const;

 private:
  // A city holds a reminder per indicator or action, a million at 30,000
  // plans: the four texts share one block (64 bytes of record instead of
  // 192, and one allocation instead of up to four), and the rule, subject
  // and expected data keep the jobs' fixed phrases as one byte each
  // (plan_state.cc). The id stays as it is: lookups compare it.
  PackedTexts<4> texts_;
};

// A plan's reminders in id order, in one sorted vector: a std::map spent a
// node and a second copy of the id on each, a fifth of a plan's memory in
// a city with a reminder per indicator.
class ReminderSet {
 public:
  const Reminder* Find(std::string_view id) const;
  Reminder* Find(std::string_view id);
  bool contains(std::string_view id) const { return Find(id) != nullptr; }
  // Throws std::out_of_range if there is no reminder `id`.
  const Reminder& at(std::string_view id) const;
  // Adds `r`, or replaces the reminder with its id.
  void Put(Reminder r);
  std::vector<Reminder>::const_iterator begin() const { return items_.begin(); }
  std::vector<Reminder>::const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<Reminder> items_;  // by id
};

// [reminder.ToJson(), ...] in id order.
Json RemindersJson(const ReminderSet& reminders);

// The reminders a ReminderEscalated event names. The scheduler records one
// event per plan, level and pass listing them ("reminders": [id, ...]), so
// that a pass escalating a thousand reminders appends tens of events, not a
// thousand; logs written before that hold one event per reminder
// ("reminder": id), and replay reads both. kCorruption for a payload of
// neither form.
Result<std::vector<std::string>> EscalatedReminders(const Json& payload);

int32_t DayOf(Instant t);
// 00:00 UTC of a day number: the inverse of DayOf for whole days.
inline Instant StartOfDay(int32_t day) { return Instant(std::chrono::days(day)); }
// Throws std::invalid_argument if `iso_date` is not a valid YYYY-MM-DD.
int32_t DayOf(const std::string& iso_date);
std::string DateOfDay(int32_t day);

struct PlanState {
  std::string code;                // the direction code, empty before DirectionRegistered
  Json direction;                  // {code, name, pole}
  Json plan;                       // {title, period_start, period_end, dated} or null
  Json sections = Json::object();  // name -> text
  Json identity = Json::object();  // {site, agents, activity_volume}
  Collection swot, missions, axes, scenarios, actions, indicators;
  // By action id and by indicator id, in the order recorded. The JSON of
  // `actions` and `indicators` holds everything else.
  std::unordered_map<std::string, std::vector<ProgressReport>> progress;
  std::unordered_map<std::string, MeasurementSeries> measurements;
  Json reviews = Json::array();  // [{number, date, participants, decisions, plan_hash}]
  Json revision;                 // null, or {opened, due, closed?, decision?}
  Json evaluation;               // null, or {opened}
  // Scheduled occurrences recorded on this stream, in the order recorded:
  // id ("review/2016-06-30") -> {status: fired|skipped, due, caught_up |
  // reason}. An id is recorded at most once.
  Collection occurrences;
  std::vector<int32_t> reviews_due;  // due days of ReviewDue, in order
  ReminderSet reminders;
  uint64_t version = 0;  // stream version of the last applied event
  // Stream version of the last event other than a reminder's notice
  // bookkeeping (ReminderEscalated, ReminderAcknowledged, DeliveryAttempted,
  // ReminderDelivered, DeliveryFailed). Everything the reminder rules read,
  // and which reminders exist and are open, is unchanged while it is: the
  // scheduler keeps what the rules found until it moves.
  uint64_t data_version = 0;
  uint64_t last_position = 0;  // global position of the last applied event
  Hash last_hash{};            // hash of the last applied event (for reviews)

  // An action or indicator with its "progress" / "measurements" array, as
  // the import format has it; null if it does not exist.
  Json ActionJson(const std::string& id) const;
  Json IndicatorJson(const std::string& id) const;
  const std::vector<ProgressReport>& ProgressOf(const std::string& action_id) const;
  const MeasurementSeries& MeasurementsOf(const std::string& indicator_id) const;

  bool registered() const { return !code.empty(); }
  bool plan_open() const { return plan.is_object(); }

  // Applies one event of this plan's stream, already decoded.
  Status Apply(const Event& event, const Json& payload);
  // The same, decoding the payload; measurements and progress reports (most
  // of a log) are read straight into their records without building JSON.
  Status ApplyEncoded(const EventView& event);

  // The complete state as JSON, to compare two states or look at one.
  Json ToJson() const;
  // The complete state in the snapshot encoding (encoding/state_codec.cc): Decode of
  // Encode is identical. Corruption if the bytes do not fit.
  std::string Encode() const;
  static Result<PlanState> Decode(std::string_view bytes);
};

// A direction code: 1 to 16 of A-Z, 0-9, '-' and '_', starting with a
// letter. Codes name streams and URLs, so nothing else is allowed.
bool IsValidDirectionCode(std::string_view code);

// "plan/DEJ" for "DEJ".
std::string PlanStream(std::string_view code);
// The direction code of a plan stream, or empty if `stream` is not one.
std::string_view DirectionOfStream(std::string_view stream);

}  // namespace jalon
