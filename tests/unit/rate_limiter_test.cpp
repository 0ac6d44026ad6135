// services/rate_limiter: sliding windows driven by explicit clock values (no sleeping).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "services/accounts/rate_limiter.hpp"

using planetude::RateLimitState;
using planetude::SlidingWindowLimiter;
using namespace std::chrono_literals;

namespace {
constexpr std::int64_t kMinute = 60'000;
}

TEST(SlidingWindowLimiter, UnknownKeyHasFullRoom) {
  SlidingWindowLimiter l(3, 60s);
  RateLimitState s = l.check("nobody", 0);
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.limit, 3);
  EXPECT_EQ(s.remaining, 3);
  EXPECT_EQ(s.reset_seconds, 0);
  EXPECT_EQ(l.limit(), 3);
}

TEST(SlidingWindowLimiter, LimitReachedAfterNRecords) {
  SlidingWindowLimiter l(3, 60s);
  l.record("k", 0);
  EXPECT_TRUE(l.check("k", 1).allowed);
  EXPECT_EQ(l.check("k", 1).remaining, 2);
  l.record("k", 1000);
  EXPECT_TRUE(l.check("k", 1001).allowed);
  EXPECT_EQ(l.check("k", 1001).remaining, 1);
  l.record("k", 2000);
  RateLimitState s = l.check("k", 2001);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.remaining, 0);
  EXPECT_EQ(s.limit, 3);
}

TEST(SlidingWindowLimiter, CheckRecordsNothing) {
  SlidingWindowLimiter l(1, 60s);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(l.check("k", i).allowed);
  l.record("k", 10);
  EXPECT_FALSE(l.check("k", 11).allowed);
}

