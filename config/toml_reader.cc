#include "config/toml_reader.h"

namespace jalon::config_internal {

std::string Where(std::string_view source, const toml::source_region& region,
                  std::string_view key) {
  std::string out(source);
  if (region.begin.line > 0) out += ":" + std::to_string(region.begin.line);
  out += ": ";
  out += key;
  out += ": ";
  return out;
}

Status CheckKeys(std::string_view source, const toml::table& table, std::string_view prefix,
                 const std::set<std::string, std::less<>>& allowed) {
  for (const auto& [key, node] : table) {
    if (!allowed.contains(key.str())) {
      std::string full = prefix.empty() ? std::string(key.str())
                                        : std::string(prefix) + "." + std::string(key.str());
      return Status::InvalidArgument(Where(source, key.source(), full) + "unknown key");
    }
  }
  return Status::Ok();
}

Status ReadString(std::string_view source, const toml::table& table, std::string_view prefix,
                  std::string_view key, std::string* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string full = std::string(prefix) + "." + std::string(key);
  auto value = node->value<std::string>();
  if (!node->is_string() || !value) {
    return Status::InvalidArgument(Where(source, node->source(), full) + "must be a string");
  }
  if (value->empty()) {
    return Status::InvalidArgument(Where(source, node->source(), full) + "must not be empty");
  }
  *out = *value;
  return Status::Ok();
}

Status ReadBool(std::string_view source, const toml::table& table, std::string_view prefix,
                std::string_view key, bool* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  if (!node->is_boolean()) {
    return Status::InvalidArgument(
        Where(source, node->source(), std::string(prefix) + "." + std::string(key)) +
        "must be true or false");
  }
  *out = node->as_boolean()->get();
  return Status::Ok();
}

Status ReadAscendingInts(std::string_view source, const toml::table& table, std::string_view prefix,
                         std::string_view key, int64_t min, int64_t max,
                         std::vector<unsigned>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string where =
      Where(source, node->source(), std::string(prefix) + "." + std::string(key));
  const toml::array* list = node->as_array();
  if (list == nullptr) return Status::InvalidArgument(where + "must be a list of whole numbers");
  out->clear();
  for (const toml::node& item : *list) {
    if (!item.is_integer() || item.as_integer()->get() < min || item.as_integer()->get() > max) {
      return Status::InvalidArgument(where + "each value must be a whole number from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    }
    const auto value = static_cast<unsigned>(item.as_integer()->get());
    if (!out->empty() && value <= out->back())
      return Status::InvalidArgument(where + "values must be in increasing order");
    out->push_back(value);
  }
  return Status::Ok();
}

bool LooksLikeEmail(const std::string& s) {
  const size_t at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" \t\r\n<>,;") == std::string::npos;
}

bool LooksLikeUrl(const std::string& s, std::initializer_list<std::string_view> schemes) {
  for (std::string_view scheme : schemes) {
    if (s.size() > scheme.size() + 3 && s.starts_with(scheme) &&
        s.compare(scheme.size(), 3, "://") == 0)
      return true;
  }
  return false;
}

Status ForEachTable(std::string_view source, const toml::node& node, std::string_view name,
                    bool non_empty,
                    const std::function<Status(const std::string&, const toml::table&)>& fn) {
  const toml::array* list = node.as_array();
  if (list == nullptr || (non_empty && list->empty())) {
    return Status::InvalidArgument(Where(source, node.source(), name) + "must be a " +
                                   (non_empty ? "non-empty " : "") + "array of tables ([[" +
                                   std::string(name) + "]])");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string prefix = std::string(name) + "[" + std::to_string(i) + "]";
    const toml::table* t = (*list)[i].as_table();
    if (t == nullptr)
      return Status::InvalidArgument(Where(source, (*list)[i].source(), prefix) +
                                     "must be a table");
    JALON_RETURN_IF_ERROR(fn(prefix, *t));
  }
  return Status::Ok();
}

Status RequireKeys(std::string_view source, const toml::table& t, const std::string& prefix,
                   std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (t.get(key) == nullptr) {
      return Status::InvalidArgument(Where(source, t.source(), prefix + "." + std::string(key)) +
                                     "is required");
    }
  }
  return Status::Ok();
}

const toml::table* SubTable(const toml::table& root, std::string_view key, Status* error,
                            std::string_view source) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) {
    *error = Status::InvalidArgument(Where(source, node->source(), key) + "must be a table");
    return nullptr;
  }
  return node->as_table();
}

}  // namespace jalon::config_internal
