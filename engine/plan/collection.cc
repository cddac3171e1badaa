#include "engine/plan/collection.h"

#include <stdexcept>

#include "engine/plan/encoding/compact_vector.h"

namespace jalon {

size_t Collection::Index(std::string_view id) const {
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i][0] == id) return i;
  }
  return kNone;
}

std::optional<EntityFields> Collection::FieldsOf(std::string_view id) const {
  const size_t i = Index(id);
  if (i == kNone) return std::nullopt;
  return Scan(entries_[i][1]);
}

const Json* EntityFields::Get(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string EntityFields::Text(std::string_view key, std::string_view fallback) const {
  const Json* v = Get(key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string(fallback);
}

bool EntityFields::Flag(std::string_view key, bool fallback) const {
  const Json* v = Get(key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

std::optional<Json> Collection::Find(std::string_view id) const {
  const size_t i = Index(id);
  if (i == kNone) return std::nullopt;
  return Decode(entries_[i][1]);
}

Json Collection::At(std::string_view id) const {
  const size_t i = Index(id);
  if (i == kNone) throw std::out_of_range("no entity '" + std::string(id) + "'");
  return Decode(entries_[i][1]);
}

void Collection::Add(std::string id, const Json& item) {
  ReserveOneMore(entries_);
  entries_.push_back(Entry({id, Encode(item)}));
}

void Collection::AddEncoded(std::string id, std::string bytes) {
  ReserveOneMore(entries_);
  entries_.push_back(Entry({id, bytes}));
}

void Collection::Put(std::string_view id, const Json& item) {
  const size_t i = Index(id);
  if (i == kNone) throw std::out_of_range("no entity '" + std::string(id) + "'");
  entries_[i] = Entry({entries_[i][0], Encode(item)});
}

void Collection::Remove(std::string_view id) {
  const size_t i = Index(id);
  if (i != kNone) entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
}

Json Collection::ToJson() const {
  Json out = Json::array();
  for (const Entry& e : entries_) out.push_back(Decode(e[1]));
  return out;
}

}  // namespace jalon
