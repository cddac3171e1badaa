#include "engine/util/json_parse.h"

#include <cmath>
#include <utility>
#include <vector>

namespace jalon {
namespace {

using Json = nlohmann::json;

// Builds the document as nlohmann's own DOM parser does, with the checks of
// json_parse.h on the way. The first refusal stops the parse.
class BoundedDom final : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return Put(Json()); }
  bool boolean(bool v) override { return Put(Json(v)); }
  bool number_integer(number_integer_t v) override { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t& text) override {
    // nlohmann reports an overflow as a parse error (406) before this;
    // checked again so that no other path lets a non-finite value through.
    if (!std::isfinite(v)) return Fail(Here() + ": number " + text + " is out of range");
    return Put(Json(v));
  }
  bool string(string_t& v) override { return Put(Json(std::move(v))); }
  bool binary(binary_t&) override { return Fail(Here() + ": binary values are not JSON"); }
  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool key(string_t& k) override {
    if (stack_.back()->contains(k))
      return Fail(Join(names_.size(), Member(k)) + ": duplicate key (each key once per object)");
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t byte, const std::string& token,
                   const nlohmann::detail::exception& e) override {
    if (e.id == 406) {  // out_of_range.406: number overflow
      return Fail(Here() + ": number " + token +
                  " is out of range (numbers must be finite, within ±1.8e308)");
    }
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..."
    std::string message = e.what();
    if (message.starts_with("[json.exception.")) {
      const size_t end = message.find("] ");
      if (end != std::string::npos) message.erase(0, end + 2);
    }
    std::string where = Here();
    return Fail("not valid JSON (byte " + std::to_string(byte) + ", in " + where + "): " + message);
  }

  Json TakeRoot() { return std::move(root_); }
  const std::string& error() const { return error_; }

 private:
  // A path deeper than this is shown cut, so that a refusal of deep
  // nesting does not quote 64 levels of "[0]".
  static constexpr size_t kShownLevels = 8;
  static std::string Member(const std::string& key) { return "." + key; }
  static std::string Index(size_t i) { return "[" + std::to_string(i) + "]"; }

  // The JSON path of the first `levels` open containers, then `leaf`.
  std::string Join(size_t levels, const std::string& leaf) const {
    std::string path;
    for (size_t i = 1; i < levels && i <= kShownLevels; ++i) path += names_[i];
    path += levels > kShownLevels + 1 ? "..." : leaf;
    if (!path.empty() && path[0] == '.') path.erase(0, 1);
    return path.empty() ? "the top-level value" : path;
  }
  // Where the next value goes.
  std::string Here() const {
    if (stack_.empty()) return Join(0, "");
    const Json& top = *stack_.back();
    return Join(names_.size(), top.is_array() ? Index(top.size()) : Member(key_));
  }

  // Places `v` and returns where it now is.
  Json* Place(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(v));
      return &top.back();
    }
    Json& slot = top[key_];
    slot = std::move(v);
    return &slot;
  }
  bool Put(Json v) {
    Place(std::move(v));
    return true;
  }
  bool Open(Json container) {
    if (stack_.size() >= kMaxJsonDepth) {
      return Fail(Here() + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                  " levels of arrays and objects");
    }
    std::string name;
    if (!stack_.empty()) {
      const Json& top = *stack_.back();
      name = top.is_array() ? Index(top.size()) : Member(key_);
    }
    stack_.push_back(Place(std::move(container)));
    names_.push_back(std::move(name));
    return true;
  }
  bool Close() {
    stack_.pop_back();
    names_.pop_back();
    return true;
  }
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  Json root_;
  std::vector<Json*> stack_;        // the open containers, outermost first
  std::vector<std::string> names_;  // each one's place in its parent
  std::string key_;                 // the key of the next member
  std::string error_;
};

// Accepts one CBOR item no deeper than a bound.
class DepthSax final : public nlohmann::json_sax<Json> {
 public:
  explicit DepthSax(size_t max_depth) : max_depth_(max_depth) {}
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return ++depth_ <= max_depth_; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return --depth_, true; }
  bool start_array(std::size_t) override { return ++depth_ <= max_depth_; }
  bool end_array() override { return --depth_, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  const size_t max_depth_;
  size_t depth_ = 0;
};

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text, std::string_view what) {
  BoundedDom dom;
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &dom);
  } catch (const std::exception& e) {  // a SAX parser reports through parse_error; in case
    return Status::InvalidArgument(std::string(what) + ": not valid JSON: " + e.what());
  }
  if (!ok || !dom.error().empty()) {
    return Status::InvalidArgument(std::string(what) + ": " +
                                   (dom.error().empty() ? "not valid JSON" : dom.error()));
  }
  return dom.TakeRoot();
}

bool IsBoundedCbor(std::string_view bytes, size_t max_depth) {
  DepthSax sax(max_depth);
  try {
    return Json::sax_parse(bytes.begin(), bytes.end(), &sax,
                           nlohmann::detail::input_format_t::cbor);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace jalon
