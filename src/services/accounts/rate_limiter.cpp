#include "services/accounts/rate_limiter.hpp"

#include <stdexcept>

namespace planetude {

RateLimitState rate_limit_state(const std::vector<std::int64_t>& events, int limit, std::int64_t window_ms,
                                std::int64_t now_ms) {
  RateLimitState s;
  s.limit = limit;
  // Only the newest `limit` events decide when the window has room again.
  std::size_t first = events.size() > static_cast<std::size_t>(limit) ? events.size() - limit : 0;
  int used = static_cast<int>(events.size());
  s.allowed = used < limit;
  s.remaining = s.allowed ? limit - used : 0;
  if (first < events.size()) {
    // The oldest counted event leaves the window at its time + window.
    std::int64_t wait_ms = events[first] + window_ms - now_ms;
    s.reset_seconds = std::max<std::int64_t>(0, (wait_ms + 999) / 1000);
  }
  return s;
}

SlidingWindowLimiter::SlidingWindowLimiter(std::string bucket, int limit, std::chrono::milliseconds window)
    : bucket_(std::move(bucket)), limit_(limit), window_ms_(window.count()) {
  if (window_ms_ > kLongestWindowMs) throw std::invalid_argument("rate limit window longer than a day");
}

RateLimitState SlidingWindowLimiter::check(store::RateLimitStore& store, const std::string& key,
                                           std::int64_t now_ms) const {
  // An event exactly one window old has left it.
  return rate_limit_state(store.events_since(bucket_, key, now_ms - window_ms_ + 1), limit_, window_ms_, now_ms);
}

void SlidingWindowLimiter::record(store::RateLimitStore& store, const std::string& key, std::int64_t now_ms) const {
  store.add(bucket_, key, now_ms, now_ms - window_ms_ + 1);
}

RateLimitState SlidingWindowLimiter::acquire(store::RateLimitStore& store, const std::string& key,
                                             std::int64_t now_ms) const {
  auto events = store.events_since(bucket_, key, now_ms - window_ms_ + 1);
  RateLimitState s = rate_limit_state(events, limit_, window_ms_, now_ms);
  if (!s.allowed) return s;
  record(store, key, now_ms);
  events.push_back(now_ms);
  RateLimitState after = rate_limit_state(events, limit_, window_ms_, now_ms);
  after.allowed = true;  // this event was let through; `remaining` says what is left
  return after;
}

}  // namespace planetude