TEST(SlidingWindowLimiter, WindowSlides) {
  SlidingWindowLimiter l(3, 60s);
  l.record("k", 0);
  l.record("k", 10'000);
  l.record("k", 20'000);
  EXPECT_FALSE(l.check("k", kMinute - 1).allowed);  // the first event still counts
  RateLimitState s = l.check("k", kMinute);         // it leaves the window exactly one window later
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.remaining, 1);
  // A new event after sliding counts again.
  l.record("k", kMinute);
  EXPECT_FALSE(l.check("k", kMinute + 1).allowed);
  EXPECT_EQ(l.check("k", 10'000 + kMinute).remaining, 1);
  EXPECT_EQ(l.check("k", 20'000 + kMinute).remaining, 2);
  EXPECT_EQ(l.check("k", 2 * kMinute).remaining, 3);
}

TEST(SlidingWindowLimiter, ResetSecondsIsTimeUntilOldestCountedEventLeavesRoundedUp) {
  SlidingWindowLimiter l(2, 60s);
  l.record("k", 1'000);
  l.record("k", 5'000);
  // The oldest event (1000) leaves at 61000.
  EXPECT_EQ(l.check("k", 31'000).reset_seconds, 30);
  EXPECT_EQ(l.check("k", 31'001).reset_seconds, 30);  // 29.999 s -> 30
  EXPECT_EQ(l.check("k", 30'999).reset_seconds, 31);  // 30.001 s -> 31
  EXPECT_EQ(l.check("k", 60'999).reset_seconds, 1);   // 1 ms -> 1 s
  EXPECT_FALSE(l.check("k", 60'999).allowed);
  // Then the next oldest (5000) decides: it leaves at 65000.
  RateLimitState s = l.check("k", 61'000);
  EXPECT_TRUE(s.allowed);
  l.record("k", 61'000);
  s = l.check("k", 61'500);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.reset_seconds, 4);  // 3.5 s -> 4
}

TEST(SlidingWindowLimiter, EventsBeyondTheLimitDoNotExtendTheWait) {
  // Five failures with a limit of 3: room returns when the third most recent one leaves.
  SlidingWindowLimiter l(3, 60s);
  for (std::int64_t t : {0, 1'000, 2'000, 3'000, 4'000}) l.record("k", t);
  RateLimitState s = l.check("k", 4'000);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.reset_seconds, 58);  // event at 2000 leaves at 62000
  EXPECT_FALSE(l.check("k", 61'999).allowed);
  EXPECT_TRUE(l.check("k", 62'000).allowed);
}

TEST(SlidingWindowLimiter, AcquireRecordsOnlyWhenAllowed) {
  SlidingWindowLimiter l(2, 1s);
  RateLimitState a = l.acquire("k", 0);
  EXPECT_TRUE(a.allowed);
  EXPECT_EQ(a.remaining, 1);
  EXPECT_EQ(l.check("k", 1).remaining, 1);  // recorded
  l.acquire("k", 500);
  EXPECT_FALSE(l.check("k", 501).allowed);  // recorded: the window is full
  RateLimitState c = l.acquire("k", 900);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.remaining, 0);
  EXPECT_EQ(c.reset_seconds, 1);  // 100 ms -> 1 s
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(l.acquire("k", 950).allowed);
  // Had the refused attempts been recorded, 900 and 950 would still fill the window at 1000.
  RateLimitState d = l.check("k", 1000);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(l.check("k", 1500).remaining, 2);
}

TEST(SlidingWindowLimiter, AcquireTakingTheLastSlotIsAllowed) {
  // The state acquire returns says whether *this* event was accepted: the event that takes the last
  // slot is accepted (and recorded), with remaining 0; only the next one is refused.
  SlidingWindowLimiter one(1, 60s);
  RateLimitState first = one.acquire("k", 0);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining, 0);
  EXPECT_FALSE(one.check("k", 1).allowed);  // it was recorded
  RateLimitState second = one.acquire("k", 1);
  EXPECT_FALSE(second.allowed);
  EXPECT_EQ(second.reset_seconds, 60);

  SlidingWindowLimiter two(2, 60s);
  EXPECT_TRUE(two.acquire("k", 0).allowed);
  RateLimitState last = two.acquire("k", 1);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining, 0);
  EXPECT_FALSE(two.acquire("k", 2).allowed);
}

TEST(SlidingWindowLimiter, KeysAreIndependent) {
  SlidingWindowLimiter l(1, 60s);
  l.record("alice@example.com", 0);
  EXPECT_FALSE(l.check("alice@example.com", 1).allowed);
  EXPECT_TRUE(l.check("bob@example.com", 1).allowed);
  EXPECT_TRUE(l.check("Alice@example.com", 1).allowed);  // keys are exact
  l.record("bob@example.com", 2);
  EXPECT_FALSE(l.check("bob@example.com", 3).allowed);
  EXPECT_FALSE(l.check("alice@example.com", 3).allowed);
}

TEST(SlidingWindowLimiter, MaxKeysBoundsMemory) {
  SlidingWindowLimiter l(1, 1h, 10);
  for (int i = 0; i < 1000; ++i) l.record("key-" + std::to_string(i), 1000 + i);
  int tracked = 0;
  for (int i = 0; i < 1000; ++i)
    if (!l.check("key-" + std::to_string(i), 5000).allowed) ++tracked;
  EXPECT_LE(tracked, 10);
  EXPECT_GE(tracked, 1);
  // The newest key is always kept.
  EXPECT_FALSE(l.check("key-999", 5000).allowed);

  SlidingWindowLimiter a(1, 1h, 10);
  for (int i = 0; i < 1000; ++i) a.acquire("key-" + std::to_string(i), 1000 + i);
  tracked = 0;
  for (int i = 0; i < 1000; ++i)
    if (!a.check("key-" + std::to_string(i), 5000).allowed) ++tracked;
  EXPECT_LE(tracked, 10);
  EXPECT_FALSE(a.check("key-999", 5000).allowed);
}

TEST(SlidingWindowLimiter, EvictionDropsStaleKeysBeforeLiveOnes) {
  SlidingWindowLimiter l(1, 1s, 3);
  l.record("stale-1", 0);
  l.record("stale-2", 0);
  l.record("live", 5'000);
  l.record("new", 5'000);  // full: the two stale keys go, "live" stays
  EXPECT_FALSE(l.check("live", 5'001).allowed);
  EXPECT_FALSE(l.check("new", 5'001).allowed);
  l.record("new-2", 5'000);  // room for one more without touching live keys
  EXPECT_FALSE(l.check("live", 5'001).allowed);
  EXPECT_FALSE(l.check("new", 5'001).allowed);
  EXPECT_FALSE(l.check("new-2", 5'001).allowed);
}
