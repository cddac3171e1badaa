#include "engine/http/sessions.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdlib>

namespace jalon::http {

std::string RandomToken() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) std::abort();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

SessionStore::SessionStore(SessionOptions options, SteadyNow now)
    : options_(options), now_(std::move(now)) {}

std::chrono::steady_clock::time_point SessionStore::Now() const {
  return now_ ? now_() : std::chrono::steady_clock::now();
}

bool SessionStore::Expired(const Entry& e, std::chrono::steady_clock::time_point now) const {
  const auto last = std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(e.last_seen.load(std::memory_order_relaxed)));
  return now - last >= options_.idle || now - e.created >= options_.max_lifetime;
}

void SessionStore::SweepLocked(std::chrono::steady_clock::time_point now) {
  std::erase_if(sessions_, [&](const auto& kv) { return Expired(*kv.second, now); });
  next_sweep_ = now + std::chrono::minutes(1);
}

SessionStore::Created SessionStore::Create(const std::string& login, uint64_t password_version) {
  auto entry = std::make_unique<Entry>();
  const auto now = Now();
  entry->info = SessionInfo{login, RandomToken(), password_version};
  entry->created = now;
  entry->last_seen.store(now.time_since_epoch().count());
  Created created{RandomToken(), entry->info.csrf};
  std::unique_lock<std::shared_mutex> lock(mu_);
  if (now >= next_sweep_) SweepLocked(now);
  sessions_[created.id] = std::move(entry);
  return created;
}

std::optional<SessionInfo> SessionStore::Touch(std::string_view id) {
  const auto now = Now();
  {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = sessions_.find(std::string(id));
    if (it == sessions_.end()) return std::nullopt;
    if (!Expired(*it->second, now)) {
      it->second->last_seen.store(now.time_since_epoch().count(), std::memory_order_relaxed);
      return it->second->info;
    }
  }
  Remove(id);
  return std::nullopt;
}

bool SessionStore::Remove(std::string_view id) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  return sessions_.erase(std::string(id)) > 0;
}

void SessionStore::RemoveLogin(const std::string& login) {
  std::unique_lock<std::shared_mutex> lock(mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second->info.login == login; });
}

size_t SessionStore::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return sessions_.size();
}

SignInThrottle::SignInThrottle(ThrottleOptions options, SteadyNow now)
    : options_(options), now_(std::move(now)) {}

std::chrono::steady_clock::time_point SignInThrottle::Now() const {
  return now_ ? now_() : std::chrono::steady_clock::now();
}

SignInThrottle::Count& SignInThrottle::Live(const std::string& key,
                                            std::chrono::steady_clock::time_point now) {
  if (counts_.size() > 100000) {  // bounded: forget the counts whose window has passed
    std::erase_if(counts_, [&](const auto& kv) { return now - kv.second.last >= options_.window; });
  }
  Count& c = counts_[key];
  if (c.failures > 0 && now - c.last >= options_.window) c = Count{};
  return c;
}

SignInThrottle::Verdict SignInThrottle::Before(const std::string& login,
                                               const std::string& address) {
  const auto now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  const Count login_count = Live("l:" + login, now);
  const Count address_count = Live("a:" + address, now);
  Verdict v;
  auto refuse = [&](const Count& c) {
    const auto left = options_.window - (now - c.last);
    v.refused = true;
    v.retry_after =
        std::max(v.retry_after,
                 std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(left)));
  };
  if (login_count.failures >= options_.refuse_after_login) refuse(login_count);
  if (address_count.failures >= options_.refuse_after_address) refuse(address_count);
  if (v.refused) return v;
  const int failures = std::max(login_count.failures, address_count.failures);
  if (failures >= options_.slow_after) {
    v.delay =
        std::min(options_.max_delay, options_.delay_step * (failures - options_.slow_after + 1));
  }
  return v;
}

void SignInThrottle::Failed(const std::string& login, const std::string& address) {
  const auto now = Now();
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& key : {"l:" + login, "a:" + address}) {
    Count& c = Live(key, now);
    ++c.failures;
    c.last = now;
  }
}

void SignInThrottle::Succeeded(const std::string& login) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.erase("l:" + login);
}

}  // namespace jalon::http
