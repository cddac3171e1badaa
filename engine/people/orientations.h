// The city's political orientations (DESIGN.md, "Political orientations"):
// what `steering` validates each progress axis against.
//
// They live in the log's `city` stream, written by `admin` through
// DefineOrientation {id, title} and RetireOrientation {id, reason?}.
// CityOrientations is that stream's projection; CheckCityCommand and
// DecideCityCommand are pure functions, like their people counterparts, and
// PeopleService runs both kinds of command.
//
// An axis's validation keeps the orientation's title as text: a retired
// orientation leaves the validations made against it readable.
//
// CityOrientations is a plain value: not thread-safe (PeopleService guards it).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/log/event.h"
#include "engine/people/person.h"  // PeopleError, PeopleDecision

namespace jalon {

inline constexpr std::string_view kCityStream = "city";

struct Orientation {
  std::string id;
  std::string title;
  bool retired = false;
  std::string reason;  // why it was retired, if given

  Json ToJson() const;  // {id, title, retired, reason?}
};

class CityOrientations {
 public:
  // Applies one event of the city stream; other types are a later schema's.
  Status Apply(const EventView& event);
  // In the order defined.
  const std::vector<Orientation>& all() const { return orientations_; }
  const Orientation* Find(std::string_view id) const;
  // The titles of the orientations not retired, in the order defined.
  std::vector<std::string> LiveTitles() const;
  uint64_t version() const { return version_; }

 private:
  std::vector<Orientation> orientations_;
  uint64_t version_ = 0;
};

bool IsCityCommand(std::string_view type);
// Unknown or retired id, duplicate id or live title, blank or long title.
std::optional<PeopleError> CheckCityCommand(const CityOrientations& city, std::string_view type,
                                            const Json& data);
// The event, once CheckCityCommand passed.
PeopleDecision DecideCityCommand(std::string_view type, const Json& data);

// Why `orientation` cannot validate an axis when the city has `live`
// orientations ("" when it can, or when the city has none: a city that
// keeps no list validates against any text).
std::string OrientationRefusal(const std::vector<std::string>& live,
                               const std::string& orientation);

}  // namespace jalon
