#include "engine/plan/projection_snapshot.h"

#include "engine/plan/projections.h"
#include "engine/util/coding.h"

namespace jalon {
namespace {

constexpr std::string_view kSnapshotMagic = "JSNP";

}  // namespace

std::string EncodeSnapshot(uint64_t position, std::string_view body) {
  std::string v(kSnapshotMagic);
  coding::PutFixed32(&v, Projections::kSnapshotFormat);
  coding::PutFixed64(&v, position);
  v += body;
  return v;
}

std::optional<uint64_t> SnapshotPosition(std::string_view v) {
  if (!v.starts_with(kSnapshotMagic)) return std::nullopt;
  v.remove_prefix(kSnapshotMagic.size());
  uint32_t format = 0;
  uint64_t position = 0;
  if (!coding::GetFixed32(&v, &format) || format != Projections::kSnapshotFormat ||
      !coding::GetFixed64(&v, &position)) {
    return std::nullopt;
  }
  return position;
}

std::string EncodeCheckpoint(uint64_t position, const Hash& hash, const PlanMap& plans) {
  std::string body(hash.begin(), hash.end());
  coding::PutFixed32(&body, static_cast<uint32_t>(plans.size()));
  for (const auto& [code, state] : plans) coding::PutLengthPrefixed(&body, state.Encode());
  return EncodeSnapshot(position, body);
}

std::optional<Checkpoint> DecodeCheckpoint(std::string_view v) {
  const std::optional<uint64_t> position = SnapshotPosition(v);
  if (!position) return std::nullopt;
  v.remove_prefix(kSnapshotHeader);
  Checkpoint c;
  c.position = *position;
  uint32_t count = 0;
  if (!coding::GetBytes(&v, c.hash.size(), c.hash.data()) || !coding::GetFixed32(&v, &count)) {
    return std::nullopt;
  }
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view bytes;
    if (!coding::GetLengthPrefixed(&v, &bytes)) return std::nullopt;
    auto state = PlanState::Decode(bytes);
    if (!state.ok() || !c.plans.emplace(state->code, std::move(state).value()).second) {
      return std::nullopt;
    }
  }
  if (!v.empty()) return std::nullopt;
  return c;
}

bool MatchesLog(const EventLog& log, uint64_t position, const std::string& hex) {
  if (position == 0) return hex == ToHex(Hash{});
  auto events = log.ReadRange(position, 1);
  return events.ok() && events->size() == 1 && ToHex(events->front().hash) == hex;
}

}  // namespace jalon
