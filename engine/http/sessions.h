// Sign-in sessions and the throttling of failed sign-ins.
//
// SessionStore keeps each session server-side, in memory, under its id: 32
// random bytes from OpenSSL's CSPRNG (256 bits), hex-encoded, which is what
// the cookie holds. A session ends after `idle` without a request, after
// `max_lifetime` in any case, at sign-out (Remove), and when its person is
// deactivated or given a new password (the resolver compares the person's
// password_version with the session's). A restart of jalond ends every
// session: people sign in again.
//
// SignInThrottle counts failed sign-ins per login and per client address
// within a window. Past a few failures each attempt waits (delay); past
// more, attempts are refused until the window after the last failure has
// passed (429 with Retry-After). A success clears the login's count.
//
// Both are thread-safe. Time is steady time (a session lives in real
// time even when the daemon runs a simulated business clock), injected for
// tests.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace jalon::http {

using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

struct SessionOptions {
  std::chrono::minutes idle{30};
  std::chrono::minutes max_lifetime{12 * 60};
};

struct SessionInfo {
  std::string login;
  std::string csrf;
  uint64_t password_version = 0;
};

class SessionStore {
 public:
  explicit SessionStore(SessionOptions options, SteadyNow now = {});

  struct Created {
    std::string id;
    std::string csrf;
  };
  Created Create(const std::string& login, uint64_t password_version);
  // The live session `id`, its idle time restarted; nullopt if unknown or
  // expired (then it is forgotten).
  std::optional<SessionInfo> Touch(std::string_view id);
  // Ends the session; false if there was none.
  bool Remove(std::string_view id);
  // Ends every session of `login`.
  void RemoveLogin(const std::string& login);
  size_t size() const;
  const SessionOptions& options() const { return options_; }

 private:
  struct Entry {
    SessionInfo info;
    std::chrono::steady_clock::time_point created;
    std::atomic<int64_t> last_seen{0};  // steady ticks: touched under the shared lock
  };
  std::chrono::steady_clock::time_point Now() const;
  // Forgets expired sessions. REQUIRES: mu_ held exclusively.
  void SweepLocked(std::chrono::steady_clock::time_point now);
  bool Expired(const Entry& e, std::chrono::steady_clock::time_point now) const;

  const SessionOptions options_;
  const SteadyNow now_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<Entry>> sessions_;  // GUARDED_BY(mu_)
  std::chrono::steady_clock::time_point next_sweep_{};                // GUARDED_BY(mu_)
};

struct ThrottleOptions {
  int slow_after = 3;             // failures before attempts wait
  int refuse_after_login = 10;    // failures of one login before 429
  int refuse_after_address = 30;  // failures from one address before 429
  std::chrono::milliseconds delay_step{250};
  std::chrono::milliseconds max_delay{2000};
  std::chrono::seconds window{15 * 60};
};

class SignInThrottle {
 public:
  explicit SignInThrottle(ThrottleOptions options = {}, SteadyNow now = {});
  struct Verdict {
    bool refused = false;
    std::chrono::seconds retry_after{0};  // when refused
    std::chrono::milliseconds delay{0};   // to wait before checking, when not
  };
  Verdict Before(const std::string& login, const std::string& address);
  void Failed(const std::string& login, const std::string& address);
  void Succeeded(const std::string& login);

 private:
  struct Count {
    int failures = 0;
    std::chrono::steady_clock::time_point last{};
  };
  std::chrono::steady_clock::time_point Now() const;
  // The live count of `key`, reset when its window has passed.
  // REQUIRES: mu_ held.
  Count& Live(const std::string& key, std::chrono::steady_clock::time_point now);

  const ThrottleOptions options_;
  const SteadyNow now_;
  std::mutex mu_;
  std::unordered_map<std::string, Count> counts_;  // GUARDED_BY(mu_)
};

// 32 bytes from OpenSSL's RAND_bytes, as 64 hex digits. Aborts if the
// generator fails: a guessable session id must never be handed out.
std::string RandomToken();

}  // namespace jalon::http
