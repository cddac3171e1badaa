// The JSON rendering of an event, as the API, the CLI and the events feed
// show it. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/log/event.h"

namespace jalon {

// {position, stream, version, type, schema_version, recorded_at,
//  effective_at, actor, command_id, data, prev_hash, hash}. `data` is the
// decoded payload, or null with "data_error" if it does not decode.
nlohmann::json EventToJson(const Event& e);

}  // namespace jalon
