#include "engine/log/payload.h"

#include <algorithm>
#include <cereal/archives/portable_binary.hpp>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace jalon {
namespace {

using nlohmann::json;

enum Tag : uint8_t {
  kNull = 0,
  kFalse = 1,
  kTrue = 2,
  kInt = 3,
  kUint = 4,
  kDouble = 5,
  kString = 6,
  kArray = 7,
  kObject = 8,
};

// The bytes cereal's PortableBinaryOutputArchive writes (little-endian
// fixed-width numbers, strings as u64 size then bytes), written straight
// into the string: through an ostringstream and the archive, encoding was a
// fifth of deciding a reminder pass's events. The golden record test holds
// the bytes to the ones cereal wrote.
void PutU64(uint64_t v, std::string* out) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
  out->append(bytes, 8);
}

void PutString(std::string_view s, std::string* out) {
  PutU64(s.size(), out);
  out->append(s);
}

void Save(const json& v, std::string* out) {
  switch (v.type()) {
    case json::value_t::null:
    case json::value_t::discarded:
    case json::value_t::binary:  // never produced by the model; keep it readable
      out->push_back(static_cast<char>(kNull));
      break;
    case json::value_t::boolean:
      out->push_back(static_cast<char>(v.get<bool>() ? kTrue : kFalse));
      break;
    case json::value_t::number_integer:
      out->push_back(static_cast<char>(kInt));
      PutU64(static_cast<uint64_t>(v.get<int64_t>()), out);
      break;
    case json::value_t::number_unsigned:
      out->push_back(static_cast<char>(kUint));
      PutU64(v.get<uint64_t>(), out);
      break;
    case json::value_t::number_float: {
      const double d = v.get<double>();
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      out->push_back(static_cast<char>(kDouble));
      PutU64(bits, out);
      break;
    }
    case json::value_t::string:
      out->push_back(static_cast<char>(kString));
      PutString(v.get_ref<const std::string&>(), out);
      break;
    case json::value_t::array:
      out->push_back(static_cast<char>(kArray));
      PutU64(v.size(), out);
      for (const auto& item : v) Save(item, out);
      break;
    case json::value_t::object:
      out->push_back(static_cast<char>(kObject));
      PutU64(v.size(), out);
      for (const auto& [key, item] : v.items()) {  // std::map: sorted keys
        PutString(key, out);
        Save(item, out);
      }
      break;
  }
}

struct Limits {
  size_t input_size;
};

// The same bytes cereal writes for a std::string (u64 size, then the bytes),
// read with a size check first so that a damaged size cannot allocate more
// than the input holds.
std::string LoadString(cereal::PortableBinaryInputArchive& ar, const Limits& limits) {
  uint64_t size = 0;
  ar(size);
  if (size > limits.input_size) throw std::runtime_error("string size beyond input");
  std::string s(size, '\0');
  ar(cereal::binary_data(s.data(), size));
  return s;
}

// Throws std::runtime_error on malformed input; DecodePayload converts it.
json Load(cereal::PortableBinaryInputArchive& ar, const Limits& limits, int depth) {
  if (depth > kMaxPayloadDepth) throw std::runtime_error("payload nested too deeply");
  uint8_t tag = 0;
  ar(tag);
  switch (tag) {
    case kNull:
      return nullptr;
    case kFalse:
      return false;
    case kTrue:
      return true;
    case kInt: {
      int64_t x = 0;
      ar(x);
      return x;
    }
    case kUint: {
      uint64_t x = 0;
      ar(x);
      return x;
    }
    case kDouble: {
      double x = 0;
      ar(x);
      return x;
    }
    case kString:
      return LoadString(ar, limits);
    case kArray: {
      uint64_t size = 0;
      ar(size);
      if (size > limits.input_size) throw std::runtime_error("array size beyond input");
      json arr = json::array();
      for (uint64_t i = 0; i < size; ++i) arr.push_back(Load(ar, limits, depth + 1));
      return arr;
    }
    case kObject: {
      uint64_t size = 0;
      ar(size);
      if (size > limits.input_size) throw std::runtime_error("object size beyond input");
      json obj = json::object();
      for (uint64_t i = 0; i < size; ++i) {
        std::string key = LoadString(ar, limits);
        obj[key] = Load(ar, limits, depth + 1);
      }
      return obj;
    }
    default:
      throw std::runtime_error("unknown value tag " + std::to_string(tag));
  }
}

}  // namespace

