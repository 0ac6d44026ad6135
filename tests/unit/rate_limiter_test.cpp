// services/rate_limiter: sliding windows over the events kept by store::RateLimitStore, driven by
// explicit clock values (no sleeping), on every store backend (store_contract.hpp). Each call runs
// in its own transaction, as the services' calls do.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "services/accounts/rate_limiter.hpp"
#include "store_contract.hpp"

using planetude::RateLimitState;
using planetude::SlidingWindowLimiter;
using planetude::store::Repos;
using namespace std::chrono_literals;

namespace {

class RateLimits : public planetude::testing::StoreContract {
 protected:
  RateLimitState check(const SlidingWindowLimiter& l, const std::string& key, std::int64_t now) {
    return db().read_value([&](Repos& r) { return l.check(r.rate_limits(), key, now); });
  }
  void record(const SlidingWindowLimiter& l, const std::string& key, std::int64_t now) {
    db().write([&](Repos& r) { l.record(r.rate_limits(), key, now); });
  }
  RateLimitState acquire(const SlidingWindowLimiter& l, const std::string& key, std::int64_t now) {
    return db().write_value([&](Repos& r) { return l.acquire(r.rate_limits(), key, now); });
  }
  std::size_t stored(const std::string& bucket, const std::string& key) {
    return db().read_value([&](Repos& r) { return r.rate_limits().events_since(bucket, key, 0).size(); });
  }
};

constexpr std::int64_t kMinute = 60'000;

TEST_P(RateLimits, UnknownKeyHasFullRoom) {
  SlidingWindowLimiter l("test", 3, 60s);
  RateLimitState s = check(l, "nobody", 0);
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.limit, 3);
  EXPECT_EQ(s.remaining, 3);
  EXPECT_EQ(s.reset_seconds, 0);
  EXPECT_EQ(l.limit(), 3);
}

TEST_P(RateLimits, LimitReachedAfterNRecords) {
  SlidingWindowLimiter l("test", 3, 60s);
  record(l, "k", 0);
  EXPECT_TRUE(check(l, "k", 1).allowed);
  EXPECT_EQ(check(l, "k", 1).remaining, 2);
  record(l, "k", 1000);
  EXPECT_TRUE(check(l, "k", 1001).allowed);
  EXPECT_EQ(check(l, "k", 1001).remaining, 1);
  record(l, "k", 2000);
  RateLimitState s = check(l, "k", 2001);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.remaining, 0);
  EXPECT_EQ(s.limit, 3);
}

TEST_P(RateLimits, CheckRecordsNothing) {
  SlidingWindowLimiter l("test", 1, 60s);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(check(l, "k", i).allowed);
  record(l, "k", 10);
  EXPECT_FALSE(check(l, "k", 11).allowed);
}

