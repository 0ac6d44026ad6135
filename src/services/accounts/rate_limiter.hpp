// Sliding-window rate limits (docs/api.md: all windows slide): a key may have at most `limit`
// events in any `window`. In memory, per process; the number of keys is bounded.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

namespace planetude {

struct RateLimitState {
  bool allowed = true;
  int limit = 0;
  int remaining = 0;
  std::int64_t reset_seconds = 0;  // until the window has room again (0 when it has room now)
};

class SlidingWindowLimiter {
 public:
  SlidingWindowLimiter(int limit, std::chrono::milliseconds window, std::size_t max_keys = 200000);

  // Whether one more event is allowed now; records nothing.
  RateLimitState check(const std::string& key, std::int64_t now_ms);
  void record(const std::string& key, std::int64_t now_ms);
  // Records the event only when it is allowed (for limits on accepted requests).
  RateLimitState acquire(const std::string& key, std::int64_t now_ms);
  int limit() const { return limit_; }

 private:
  RateLimitState state_locked(std::deque<std::int64_t>& events, std::int64_t now_ms) const;
  void evict_locked(std::int64_t now_ms);

  int limit_;
  std::int64_t window_ms_;
  std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<std::int64_t>> events_;
};

}  // namespace planetude
