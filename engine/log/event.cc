#include "engine/log/event.h"

#include "engine/log/format.h"
#include "engine/util/coding.h"

namespace jalon {

using coding::PutFixed32;
using coding::PutFixed64;
using coding::PutLengthPrefixed;

std::string EncodeCanonical(const Event& e) {
  std::string out;
  out.reserve(64 + e.stream.size() + e.type.size() + e.actor.size() + e.command_id.size() +
              e.payload.size());
  PutFixed64(&out, e.position);
  PutLengthPrefixed(&out, e.stream);
  PutFixed64(&out, e.version);
  PutLengthPrefixed(&out, e.type);
  PutFixed32(&out, e.schema_version);
  PutFixed64(&out, static_cast<uint64_t>(ToMicros(e.recorded_at)));
  PutFixed64(&out, static_cast<uint64_t>(ToMicros(e.effective_at)));
  PutLengthPrefixed(&out, e.actor);
  PutLengthPrefixed(&out, e.command_id);
  PutLengthPrefixed(&out, e.payload);
  return out;
}

Hash ChainHash(const Hash& prev, std::string_view canonical) {
  return Sha256(AsBytes(prev), canonical);
}

std::string SealAndEncode(Event* e) {
  std::string canonical = EncodeCanonical(*e);
  e->hash = ChainHash(e->prev_hash, canonical);
  std::string record;
  record.reserve(1 + canonical.size() + 64);
  record.push_back(static_cast<char>(log_format::kRecordFormat));
  record += canonical;
  record.append(AsBytes(e->prev_hash));
  record.append(AsBytes(e->hash));
  return record;
}

Status DecodeRecordView(std::string_view record, EventView* out) {
  if (record.empty()) return Status::Corruption("empty record");
  if (static_cast<uint8_t>(record[0]) != log_format::kRecordFormat) {
    return Status::Corruption("unknown record format " +
                              std::to_string(static_cast<uint8_t>(record[0])));
  }
  if (record.size() < 1 + 64) return Status::Corruption("record too short");
  std::string_view body = record.substr(1, record.size() - 1 - 64);
  std::string_view in = body;
  uint64_t recorded = 0, effective = 0;
  bool ok = coding::GetFixed64(&in, &out->position) &&
            coding::GetLengthPrefixed(&in, &out->stream) &&
            coding::GetFixed64(&in, &out->version) && coding::GetLengthPrefixed(&in, &out->type) &&
            coding::GetFixed32(&in, &out->schema_version) && coding::GetFixed64(&in, &recorded) &&
            coding::GetFixed64(&in, &effective) && coding::GetLengthPrefixed(&in, &out->actor) &&
            coding::GetLengthPrefixed(&in, &out->command_id) &&
            coding::GetLengthPrefixed(&in, &out->payload);
  if (!ok) return Status::Corruption("truncated record body");
  if (!in.empty()) return Status::Corruption("trailing bytes in record body");
  out->recorded_at = FromMicros(static_cast<int64_t>(recorded));
  out->effective_at = FromMicros(static_cast<int64_t>(effective));
  std::string_view hashes = record.substr(record.size() - 64);
  std::memcpy(out->prev_hash.data(), hashes.data(), 32);
  std::memcpy(out->hash.data(), hashes.data() + 32, 32);
  out->canonical = body;
  out->record = record;
  return Status::Ok();
}

EventView Event::View() const {
  EventView v;
  v.position = position;
  v.stream = stream;
  v.version = version;
  v.type = type;
  v.schema_version = schema_version;
  v.recorded_at = recorded_at;
  v.effective_at = effective_at;
  v.actor = actor;
  v.command_id = command_id;
  v.payload = payload;
  v.prev_hash = prev_hash;
  v.hash = hash;
  return v;
}

Event EventView::ToEvent() const {
  Event e;
  e.position = position;
  e.stream.assign(stream);
  e.version = version;
  e.type.assign(type);
  e.schema_version = schema_version;
  e.recorded_at = recorded_at;
  e.effective_at = effective_at;
  e.actor.assign(actor);
  e.command_id.assign(command_id);
  e.payload.assign(payload);
  e.prev_hash = prev_hash;
  e.hash = hash;
  return e;
}

Status DecodeRecord(std::string_view record, Event* out, std::string_view* canonical) {
  EventView view;
  JALON_RETURN_IF_ERROR(DecodeRecordView(record, &view));
  *out = view.ToEvent();
  if (canonical != nullptr) *canonical = view.canonical;
  return Status::Ok();
}

}  // namespace jalon
