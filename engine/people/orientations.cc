#include "engine/people/orientations.h"

#include <algorithm>

#include "engine/log/payload.h"

namespace jalon {
namespace {

constexpr size_t kMaxTitleBytes = 4096;

PeopleError Bad(std::string field, std::string rule, std::string fr,
                Status::Code code = Status::Code::kInvalidArgument) {
  return PeopleError{code, std::move(field), std::move(rule), std::move(fr)};
}

bool IsOrientationId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::optional<PeopleError> CheckId(const Json& data) {
  if (!data.contains("id") || !data["id"].is_string())
    return Bad("id", "is required, a string", "Identifiant : à renseigner");
  if (!IsOrientationId(data["id"].get<std::string>()))
    return Bad("id", "not an id (1 to 64 of letters, digits, '.', '_', '-')",
               "Identifiant : de 1 à 64 lettres, chiffres, points, tirets ou soulignés");
  return std::nullopt;
}

}  // namespace

Json Orientation::ToJson() const {
  Json j = {{"id", id}, {"title", title}, {"retired", retired}};
  if (!reason.empty()) j["reason"] = reason;
  return j;
}

const Orientation* CityOrientations::Find(std::string_view id) const {
  for (const Orientation& o : orientations_)
    if (o.id == id) return &o;
  return nullptr;
}

std::vector<std::string> CityOrientations::LiveTitles() const {
  std::vector<std::string> out;
  for (const Orientation& o : orientations_)
    if (!o.retired) out.push_back(o.title);
  return out;
}

Status CityOrientations::Apply(const EventView& event) {
  auto doc = DecodePayload(event.payload);
  if (!doc.ok()) return doc.status();
  const Json& p = *doc;
  if (!p.is_object() || !p.contains("id") || !p["id"].is_string())
    return EventDoesNotFit(event, "no id");
  const std::string id = p["id"].get<std::string>();
  if (event.type == "OrientationDefined") {
    orientations_.push_back(Orientation{id, p.value("title", ""), false, ""});
  } else if (event.type == "OrientationRetired") {
    auto it = std::find_if(orientations_.begin(), orientations_.end(),
                           [&](const Orientation& o) { return o.id == id; });
    if (it == orientations_.end())
      return EventDoesNotFit(event, "unknown orientation '" + id + "'");
    it->retired = true;
    it->reason = p.value("reason", "");
  }  // other types: a later schema's, ignored by this one
  version_ = event.version;
  return Status::Ok();
}

bool IsCityCommand(std::string_view type) {
  return type == "DefineOrientation" || type == "RetireOrientation";
}

std::optional<PeopleError> CheckCityCommand(const CityOrientations& city, std::string_view type,
                                            const Json& data) {
  std::optional<PeopleError> error;
  if (type == "DefineOrientation") {
    if ((error = CheckDataKeys(data, {"id", "title"})) || (error = CheckId(data))) return error;
    const std::string id = data["id"].get<std::string>();
    if (city.Find(id) != nullptr)
      return Bad("id", "orientation '" + id + "' already exists",
                 "L'identifiant « " + id + " » est déjà pris", Status::Code::kAlreadyExists);
    if (!data.contains("title") || !data["title"].is_string())
      return Bad("title", "is required", "Intitulé : à renseigner");
    const std::string title = data["title"].get<std::string>();
    if (title.find_first_not_of(" \t\n") == std::string::npos || title.size() > kMaxTitleBytes)
      return Bad("title", "1 to 4096 characters, not blank",
                 "Intitulé : de 1 à 4 096 caractères, non vide");
    const std::vector<std::string> live = city.LiveTitles();
    if (std::find(live.begin(), live.end(), title) != live.end())
      return Bad("title", "a live orientation has this title",
                 "Une orientation en vigueur porte déjà cet intitulé");
    return std::nullopt;
  }
  if (type == "RetireOrientation") {
    if ((error = CheckDataKeys(data, {"id", "reason"})) || (error = CheckId(data))) return error;
    const std::string id = data["id"].get<std::string>();
    const Orientation* o = city.Find(id);
    if (o == nullptr)
      return Bad("id", "no orientation '" + id + "'", "Aucune orientation « " + id + " »",
                 Status::Code::kNotFound);
    if (o->retired) return Bad("id", "already retired", "Cette orientation est déjà retirée");
    if (data.contains("reason") &&
        (!data["reason"].is_string() || data["reason"].get<std::string>().size() > kMaxTitleBytes))
      return Bad("reason", "must be a string of at most 4096 bytes",
                 "Motif : un texte de 4 096 caractères au plus");
    return std::nullopt;
  }
  return Bad("type", "unknown city command '" + std::string(type) + "'",
             "Commande inconnue : " + std::string(type));
}

PeopleDecision DecideCityCommand(std::string_view type, const Json& data) {
  return PeopleDecision{type == "DefineOrientation" ? "OrientationDefined" : "OrientationRetired",
                        data};
}

std::string OrientationRefusal(const std::vector<std::string>& live,
                               const std::string& orientation) {
  if (live.empty() || std::find(live.begin(), live.end(), orientation) != live.end()) return {};
  std::string list;
  for (const std::string& t : live) list += (list.empty() ? "'" : ", '") + t + "'";
  return "must be one of the city's political orientations: " + list;
}

}  // namespace jalon
