#include "engine/log/event_json.h"

#include "engine/log/payload.h"

namespace jalon {

nlohmann::json EventToJson(const Event& e) {
  nlohmann::json j = {{"position", e.position},
                      {"stream", e.stream},
                      {"version", e.version},
                      {"type", e.type},
                      {"schema_version", e.schema_version},
                      {"recorded_at", FormatInstant(e.recorded_at)},
                      {"effective_at", FormatInstant(e.effective_at)},
                      {"actor", e.actor},
                      {"command_id", e.command_id},
                      {"prev_hash", ToHex(e.prev_hash)},
                      {"hash", ToHex(e.hash)}};
  auto data = DecodePayload(e.payload);
  if (data.ok()) {
    j["data"] = std::move(data).value();
  } else {
    j["data"] = nullptr;
    j["data_error"] = data.status().message();
  }
  return j;
}

}  // namespace jalon
