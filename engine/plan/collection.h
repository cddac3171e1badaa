// Collection: the entities of one kind of a plan (its SWOT items, missions,
// axes, scenarios, actions, indicators, occurrences), kept encoded; and
// EntityFields, the scalar fields of one of them read without decoding it.
//
// A Collection is a value that owns its entities' bytes: copy it to keep a
// past state. Not thread-safe: concurrent const calls are safe, anything
// else needs external synchronization. Misuse (At or Put of a missing id)
// throws std::out_of_range; Decode and Scan of bytes that are not an
// entity's CBOR throw (the snapshot decoder checks what it reads first).
#pragma once

#include <cstddef>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/plan/encoding/packed_texts.h"

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
  auto ids() const { return Mapped<&IdOf>(entries_); }
  // The scalar fields of entity `id`, or nullopt if there is no such entity.
  std::optional<EntityFields> FieldsOf(std::string_view id) const;
  // (id, scalar fields) in order: for (const auto& [id, f] : c.fields()).
  auto fields() const { return Mapped<&FieldsOfEntry>(entries_); }
  // (id, decoded entity) in order: for (const auto& [id, item] : c.items()).
  auto items() const { return Mapped<&ItemOf>(entries_); }

  Json ToJson() const;  // an array in order
  // The snapshot encoding (encoding/state_codec.cc). DecodeFrom reads from the front
  // of `in` and advances it; false, leaving this unspecified, if the bytes
  // do not fit.
  void EncodeTo(std::string* out) const;
  bool DecodeFrom(std::string_view* in);

  // An entity's stored bytes: CBOR with the common keys coded as one byte.
  // ReferenceEncode writes the same bytes through nlohmann's to_cbor of a
  // coded copy: tests hold the two equal, since stored snapshots hold these
  // bytes.
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
  static std::string IdOf(const Entry& e) { return std::string(e[0]); }
  static std::pair<std::string, EntityFields> FieldsOfEntry(const Entry& e) {
    return {std::string(e[0]), Scan(e[1])};
  }
  static std::pair<std::string, Json> ItemOf(const Entry& e) {
    return {std::string(e[0]), Decode(e[1])};
  }

  // The entries as `map` sees them, in order, computed on access: what
  // ids(), fields() and items() return. Not std::views::transform, which
  // clang 14 cannot compile with libstdc++ 12 (its view_interface).
  template <auto map>
  class Mapped {
   public:
    class iterator {
     public:
      using iterator_category = std::forward_iterator_tag;
      using difference_type = std::ptrdiff_t;
      using value_type = decltype(map(std::declval<const Entry&>()));
      using reference = value_type;
      using pointer = void;
      iterator() = default;
      explicit iterator(std::vector<Entry>::const_iterator at) : at_(at) {}
      value_type operator*() const { return map(*at_); }
      iterator& operator++() {
        ++at_;
        return *this;
      }
      iterator operator++(int) {
        iterator before = *this;
        ++at_;
        return before;
      }
      bool operator==(const iterator&) const = default;

     private:
      std::vector<Entry>::const_iterator at_;
    };
    explicit Mapped(const std::vector<Entry>& entries) : entries_(&entries) {}
    iterator begin() const { return iterator(entries_->begin()); }
    iterator end() const { return iterator(entries_->end()); }

   private:
    const std::vector<Entry>* entries_;
  };

  std::vector<Entry> entries_;
};

}  // namespace jalon
