// The event log's errors: a RocksDB status as a Jalon Status, and the text
// that names a damaged position. Shared by the files that define EventLog
// (event_log_*.cc); not part of its interface.
//
// Plain functions of their arguments: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/util/status.h"

namespace rocksdb {
class Status;
}  // namespace rocksdb

namespace jalon {

// OK for an OK status; else kCorruption, kNotFound or kIOError (anything
// else RocksDB reports), the message prefixed with `what`.
Status FromRocks(const rocksdb::Status& s, std::string_view what);

// "position N: why", the form every damage report of the log takes.
std::string PositionCorruption(uint64_t position, std::string_view why);

}  // namespace jalon
