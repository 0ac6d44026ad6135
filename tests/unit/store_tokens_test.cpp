// Contract of store::TokenStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Repos;
using planetude::store::TokenRecord;

constexpr std::int64_t kIat = kT0 / 1000;  // seconds
constexpr std::int64_t kExp = kIat + 3600;

class StoreTokens : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
  }
  std::optional<TokenRecord> find(const std::string& jti) {
    return read([&](Repos& r) { return r.tokens().find(jti); });
  }
  void record(const std::vector<TokenRecord>& tokens) {
    write([&](Repos& r) {
      for (const auto& t : tokens) r.tokens().record(t);
    });
  }
};

TEST_P(StoreTokens, RecordedTokenIsFoundWithEveryField) {
  record({{"a1", kAlice, kIat, kExp, std::nullopt}, {"a2", kAlice, kIat + 1, kExp + 1, kT0 + 7}});
  EXPECT_EQ(show(find("a1")), show(TokenRecord{"a1", kAlice, kIat, kExp, std::nullopt}));
  EXPECT_EQ(show(find("a2")), show(TokenRecord{"a2", kAlice, kIat + 1, kExp + 1, kT0 + 7}));
  EXPECT_FALSE(find("a3").has_value());
  EXPECT_FALSE(find("").has_value());
}

TEST_P(StoreTokens, RevokeMarksARecordedTokenOnceKeepingTheFirstTime) {
  record({{"a1", kAlice, kIat, kExp, std::nullopt}, {"a2", kAlice, kIat, kExp, std::nullopt}});
  write([](Repos& r) { r.tokens().revoke({"a1", kAlice, kIat, kExp, std::nullopt}, kT0 + 100); });
  write([](Repos& r) { r.tokens().revoke({"a1", kAlice, kIat, kExp, std::nullopt}, kT0 + 200); });

  EXPECT_EQ(show(find("a1")), show(TokenRecord{"a1", kAlice, kIat, kExp, kT0 + 100}));
  EXPECT_EQ(show(find("a2")), show(TokenRecord{"a2", kAlice, kIat, kExp, std::nullopt}));
}

TEST_P(StoreTokens, RevokeRecordsATokenThisServerNeverSaw) {
  write([](Repos& r) { r.tokens().revoke({"minted-elsewhere", kBob, kIat - 60, kExp + 60, std::nullopt}, kT0 + 5); });
  EXPECT_EQ(show(find("minted-elsewhere")), show(TokenRecord{"minted-elsewhere", kBob, kIat - 60, kExp + 60, kT0 + 5}));
}

TEST_P(StoreTokens, RevokeAllExceptRevokesTheUsersOtherLiveTokensOnly) {
  record({{"a1", kAlice, kIat, kExp, std::nullopt},
          {"a2", kAlice, kIat, kExp, std::nullopt},
          {"a3", kAlice, kIat, kExp, kT0 - 50},
          {"a4", kAlice, kIat, kExp, std::nullopt},
          {"b1", kBob, kIat, kExp, std::nullopt}});
  write([](Repos& r) { r.tokens().revoke_all_except(kAlice, "a2", kT0 + 777); });

  EXPECT_EQ(find("a1")->revoked_at, std::optional<std::int64_t>(kT0 + 777));
  EXPECT_EQ(find("a2")->revoked_at, std::nullopt);                           // the kept one
  EXPECT_EQ(find("a3")->revoked_at, std::optional<std::int64_t>(kT0 - 50));  // already revoked: unchanged
  EXPECT_EQ(find("a4")->revoked_at, std::optional<std::int64_t>(kT0 + 777));
  EXPECT_EQ(find("b1")->revoked_at, std::nullopt);  // another user's
}

TEST_P(StoreTokens, RevokeAllExceptAnUnknownJtiRevokesThemAll) {
  record({{"a1", kAlice, kIat, kExp, std::nullopt}, {"a2", kAlice, kIat, kExp, std::nullopt}});
  write([](Repos& r) { r.tokens().revoke_all_except(kAlice, "not-recorded", kT0); });
  EXPECT_EQ(find("a1")->revoked_at, std::optional<std::int64_t>(kT0));
  EXPECT_EQ(find("a2")->revoked_at, std::optional<std::int64_t>(kT0));
  EXPECT_FALSE(find("not-recorded").has_value());
}

TEST_P(StoreTokens, PurgeExpiredDeletesExpiredTokensOfEveryUserAndCountsThem) {
  const std::int64_t now = kIat;
  record({{"old", kAlice, now - 7200, now - 3600, std::nullopt},
          {"old-revoked", kAlice, now - 7200, now - 1, kT0 - 5000},
          {"bob-old", kBob, now - 7200, now - 10, std::nullopt},
          {"live", kAlice, now - 10, now + 1, std::nullopt},
          {"live-revoked", kBob, now - 10, now + 3600, kT0 - 1000}});

  EXPECT_EQ(db().write_value([&](Repos& r) { return r.tokens().purge_expired(now); }), 3u);
  EXPECT_FALSE(find("old").has_value());
  EXPECT_FALSE(find("old-revoked").has_value());
  EXPECT_FALSE(find("bob-old").has_value());
  // A revoked token that is still valid stays: its revocation must not be forgotten.
  EXPECT_EQ(show(find("live-revoked")), show(TokenRecord{"live-revoked", kBob, now - 10, now + 3600, kT0 - 1000}));
  EXPECT_EQ(show(find("live")), show(TokenRecord{"live", kAlice, now - 10, now + 1, std::nullopt}));

  EXPECT_EQ(db().write_value([&](Repos& r) { return r.tokens().purge_expired(now); }), 0u);
}

PLANETUDE_STORE_CONTRACT(StoreTokens);

}  // namespace
