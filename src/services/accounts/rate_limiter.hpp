// Sliding-window rate limits (docs/api.md: all windows slide): a key may have at most `limit`
// events in any `window`. The events live in the database (store::RateLimitStore), so every
// instance on one database counts the same ones, and a restart forgets nothing. The methods run
// inside the caller's transaction; acquire() in a write transaction decides and records at once,
// so concurrent requests, on any instance, never let more than `limit` through.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace planetude {

struct RateLimitState {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;
  std::int64_t reset_seconds = 0;  // until the window has room again (0 when it has room now)
};

// What `events` (times in ms, oldest first, all within the window) leave of a limit at `now_ms`.
RateLimitState rate_limit_state(const std::vector<std::int64_t>& events, int limit, std::int64_t window_ms,
                                std::int64_t now_ms);

class SlidingWindowLimiter {
 public:
  // `bucket`: the limit's name in the database ("login_email", "chat", ...).
  SlidingWindowLimiter(std::string bucket, int limit, std::chrono::milliseconds window);

  // Whether one more event is allowed now; records nothing.
  RateLimitState check(store::RateLimitStore& store, const std::string& key, std::int64_t now_ms) const;
  void record(store::RateLimitStore& store, const std::string& key, std::int64_t now_ms) const;
  // Records the event only when it is allowed (for limits on accepted requests).
  RateLimitState acquire(store::RateLimitStore& store, const std::string& key, std::int64_t now_ms) const;
  int limit() const { return limit_; }
  // Events older than this are worth nothing to any limit (the longest window there is).
  static constexpr std::int64_t kLongestWindowMs = std::int64_t{24} * 3600 * 1000;

 private:
  std::string bucket_;
  int limit_;
  std::int64_t window_ms_;
};

}  // namespace planetude