TEST_P(RateLimits, WindowSlides) {
  SlidingWindowLimiter l("test", 3, 60s);
  record(l, "k", 0);
  record(l, "k", 10'000);
  record(l, "k", 20'000);
  EXPECT_FALSE(check(l, "k", kMinute - 1).allowed);  // the first event still counts
  RateLimitState s = check(l, "k", kMinute);         // it leaves the window exactly one window later
  EXPECT_TRUE(s.allowed);
  EXPECT_EQ(s.remaining, 1);
  // A new event after sliding counts again.
  record(l, "k", kMinute);
  EXPECT_FALSE(check(l, "k", kMinute + 1).allowed);
  EXPECT_EQ(check(l, "k", 10'000 + kMinute).remaining, 1);
  EXPECT_EQ(check(l, "k", 20'000 + kMinute).remaining, 2);
  EXPECT_EQ(check(l, "k", 2 * kMinute).remaining, 3);
}

TEST_P(RateLimits, ResetSecondsIsTimeUntilOldestCountedEventLeavesRoundedUp) {
  SlidingWindowLimiter l("test", 2, 60s);
  record(l, "k", 1'000);
  record(l, "k", 5'000);
  // The oldest event (1000) leaves at 61000.
  EXPECT_EQ(check(l, "k", 31'000).reset_seconds, 30);
  EXPECT_EQ(check(l, "k", 31'001).reset_seconds, 30);  // 29.999 s -> 30
  EXPECT_EQ(check(l, "k", 30'999).reset_seconds, 31);  // 30.001 s -> 31
  EXPECT_EQ(check(l, "k", 60'999).reset_seconds, 1);   // 1 ms -> 1 s
  EXPECT_FALSE(check(l, "k", 60'999).allowed);
  // Then the next oldest (5000) decides: it leaves at 65000.
  RateLimitState s = check(l, "k", 61'000);
  EXPECT_TRUE(s.allowed);
  record(l, "k", 61'000);
  s = check(l, "k", 61'500);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.reset_seconds, 4);  // 3.5 s -> 4
}

TEST_P(RateLimits, EventsBeyondTheLimitDoNotExtendTheWait) {
  // Five failures with a limit of 3: room returns when the third most recent one leaves.
  SlidingWindowLimiter l("test", 3, 60s);
  for (std::int64_t t : {0, 1'000, 2'000, 3'000, 4'000}) record(l, "k", t);
  RateLimitState s = check(l, "k", 4'000);
  EXPECT_FALSE(s.allowed);
  EXPECT_EQ(s.reset_seconds, 58);  // event at 2000 leaves at 62000
  EXPECT_FALSE(check(l, "k", 61'999).allowed);
  EXPECT_TRUE(check(l, "k", 62'000).allowed);
}

TEST_P(RateLimits, AcquireRecordsOnlyWhenAllowed) {
  SlidingWindowLimiter l("test", 2, 1s);
  RateLimitState a = acquire(l, "k", 0);
  EXPECT_TRUE(a.allowed);
  EXPECT_EQ(a.remaining, 1);
  EXPECT_EQ(check(l, "k", 1).remaining, 1);  // recorded
  acquire(l, "k", 500);
  EXPECT_FALSE(check(l, "k", 501).allowed);  // recorded: the window is full
  RateLimitState c = acquire(l, "k", 900);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.remaining, 0);
  EXPECT_EQ(c.reset_seconds, 1);  // 100 ms -> 1 s
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(acquire(l, "k", 950).allowed);
  // Had the refused attempts been recorded, 900 and 950 would still fill the window at 1000.
  RateLimitState d = check(l, "k", 1000);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 1);
  EXPECT_EQ(check(l, "k", 1500).remaining, 2);
}

TEST_P(RateLimits, AcquireTakingTheLastSlotIsAllowed) {
  // The state acquire returns says whether *this* event was accepted: the event that takes the last
  // slot is accepted (and recorded), with remaining 0; only the next one is refused.
  SlidingWindowLimiter one("test", 1, 60s);
  RateLimitState first = acquire(one, "k", 0);
  EXPECT_TRUE(first.allowed);
  EXPECT_EQ(first.remaining, 0);
  EXPECT_FALSE(check(one, "k", 1).allowed);  // it was recorded
  RateLimitState second = acquire(one, "k", 1);
  EXPECT_FALSE(second.allowed);
  EXPECT_EQ(second.reset_seconds, 60);

  SlidingWindowLimiter two("test-2", 2, 60s);  // its own bucket: limiters of one bucket share events
  EXPECT_TRUE(acquire(two, "k", 0).allowed);
  RateLimitState last = acquire(two, "k", 1);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.remaining, 0);
  EXPECT_FALSE(acquire(two, "k", 2).allowed);
}

TEST_P(RateLimits, KeysAreIndependent) {
  SlidingWindowLimiter l("test", 1, 60s);
  record(l, "alice@example.com", 0);
  EXPECT_FALSE(check(l, "alice@example.com", 1).allowed);
  EXPECT_TRUE(check(l, "bob@example.com", 1).allowed);
  EXPECT_TRUE(check(l, "Alice@example.com", 1).allowed);  // keys are exact
  record(l, "bob@example.com", 2);
  EXPECT_FALSE(check(l, "bob@example.com", 3).allowed);
  EXPECT_FALSE(check(l, "alice@example.com", 3).allowed);
}

TEST_P(RateLimits, BucketsAreIndependentEvenForOneKey) {
  SlidingWindowLimiter chat("chat", 1, 60s);
  SlidingWindowLimiter login("login_ip", 1, 60s);
  record(chat, "k", 0);
  EXPECT_FALSE(check(chat, "k", 1).allowed);
  EXPECT_TRUE(check(login, "k", 1).allowed);
}

TEST_P(RateLimits, OldEventsOfAKeyAreForgottenWhenItIsSeenAgainAndByAPurge) {
  SlidingWindowLimiter l("test", 5, 1s);
  for (int i = 0; i < 5; ++i) record(l, "busy", i);
  record(l, "idle", 0);
  EXPECT_EQ(stored("test", "busy"), 5u);
  record(l, "busy", 10'000);  // the five old ones are out of the window: gone with this write
  EXPECT_EQ(stored("test", "busy"), 1u);
  EXPECT_EQ(stored("test", "idle"), 1u);
  EXPECT_EQ(db().write_value([](Repos& r) { return r.rate_limits().purge_before(5'000); }), 1u);
  EXPECT_EQ(stored("test", "idle"), 0u);
  EXPECT_EQ(stored("test", "busy"), 1u);
}

PLANETUDE_STORE_CONTRACT(RateLimits);

}  // namespace
