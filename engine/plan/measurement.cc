#include "engine/plan/measurement.h"

#include <algorithm>

#include "engine/plan/day.h"
#include "engine/plan/encoding/compact_vector.h"

namespace jalon {

Json JsonNumber(double v, bool is_integer) {
  return is_integer ? Json(static_cast<int64_t>(v)) : Json(v);
}

Json Measurement::ToJson() const {
  Json j = {{"date", DateOfDay(day)}, {"value", JsonNumber(value, value_is_integer)}};
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
}  // namespace jalon
