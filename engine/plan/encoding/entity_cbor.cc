// The bytes of a Collection's entities: Collection::Encode, Decode and Scan.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/plan/collection.h"
#include "engine/plan/encoding/entity_keys.h"
#include "engine/util/cbor.h"

namespace jalon {
namespace {

// `j` in CBOR with the object keys coded by kEntityKeys: the bytes that
// nlohmann's to_cbor writes for the copy of `j` with coded keys (a test
// holds the two to the same bytes), without building that copy, which cost
// as much as the rest of applying a structural event. False, with `out`
// unspecified, for what entities never hold (binary values).
bool AppendEntityCbor(const Json& j, std::string* out) {
  switch (j.type()) {
    case Json::value_t::null:
      out->push_back(static_cast<char>(0xF6));
      return true;
    case Json::value_t::boolean:
      out->push_back(static_cast<char>(j.get<bool>() ? 0xF5 : 0xF4));
      return true;
    case Json::value_t::number_integer:
      cbor::AppendInt(j.get<int64_t>(), out);
      return true;
    case Json::value_t::number_unsigned:
      cbor::AppendHead(0, j.get<uint64_t>(), out);
      return true;
    case Json::value_t::number_float:
      cbor::AppendDouble(j.get<double>(), out);
      return true;
    case Json::value_t::string:
      cbor::AppendText(j.get_ref<const std::string&>(), out);
      return true;
    case Json::value_t::array:
      cbor::AppendHead(4, j.size(), out);
      for (const Json& v : j) {
        if (!AppendEntityCbor(v, out)) return false;
      }
      return true;
    case Json::value_t::object: {
      // In the order of the coded keys, as the coded copy's map holds them.
      std::vector<std::pair<std::string, const Json*>> members;
      members.reserve(j.size());
      for (const auto& [k, v] : j.items()) members.emplace_back(kEntityKeys.Code(k), &v);
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      cbor::AppendHead(5, members.size(), out);
      for (const auto& [key, v] : members) {
        cbor::AppendText(key, out);
        if (!AppendEntityCbor(*v, out)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

// The copy of `j` with its keys coded: what the writer above must match,
// and its fallback.
Json WithShortKeys(const Json& j) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : j.items()) out[kEntityKeys.Code(k)] = WithShortKeys(v);
    return out;
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const Json& v : j) out.push_back(WithShortKeys(v));
    return out;
  }
  return j;
}

// nlohmann's DOM builder with the keys expanded as they are read.
class ExpandingDom : public nlohmann::detail::json_sax_dom_parser<Json> {
 public:
  using json_sax_dom_parser::json_sax_dom_parser;
  bool key(std::string& k) {
    kEntityKeys.ExpandInPlace(&k);
    return json_sax_dom_parser::key(k);
  }
};

}  // namespace

std::string Collection::Encode(const Json& item) {
  std::string bytes;
  if (AppendEntityCbor(item, &bytes)) return bytes;
  return ReferenceEncode(item);
}

std::string Collection::ReferenceEncode(const Json& item) {
  std::string bytes;
  Json::to_cbor(WithShortKeys(item), nlohmann::detail::output_adapter<char, std::string>(bytes));
  return bytes;
}

Json Collection::Decode(std::string_view bytes) {
  Json out;
  ExpandingDom dom(out);
  Json::sax_parse(bytes.begin(), bytes.end(), &dom, nlohmann::detail::input_format_t::cbor);
  return out;
}

namespace {

// Collects the top-level scalar fields of a CBOR object, skipping nested
// values: nlohmann's SAX interface over the same reader as from_cbor.
class ScalarSax final : public nlohmann::json_sax<Json> {
 public:
  explicit ScalarSax(EntityFields* out) : out_(out) {}
  bool null() override { return Put(Json()); }
  bool boolean(bool v) override { return Put(Json(v)); }
  bool number_integer(number_integer_t v) override { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return Put(Json(v)); }
  bool string(string_t& v) override { return Put(Json(std::move(v))); }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Enter(); }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool key(string_t& k) override {
    if (depth_ == 1) {
      key_ = std::move(k);
      kEntityKeys.ExpandInPlace(&key_);
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    throw std::runtime_error(std::string("entity does not decode: ") + e.what());
  }

 private:
  bool Enter() {
    ++depth_;
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }
  bool Put(Json v) {
    if (depth_ == 1) out_->fields.emplace_back(std::move(key_), std::move(v));
    return true;
  }
  EntityFields* out_;
  int depth_ = 0;
  std::string key_;
};

}  // namespace

EntityFields Collection::Scan(std::string_view bytes) {
  EntityFields out;
  ScalarSax sax(&out);
  Json::sax_parse(bytes.begin(), bytes.end(), &sax, nlohmann::detail::input_format_t::cbor);
  return out;
}

}  // namespace jalon