std::string EncodePayload(const json& doc) {
  std::string out;
  out.reserve(128);
  out.push_back(1);  // the archive's endianness flag: little-endian
  Save(doc, &out);
  return out;
}

PayloadObjectWriter::PayloadObjectWriter(size_t members, size_t reserve) : announced_(members) {
  out_.reserve(reserve);
  out_.push_back(1);  // the archive's endianness flag, as EncodePayload
  out_.push_back(static_cast<char>(kObject));
  PutU64(members, &out_);
}

void PayloadObjectWriter::Key(std::string_view key) {
  if (written_ > 0 && !(last_key_ < key)) {
    throw std::logic_error("payload member '" + std::string(key) + "' written after '" + last_key_ +
                           "': keys must increase");
  }
  last_key_ = key;
  ++written_;
  PutString(key, &out_);
}

void PayloadObjectWriter::ArrayHead(size_t size) {
  out_.push_back(static_cast<char>(kArray));
  PutU64(size, &out_);
}

void PayloadObjectWriter::String(std::string_view text) {
  out_.push_back(static_cast<char>(kString));
  PutString(text, &out_);
}

PayloadObjectWriter& PayloadObjectWriter::Int(std::string_view key, int64_t value) {
  Key(key);
  out_.push_back(static_cast<char>(kInt));
  PutU64(static_cast<uint64_t>(value), &out_);
  return *this;
}

PayloadObjectWriter& PayloadObjectWriter::Bool(std::string_view key, bool value) {
  Key(key);
  out_.push_back(static_cast<char>(value ? kTrue : kFalse));
  return *this;
}

PayloadObjectWriter& PayloadObjectWriter::Value(std::string_view key, const json& value) {
  Key(key);
  Save(value, &out_);
  return *this;
}

std::string PayloadObjectWriter::Finish() && {
  if (written_ != announced_) {
    throw std::logic_error("payload object announced " + std::to_string(announced_) + " members, " +
                           std::to_string(written_) + " written");
  }
  return std::move(out_);
}

Result<json> DecodePayload(std::string_view bytes) {
  try {
    std::istringstream is{std::string(bytes)};
    cereal::PortableBinaryInputArchive ar(is);
    json doc = Load(ar, Limits{bytes.size()}, 0);
    if (is.peek() != std::char_traits<char>::eof()) {
      return Status::Corruption("payload: trailing bytes");
    }
    return doc;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("payload: ") + e.what());
  }
}

