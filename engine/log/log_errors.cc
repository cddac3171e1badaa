#include "engine/log/log_errors.h"

#include <rocksdb/status.h>

namespace jalon {

Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  if (s.ok()) return Status::Ok();
  std::string msg = std::string(what) + ": " + s.ToString();
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsNotFound()) return Status::NotFound(msg);
  return Status::IOError(msg);
}

std::string PositionCorruption(uint64_t position, std::string_view why) {
  return "position " + std::to_string(position) + ": " + std::string(why);
}

}  // namespace jalon
