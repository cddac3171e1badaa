#include "engine/plan/progress_report.h"

#include "engine/plan/day.h"
#include "engine/plan/measurement.h"

namespace jalon {

Json ProgressReport::ToJson() const {
  Json j = {{"date", DateOfDay(day)}, {"percent", JsonNumber(percent, percent_is_integer)}};
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

}  // namespace jalon