namespace {

// A cursor over the little-endian bytes cereal's portable archive wrote.
class Cursor {
 public:
  explicit Cursor(std::string_view in) : in_(in) {}
  bool U8(uint8_t* v) {
    if (in_.empty()) return false;
    *v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool U64(uint64_t* v) {
    if (in_.size() < 8) return false;
    uint64_t r = 0;
    for (int i = 7; i >= 0; --i) r = (r << 8) | static_cast<uint8_t>(in_[static_cast<size_t>(i)]);
    *v = r;
    in_.remove_prefix(8);
    return true;
  }
  bool Bytes(uint64_t n, std::string_view* out) {
    if (in_.size() < n) return false;
    *out = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool Text(std::string_view* out) {
    uint64_t n = 0;
    return U64(&n) && Bytes(n, out);
  }
  bool empty() const { return in_.empty(); }
  std::string_view rest() const { return in_; }

  // Reads one value; nested ones are skipped (depth-limited) and offered
  // as their bytes.
  bool Value(PayloadScalar* out, int depth) {
    if (depth > kMaxPayloadDepth) return false;
    uint8_t tag = 0;
    uint64_t raw = 0, n = 0;
    std::string_view ignored;
    const std::string_view start = in_;
    if (!U8(&tag)) return false;
    *out = PayloadScalar{};
    switch (tag) {
      case kNull:
        return true;
      case kFalse:
      case kTrue:
        out->kind = PayloadScalar::Kind::kBool;
        out->boolean = tag == kTrue;
        return true;
      case kInt:
        if (!U64(&raw)) return false;
        out->kind = PayloadScalar::Kind::kNumber;
        out->number = static_cast<double>(static_cast<int64_t>(raw));
        out->integer = true;
        return true;
      case kUint:
        if (!U64(&raw)) return false;
        out->kind = PayloadScalar::Kind::kNumber;
        out->number = static_cast<double>(raw);
        out->integer = true;
        return true;
      case kDouble:
        if (!U64(&raw)) return false;
        out->kind = PayloadScalar::Kind::kNumber;
        std::memcpy(&out->number, &raw, sizeof raw);
        return true;
      case kString:
        out->kind = PayloadScalar::Kind::kString;
        return Text(&out->text);
      case kArray: {
        if (!U64(&n) || n > in_.size()) return false;
        PayloadScalar item;
        for (uint64_t i = 0; i < n; ++i) {
          if (!Value(&item, depth + 1)) return false;
        }
        out->kind = PayloadScalar::Kind::kNested;
        out->nested = start.substr(0, start.size() - in_.size());
        return true;
      }
      case kObject: {
        if (!U64(&n) || n > in_.size()) return false;
        PayloadScalar item;
        for (uint64_t i = 0; i < n; ++i) {
          if (!Text(&ignored) || !Value(&item, depth + 1)) return false;
        }
        out->kind = PayloadScalar::Kind::kNested;
        out->nested = start.substr(0, start.size() - in_.size());
        return true;
      }
      default:
        return false;
    }
  }

 private:
  std::string_view in_;
};

// Writes payload values as CBOR (PayloadMembersToCbor).
class CborWriter {
 public:
  explicit CborWriter(FunctionRef<std::string(std::string_view)> rename) : rename_(rename) {}

  // Reads one value from `c` and writes it to `out`; false if malformed.
  bool Value(Cursor& c, int depth, std::string* out) const {
    if (depth > kMaxPayloadDepth) return false;
    uint8_t tag = 0;
    uint64_t raw = 0, n = 0;
    std::string_view text;
    if (!c.U8(&tag)) return false;
    switch (tag) {
      case kNull:
        out->push_back(static_cast<char>(0xF6));
        return true;
      case kFalse:
        out->push_back(static_cast<char>(0xF4));
        return true;
      case kTrue:
        out->push_back(static_cast<char>(0xF5));
        return true;
      case kInt:
        if (!c.U64(&raw)) return false;
        cbor::AppendInt(static_cast<int64_t>(raw), out);
        return true;
      case kUint:
        if (!c.U64(&raw)) return false;
        cbor::AppendHead(0, raw, out);
        return true;
      case kDouble: {
        if (!c.U64(&raw)) return false;
        double d = 0;
        std::memcpy(&d, &raw, sizeof d);
        cbor::AppendDouble(d, out);
        return true;
      }
      case kString:
        if (!c.Text(&text)) return false;
        cbor::AppendText(text, out);
        return true;
      case kArray:
        if (!c.U64(&n) || n > c.rest().size()) return false;
        cbor::AppendHead(4, n, out);
        for (uint64_t i = 0; i < n; ++i) {
          if (!Value(c, depth + 1, out)) return false;
        }
        return true;
      case kObject: {
        std::vector<std::pair<std::string, std::string_view>> members;
        if (!Members(
                c, depth, [](std::string_view) { return true; }, &members))
          return false;
        std::sort(members.begin(), members.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        cbor::AppendHead(5, members.size(), out);
        for (const auto& [key, bytes] : members) {
          cbor::AppendText(key, out);
          Cursor value(bytes);
          if (!Value(value, depth + 1, out)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  // After an object's tag: its members whose key `keep` accepts, as
  // (renamed key, the value's stored bytes). False if malformed, or if a key
  // is not after the one before it (a decoded document would keep only the
  // last of two equal keys; such a payload takes the slow way).
  bool Members(Cursor& c, int depth, FunctionRef<bool(std::string_view)> keep,
               std::vector<std::pair<std::string, std::string_view>>* out) const {
    uint64_t n = 0;
    if (!c.U64(&n) || n > c.rest().size()) return false;
    out->reserve(n);
    std::string_view key, previous;
    PayloadScalar skipped;
    for (uint64_t i = 0; i < n; ++i) {
      if (!c.Text(&key) || (i > 0 && !(previous < key))) return false;
      previous = key;
      const std::string_view before = c.rest();
      if (!c.Value(&skipped, depth + 1)) return false;
      if (keep(key)) {
        out->emplace_back(rename(key), before.substr(0, before.size() - c.rest().size()));
      }
    }
    return true;
  }

 private:
  FunctionRef<std::string(std::string_view)> rename_;
  std::string rename(std::string_view key) const { return rename_(key); }
};

}  // namespace

bool PayloadMembersToCbor(std::string_view bytes, FunctionRef<bool(std::string_view)> keep,
                          FunctionRef<std::string(std::string_view)> rename,
                          std::vector<cbor::Member>* members) {
  Cursor c(bytes);
  uint8_t endianness = 0, tag = 0;
  if (!c.U8(&endianness) || endianness != 1 || !c.U8(&tag) || tag != kObject) return false;
  const CborWriter writer(rename);
  std::vector<std::pair<std::string, std::string_view>> kept;
  if (!writer.Members(c, 0, keep, &kept) || !c.empty()) return false;
  members->clear();
  members->reserve(kept.size());
  for (auto& [key, stored] : kept) {
    cbor::Member m{std::move(key), std::string()};
    Cursor value(stored);
    if (!writer.Value(value, 1, &m.value)) return false;
    members->push_back(std::move(m));
  }
  return true;
}

Status ForEachPayloadField(std::string_view bytes,
                           FunctionRef<void(std::string_view, const PayloadScalar&)> fn) {
  Cursor c(bytes);
  uint8_t endianness = 0, tag = 0;
  uint64_t n = 0;
  if (!c.U8(&endianness) || endianness != 1 || !c.U8(&tag) || tag != kObject || !c.U64(&n) ||
      n > bytes.size()) {
    return Status::Corruption("payload: not an object");
  }
  std::string_view key;
  PayloadScalar value;
  for (uint64_t i = 0; i < n; ++i) {
    if (!c.Text(&key) || !c.Value(&value, 1)) return Status::Corruption("payload: truncated field");
    fn(key, value);
  }
  if (!c.empty()) return Status::Corruption("payload: trailing bytes");
  return Status::Ok();
}

Status ForEachPayloadElement(std::string_view nested, FunctionRef<void(const PayloadScalar&)> fn) {
  Cursor c(nested);
  uint8_t tag = 0;
  uint64_t n = 0;
  if (!c.U8(&tag) || tag != kArray || !c.U64(&n) || n > nested.size()) {
    return Status::Corruption("payload: not an array");
  }
  PayloadScalar item;
  for (uint64_t i = 0; i < n; ++i) {
    // Depth 2: the array is a field of the payload object (depth 1).
    if (!c.Value(&item, 2)) return Status::Corruption("payload: truncated array");
    fn(item);
  }
  if (!c.empty()) return Status::Corruption("payload: trailing bytes after the array");
  return Status::Ok();
}

void Upcaster::Register(std::string type, uint32_t from_version, Fn fn) {
  auto& current = current_[type];
  current = std::max(current, from_version + 1);
  steps_[{std::move(type), from_version}] = std::move(fn);
}

uint32_t Upcaster::CurrentVersion(std::string_view type) const {
  auto it = current_.find(type);
  return it == current_.end() ? 1 : it->second;
}

Result<json> Upcaster::Upcast(std::string_view type, uint32_t version, json doc) const {
  const uint32_t current = CurrentVersion(type);
  if (version == 0 || version > current) {
    return Status::Corruption("payload of " + std::string(type) + " has schema version " +
                              std::to_string(version) + ", this build reads up to " +
                              std::to_string(current));
  }
  for (uint32_t v = version; v < current; ++v) {
    auto it = steps_.find(std::make_pair(std::string(type), v));
    if (it == steps_.end()) {
      return Status::Internal("no upcaster for " + std::string(type) + " v" + std::to_string(v));
    }
    doc = it->second(std::move(doc));
  }
  return doc;
}

}  // namespace jalon
