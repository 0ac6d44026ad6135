// Contract of store::CalendarFeedStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Repos;

class StoreCalendarFeeds : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
  }
  void put(const std::string& user_id, const std::string& secret_hash, std::int64_t now_ms) {
    write([&](Repos& r) { r.calendar_feeds().put(user_id, secret_hash, now_ms); });
  }
  void remove(const std::string& user_id) {
    write([&](Repos& r) { r.calendar_feeds().remove(user_id); });
  }
  std::optional<std::string> user_for(const std::string& secret_hash) {
    return read([&](Repos& r) { return r.calendar_feeds().user_for(secret_hash); });
  }
};

TEST_P(StoreCalendarFeeds, UserForFindsTheOwnerOfASecret) {
  EXPECT_EQ(user_for("hash-a"), std::nullopt);
  put(kAlice, "hash-a", kT0);
  put(kBob, "hash-b", kT0 + 1);
  EXPECT_EQ(user_for("hash-a"), kAlice);
  EXPECT_EQ(user_for("hash-b"), kBob);
  EXPECT_EQ(user_for("hash-c"), std::nullopt);
  EXPECT_EQ(user_for(""), std::nullopt);
  EXPECT_EQ(user_for(kAlice), std::nullopt);  // a user id is not a secret
}

TEST_P(StoreCalendarFeeds, PutAgainReplacesThePreviousSecret) {
  put(kAlice, "hash-1", kT0);
  put(kBob, "hash-b", kT0);
  put(kAlice, "hash-2", kT0 + 1);
  EXPECT_EQ(user_for("hash-1"), std::nullopt);
  EXPECT_EQ(user_for("hash-2"), kAlice);
  EXPECT_EQ(user_for("hash-b"), kBob);

  // Putting the same secret again keeps it working.
  put(kAlice, "hash-2", kT0 + 2);
  EXPECT_EQ(user_for("hash-2"), kAlice);
  // And the replaced secret may come back.
  put(kAlice, "hash-1", kT0 + 3);
  EXPECT_EQ(user_for("hash-1"), kAlice);
  EXPECT_EQ(user_for("hash-2"), std::nullopt);
}

TEST_P(StoreCalendarFeeds, RemoveForgetsTheUsersSecretOnly) {
  put(kAlice, "hash-a", kT0);
  put(kBob, "hash-b", kT0);
  remove(kAlice);
  EXPECT_EQ(user_for("hash-a"), std::nullopt);
  EXPECT_EQ(user_for("hash-b"), kBob);

  // Removing when there is no feed is not an error.
  EXPECT_NO_THROW(remove(kAlice));
  EXPECT_NO_THROW(remove(oid(99)));
  EXPECT_EQ(user_for("hash-b"), kBob);

  // A new feed after removal works.
  put(kAlice, "hash-a2", kT0 + 1);
  EXPECT_EQ(user_for("hash-a2"), kAlice);
}

PLANETUDE_STORE_CONTRACT(StoreCalendarFeeds);

}  // namespace
