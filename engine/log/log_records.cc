#include "engine/log/log_records.h"

#include "engine/log/format.h"
#include "engine/util/coding.h"

namespace jalon::log_format {

std::string EncodeHead(const LogHead& h) {
  std::string v;
  coding::PutFixed64(&v, h.position);
  v.append(AsBytes(h.hash));
  coding::PutFixed64(&v, static_cast<uint64_t>(ToMicros(h.recorded_at)));
  return v;
}

bool DecodeHead(std::string_view v, LogHead* h) {
  uint64_t rec = 0;
  if (!coding::GetFixed64(&v, &h->position) || !coding::GetBytes(&v, 32, h->hash.data()) ||
      !coding::GetFixed64(&v, &rec) || !v.empty()) {
    return false;
  }
  h->recorded_at = FromMicros(static_cast<int64_t>(rec));
  return true;
}

std::string EncodeCommand(const AppendResult& r) {
  std::string v;
  const bool hashed = !r.request_hash.empty();
  v.push_back(static_cast<char>(hashed ? kCommandRecordHashedFormat : kCommandRecordFormat));
  coding::PutLengthPrefixed(&v, r.stream);
  coding::PutFixed64(&v, r.first_position);
  coding::PutFixed32(&v, r.count);
  coding::PutFixed64(&v, r.first_version);
  if (hashed) v += r.request_hash;
  return v;
}

bool DecodeCommand(std::string_view v, AppendResult* r) {
  if (v.empty()) return false;
  const uint8_t format = static_cast<uint8_t>(v[0]);
  if (format != kCommandRecordFormat && format != kCommandRecordHashedFormat) return false;
  v.remove_prefix(1);
  std::string_view stream;
  if (!coding::GetLengthPrefixed(&v, &stream) || !coding::GetFixed64(&v, &r->first_position) ||
      !coding::GetFixed32(&v, &r->count) || !coding::GetFixed64(&v, &r->first_version)) {
    return false;
  }
  if (format == kCommandRecordHashedFormat) {
    if (v.size() != kCommandRequestHashBytes) return false;
    r->request_hash.assign(v);
  } else if (!v.empty()) {
    return false;
  }
  r->stream.assign(stream);
  return true;
}

}  // namespace jalon::log_format
