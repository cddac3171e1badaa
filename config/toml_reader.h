// Reading typed values out of a parsed jalon.toml, with messages that name
// the file, the line and the full key: "jalon.toml:7: storage.dat_dir:
// unknown key".
//
// `source` names the file in messages; `prefix` is the dotted path of the
// table read ("delivery.smtp", "tokens[2]"). An optional key that is absent
// leaves *out as it was, so the caller's default stands. Every error is
// InvalidArgument. The functions only read the TOML tree they are given.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"

namespace jalon::config_internal {

// "source:line: key: ", the start of every message about `key`.
std::string Where(std::string_view source, const toml::source_region& region, std::string_view key);

// Refuses any key of `table` not in `allowed`: "prefix.key: unknown key".
Status CheckKeys(std::string_view source, const toml::table& table, std::string_view prefix,
                 const std::set<std::string, std::less<>>& allowed);

// Reads an optional non-empty string at table[key] into *out.
Status ReadString(std::string_view source, const toml::table& table, std::string_view prefix,
                  std::string_view key, std::string* out);

// Reads an optional boolean at table[key] into *out.
Status ReadBool(std::string_view source, const toml::table& table, std::string_view prefix,
                std::string_view key, bool* out);

// Reads an optional integer in [min, max] at table[key] into *out.
template <typename T>
Status ReadInt(std::string_view source, const toml::table& table, std::string_view prefix,
               std::string_view key, int64_t min, int64_t max, T* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string where =
      Where(source, node->source(), std::string(prefix) + "." + std::string(key));
  if (!node->is_integer()) return Status::InvalidArgument(where + "must be a whole number");
  const int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    return Status::InvalidArgument(where + "must be between " + std::to_string(min) + " and " +
                                   std::to_string(max));
  }
  *out = static_cast<T>(value);
  return Status::Ok();
}

// Reads an optional list of whole numbers in [min, max], ascending.
Status ReadAscendingInts(std::string_view source, const toml::table& table, std::string_view prefix,
                         std::string_view key, int64_t min, int64_t max,
                         std::vector<unsigned>* out);

// Calls fn(prefix, table) for each table of an array of tables ([[name]]),
// the prefix being "name[i]" for messages.
Status ForEachTable(std::string_view source, const toml::node& node, std::string_view name,
                    bool non_empty,
                    const std::function<Status(const std::string&, const toml::table&)>& fn);

// "prefix.key: is required" for the first of `keys` missing from t.
Status RequireKeys(std::string_view source, const toml::table& t, const std::string& prefix,
                   std::initializer_list<std::string_view> keys);

// root[key] as a table, or nullptr if absent; if present but not a table,
// nullptr and *error says so.
const toml::table* SubTable(const toml::table& root, std::string_view key, Status* error,
                            std::string_view source);

// Shapes only, to catch typing errors: "name@host" without spaces or
// separators, and "scheme://..." for one of `schemes`.
bool LooksLikeEmail(const std::string& s);
bool LooksLikeUrl(const std::string& s, std::initializer_list<std::string_view> schemes);

}  // namespace jalon::config_internal
