#include "engine/util/status.h"

namespace jalon {

std::string_view Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidArgument:
      return "Invalid argument";
    case Code::kNotFound:
      return "Not found";
    case Code::kConflict:
      return "Conflict";
    case Code::kAlreadyExists:
      return "Already exists";
    case Code::kCorruption:
      return "Corruption";
    case Code::kIOError:
      return "IO error";
    case Code::kUnavailable:
      return "Unavailable";
    case Code::kUnauthenticated:
      return "Unauthenticated";
    case Code::kPermissionDenied:
      return "Permission denied";
    case Code::kInternal:
      return "Internal";
    case Code::kKeyReused:
      return "Key reused";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace jalon
