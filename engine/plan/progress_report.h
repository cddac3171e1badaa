// ProgressReport: how far an action had got on a day, as its owner reported
// it. A value; not thread-safe beyond concurrent const calls. FromJson throws
// on a document that does not fit, as Measurement::FromJson does.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace jalon {

using Json = nlohmann::json;

struct ProgressReport {
  int32_t day = 0;
  double percent = 0;
  bool percent_is_integer = false;
  bool has_note = false;
  std::string note;

  Json ToJson() const;
  static ProgressReport FromJson(const Json& j);
};

}  // namespace jalon
