#include "services/accounts/rate_limiter.hpp"

namespace planetude {

SlidingWindowLimiter::SlidingWindowLimiter(int limit, std::chrono::milliseconds window, std::size_t max_keys)
    : limit_(limit), window_ms_(window.count()), max_keys_(max_keys) {}

RateLimitState SlidingWindowLimiter::state_locked(std::deque<std::int64_t>& events, std::int64_t now_ms) const {
  while (!events.empty() && events.front() <= now_ms - window_ms_) events.pop_front();
  RateLimitState s;
  s.limit = limit_;
  int used = static_cast<int>(events.size());
  s.allowed = used < limit_;
  s.remaining = s.allowed ? limit_ - used : 0;
  if (!events.empty()) {
    // The oldest counted event leaves the window at front + window.
    std::int64_t wait_ms = events.front() + window_ms_ - now_ms;
    s.reset_seconds = (wait_ms + 999) / 1000;
  }
  return s;
}

void SlidingWindowLimiter::evict_locked(std::int64_t now_ms) {
  if (events_.size() < max_keys_) return;
  for (auto it = events_.begin(); it != events_.end();) {
    if (it->second.empty() || it->second.back() <= now_ms - window_ms_) it = events_.erase(it);
    else ++it;
  }
  // Still full of live keys: forget an arbitrary one rather than grow without bound.
  if (events_.size() >= max_keys_) events_.erase(events_.begin());
}

RateLimitState SlidingWindowLimiter::check(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = events_.find(key);
  if (it == events_.end()) return RateLimitState{true, limit_, limit_, 0};
  return state_locked(it->second, now_ms);
}

void SlidingWindowLimiter::record(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (!events_.count(key)) evict_locked(now_ms);
  auto& events = events_[key];
  events.push_back(now_ms);
  // Only the newest `limit` events decide when the window has room again.
  while (events.size() > static_cast<std::size_t>(limit_)) events.pop_front();
}

RateLimitState SlidingWindowLimiter::acquire(const std::string& key, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  if (!events_.count(key)) evict_locked(now_ms);
  auto& events = events_[key];
  RateLimitState s = state_locked(events, now_ms);
  if (!s.allowed) return s;
  events.push_back(now_ms);
  RateLimitState after = state_locked(events, now_ms);
  after.allowed = true;  // this event was let through; `remaining` says what is left
  return after;
}

}  // namespace planetude
