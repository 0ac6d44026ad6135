// Contract of UserRecord::data_version (store/store.hpp): every write to a user's profile,
// plannings, sessions or progress adds to that user's version, in its own transaction, and to
// nobody else's. The HTTP layer's entity tags rely on it: a write that forgot to count would let a
// client keep a stale copy.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Repos;

class StoreDataVersion : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
    // Something to change: a planning with two sessions and a progress entry each.
    write([](Repos& r) {
      for (const auto& [user, base] : {std::pair{kAlice, 10U}, std::pair{kBob, 20U}}) {
        r.plannings().insert(
            planning_record(oid(base), user, kT0,
                            {session_record(oid(base + 1), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                             session_record(oid(base + 2), "Physique", kT0 + kDay, kT0 + kDay + kHour)}));
        r.progress().insert(progress_record(oid(base + 3), user, "2025-06-15", kT0));
      }
    });
  }

  std::int64_t version(const std::string& user) {
    return read([&](Repos& r) { return r.users().find_by_id(user)->data_version; });
  }

  // How far one committed write transaction moved Alice's and Bob's versions.
  std::pair<std::int64_t, std::int64_t> moved_by(const std::function<void(Repos&)>& change) {
    std::int64_t alice = version(kAlice), bob = version(kBob);
    write(change);
    return {version(kAlice) - alice, version(kBob) - bob};
  }

  struct Change {
    const char* what;
    std::function<void(Repos&)> run;
  };
};

TEST_P(StoreDataVersion, ANewUserStartsAtZeroAndEveryWriteOfTheirDataCountsForThemAlone) {
  write([](Repos& r) { r.users().insert(user_record(oid(99), "carol@example.com")); });
  EXPECT_EQ(version(oid(99)), 0);

  auto replaced = [] {
    auto p = planning_record(oid(10), kAlice, kT0, {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 3 * kHour)});
    p.titre = "Renommé";
    return p;
  }();
  auto profile = [] {
    auto u = user_record(kAlice, "alice@example.com");
    u.name = "Alice B.";
    return u;
  }();
  const std::vector<Change> changes = {
      {"update_profile", [&](Repos& r) { r.users().update_profile(profile); }},
      {"plannings.insert", [](Repos& r) { r.plannings().insert(planning_record(oid(40), kAlice, kT0 + kDay)); }},
      {"plannings.replace", [&](Repos& r) { r.plannings().replace(replaced); }},
      {"set_session_status", [](Repos& r) { r.plannings().set_session_status(oid(11), "termine", kT0 + 5); }},
      {"plannings.remove", [](Repos& r) { r.plannings().remove(kAlice, oid(40)); }},
      {"progress.insert", [](Repos& r) { r.progress().insert(progress_record(oid(41), kAlice, "2025-06-16", kT0)); }},
      {"progress.remove", [](Repos& r) { r.progress().remove(kAlice, oid(41)); }},
  };
  for (const auto& change : changes) {
    auto [alice, bob] = moved_by(change.run);
    EXPECT_GE(alice, 1) << change.what << " did not count for its user";
    EXPECT_EQ(bob, 0) << change.what << " counted for another user";
  }
}

TEST_P(StoreDataVersion, ReadsWritesOfOtherThingsAndWritesThatMatchNothingLeaveItAlone) {
  const std::vector<Change> changes = {
      {"reads",
       [](Repos& r) {
         r.plannings().list_all(kAlice);
         r.progress().list_all(kAlice);
         r.users().find_by_id(kAlice);
       }},
      {"chat.append", [](Repos& r) { r.chat().append(message_record(oid(50), kAlice, "user", "Salut", kT0)); }},
      {"tokens.record",
       [](Repos& r) {
         r.tokens().record({"jti-a", kAlice, kT0 / 1000, kT0 / 1000 + 60, {}});
       }},
      {"calendar_feeds.put", [](Repos& r) { r.calendar_feeds().put(kAlice, "hash", kT0); }},
      {"someone else's planning removed", [](Repos& r) { r.plannings().remove(kAlice, oid(20)); }},
      {"someone else's progress removed", [](Repos& r) { r.progress().remove(kAlice, oid(23)); }},
  };
  for (const auto& change : changes) {
    auto [alice, bob] = moved_by(change.run);
    EXPECT_EQ(alice, 0) << change.what;
    EXPECT_EQ(bob, 0) << change.what;
  }
}

TEST_P(StoreDataVersion, ARolledBackWriteDoesNotCount) {
  std::int64_t before = version(kAlice);
  EXPECT_THROW(db().write([](Repos& r) {
    r.plannings().insert(planning_record(oid(60), kAlice, kT0 + kDay));
    throw std::runtime_error("abandoned");
  }),
               std::runtime_error);
  EXPECT_EQ(version(kAlice), before);
  EXPECT_FALSE(find_planning(kAlice, oid(60)));
}

PLANETUDE_STORE_CONTRACT(StoreDataVersion);

}  // namespace
