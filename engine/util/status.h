// Status and Result<T>: how errors cross module boundaries in Jalon.
//
// A Status is either OK or a code plus a message that names what went wrong
// (the field, the position, the setting). Codes say whether a retry can help:
// kUnavailable and kIOError may pass; kInvalidArgument, kConflict and
// kCorruption will not go away by retrying the same request.
//
// Multiple threads may call const methods on a Status or Result without
// external synchronization; mutation needs the usual care.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace jalon {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,   // the input broke a rule; the message names the field
    kNotFound,          // an id, stream or position that does not exist
    kConflict,          // optimistic concurrency: expected version mismatch
    kAlreadyExists,     // a unique id used twice
    kCorruption,        // stored data is damaged; the message names the position
    kIOError,           // the storage failed (disk full, read-only, ...)
    kUnavailable,       // shutting down, or writes refused for now
    kUnauthenticated,   // no or unknown credentials
    kPermissionDenied,  // credentials known, action not allowed
    kInternal,          // a bug: an invariant did not hold
    kKeyReused,         // an idempotency key sent again with another request
  };

  Status() = default;

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Conflict(std::string msg) { return {Code::kConflict, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) {
    return {Code::kUnauthenticated, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status KeyReused(std::string msg) { return {Code::kKeyReused, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsCorruption() const { return code_ == Code::kCorruption; }
  bool IsIOError() const { return code_ == Code::kIOError; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }

  // "Corruption: position 42: hash mismatch".
  std::string ToString() const;
  static std::string_view CodeName(Code code);

  // Marks a status that the caller deliberately ignores.
  void PermitUncheckedError() const {}

  // Prefixes the message with context, keeping the code: "import: " + msg.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : rep_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : rep_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(rep_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(rep_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(rep_);
  }

  T& value() & { return std::get<T>(rep_); }
  const T& value() const& { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  // The value, or `fallback` if this holds an error.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }
  T value_or(T fallback) && { return ok() ? std::move(*this).value() : std::move(fallback); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> rep_;
};

}  // namespace jalon

// Returns early from the enclosing function if `expr` is not OK.
#define JALON_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::jalon::Status jalon_status_ = (expr);        \
    if (!jalon_status_.ok()) return jalon_status_; \
  } while (0)
