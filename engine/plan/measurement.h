// Measurement and MeasurementSeries: an indicator's measurements, as
// readers see one and as a plan keeps them all.
//
// Both are values that own their texts: copy them to keep a past state.
// Not thread-safe: concurrent const calls are safe, anything else needs
// external synchronization. Indexing past size() is undefined, as for a
// vector; FromJson throws (nlohmann::json's exceptions, or
// std::invalid_argument for a bad date) on a document that does not fit,
// which PlanState::Apply turns into a Corruption.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jalon {

using Json = nlohmann::json;

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

// An optional text as MeasurementSeries takes it: `text` if `has`.
inline std::optional<std::string_view> TextIf(bool has, const std::string& text) {
  return has ? std::optional<std::string_view>(text) : std::nullopt;
}

// A number as the import format writes it: 22 as 22, not 22.0, when it was
// given as an integer.
Json JsonNumber(double v, bool is_integer);

}  // namespace jalon
