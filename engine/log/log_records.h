// The head record ("meta/head") and the command record ("commands") of the
// event log, whose layout engine/log/format.h draws. The event record itself
// is encoded in engine/log/event.h.
//
// Plain functions of their arguments: thread-safe. A Decode that returns
// false leaves its output partly written and means the bytes are damaged.
#pragma once

#include <string>
#include <string_view>

#include "engine/log/event_log.h"

namespace jalon::log_format {

std::string EncodeHead(const LogHead& h);
bool DecodeHead(std::string_view v, LogHead* h);

// Only stream, first_position, count and first_version are stored.
std::string EncodeCommand(const AppendResult& r);
bool DecodeCommand(std::string_view v, AppendResult* r);

}  // namespace jalon::log_format
