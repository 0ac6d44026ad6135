// Contract of store::Database itself, through the interfaces only (store_contract.hpp): what a read
// and a write transaction guarantee (all of a write or none of it, across every store), migrate,
// ping, close.
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Conflict;
using planetude::store::Repos;

// Not a std::exception: whatever the work throws comes back to the caller as it was.
struct Boom {
  int code;
};

class StoreTransactions : public StoreContract {
 protected:
  // Alice and Bob, and something in every store.
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
    write([](Repos& r) {
      r.plannings().insert(planning_record(oid(1), kAlice, kT0,
                                           {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                                            session_record(oid(12), "Physique", kT0 + kDay, kT0 + kDay + kHour)}));
      r.progress().insert(linked_progress_record(oid(21), kAlice, "2025-06-15", oid(1), oid(11), kT0));
      r.chat().append(message_record(oid(31), kAlice, "user", "Bonjour", kT0));
      r.chat().append(message_record(oid(32), kAlice, "coach", "Salut", kT0 + 1));
      r.proposals().insert(proposal_record(oid(41), kAlice, oid(32), kT0 + 1));
      r.tokens().record({"a1", kAlice, kT0 / 1000, kT0 / 1000 + 3600, std::nullopt});
      r.tokens().record({"a2", kAlice, kT0 / 1000, kT0 / 1000 + 3600, std::nullopt});
      r.calendar_feeds().put(kAlice, "hash-alice", kT0);
    });
  }

  // Everything the stores hold for Alice, Bob and a would-be Carol, as text.
  std::string everything() {
    return read([](Repos& r) {
      std::ostringstream os;
      for (const auto& user : {kAlice, kBob, oid(9)}) {
        os << show(r.users().find_by_id(user)) << '\n';
        for (const auto& p : r.plannings().list_all(user)) os << show(p) << '\n';
        for (const auto& p : r.plannings().sessions_ending_after(user, 0)) os << show(p) << '\n';
        for (const auto& e : r.progress().list_all(user)) os << show(e) << '\n';
        for (const auto& d : r.progress().active_days(user)) os << d << '\n';
        for (const auto& m : r.chat().list_all(user)) os << show(m) << " seq=" << m.seq << '\n';
        for (const auto& p : r.proposals().list_all(user)) os << show(p) << '\n';
      }
      os << show(r.users().find_by_email("carol@example.com")) << '\n';
      for (const auto& jti : {"a1", "a2", "c1"}) os << show(r.tokens().find(jti)) << '\n';
      for (const auto& secret : {"hash-alice", "hash-alice-2", "hash-carol"})
        os << secret << " -> " << r.calendar_feeds().user_for(secret).value_or("none") << '\n';
      os << show(r.progress().find_by_session(oid(12))) << '\n';
      return os.str();
    });
  }
};

TEST_P(StoreTransactions, AWriteThatThrowsLeavesNothingBehindInAnyStore) {
  const std::string before = everything();
  ASSERT_NE(before.find("hash-alice -> " + kAlice), std::string::npos);
  ASSERT_NE(before.find("Salut"), std::string::npos);

  bool ran_to_the_end = false;
  try {
    write([&](Repos& r) {
      r.users().insert(user_record(oid(9), "carol@example.com"));
      planetude::store::UserRecord alice = user_record(kAlice, "alice@example.com");
      alice.name = "Changée";
      alice.updated_at = kT0 + 1;
      r.users().update_profile(alice);
      r.users().update_password(kBob, "other-hash", kT0 / 1000, kT0 + 1);
      r.plannings().insert(
          planning_record(oid(2), kAlice, kT0 + kDay, {session_record(oid(13), "Chimie", kT0, kT0 + kHour)}));
      r.plannings().insert(planning_record(oid(3), oid(9), kT0));
      r.plannings().set_session_status(oid(12), "termine", kT0 + 2);
      r.progress().insert(linked_progress_record(oid(22), kAlice, "2025-06-16", oid(1), oid(12), kT0 + 2));
      r.progress().remove(kAlice, oid(21));
      auto planning = r.plannings().find(kAlice, oid(1));
      if (!planning) throw std::logic_error("the planning written in SetUp is missing");
      planning->titre = std::nullopt;
      planning->sessions.erase(planning->sessions.begin());
      planning->updated_at = kT0 + 2;
      r.plannings().replace(*planning);
      r.chat().append(message_record(oid(33), kAlice, "user", "Encore", kT0 + 3));
      r.proposals().set_status(oid(41), "applied", kT0 + 3);
      r.chat().clear(kAlice);
      r.tokens().revoke_all_except(kAlice, "a2", kT0 + 4);
      r.tokens().record({"c1", oid(9), kT0 / 1000, kT0 / 1000 + 60, std::nullopt});
      r.calendar_feeds().put(kAlice, "hash-alice-2", kT0 + 4);
      r.calendar_feeds().put(oid(9), "hash-carol", kT0 + 4);
      ran_to_the_end = true;
      throw Boom{42};
    });
    ADD_FAILURE() << "the write did not rethrow";
  } catch (const Boom& boom) {
    EXPECT_EQ(boom.code, 42);
  }
  ASSERT_TRUE(ran_to_the_end);
  EXPECT_EQ(everything(), before);
}

TEST_P(StoreTransactions, AConflictUndoesTheEarlierWritesOfItsTransaction) {
  const std::string before = everything();
  EXPECT_THROW(write([](Repos& r) {
                 r.plannings().insert(planning_record(oid(2), kAlice, kT0 + kDay));
                 r.chat().append(message_record(oid(33), kAlice, "user", "Encore", kT0 + 3));
                 r.plannings().set_session_status(oid(11), "rate", kT0 + 3);
                 // Session oid(11) already has its entry.
                 r.progress().insert(linked_progress_record(oid(22), kAlice, "2025-06-16", oid(1), oid(11), kT0 + 3));
               }),
               Conflict);
  EXPECT_EQ(everything(), before);

  // The next write goes through.
  write([](Repos& r) { r.plannings().insert(planning_record(oid(2), kAlice, kT0 + kDay)); });
  EXPECT_TRUE(find_planning(kAlice, oid(2)).has_value());
}

TEST_P(StoreTransactions, AWriteThatReturnsIsCommittedWhole) {
  write([](Repos& r) {
    r.plannings().remove(kAlice, oid(1));
    r.chat().clear(kAlice);
    r.calendar_feeds().remove(kAlice);
    r.tokens().revoke_all_except(kAlice, "a1", kT0 + 9);
  });
  read([](Repos& r) {
    EXPECT_FALSE(r.plannings().find(kAlice, oid(1)).has_value());
    EXPECT_TRUE(r.chat().list_all(kAlice).empty());
    EXPECT_TRUE(r.proposals().list_all(kAlice).empty());
    EXPECT_EQ(r.calendar_feeds().user_for("hash-alice"), std::nullopt);
    EXPECT_EQ(r.tokens().find("a2")->revoked_at, std::optional<std::int64_t>(kT0 + 9));
    EXPECT_EQ(r.tokens().find("a1")->revoked_at, std::nullopt);
    return 0;
  });
}

PLANETUDE_STORE_CONTRACT(StoreTransactions);

// ---- read and write, migrate, ping, close -------------------------------------------------------

class StoreDatabase : public StoreContract {};

TEST_P(StoreDatabase, ReadValueAndWriteValueGiveBackWhatTheWorkReturns) {
  add_alice_and_bob();
  EXPECT_EQ(db().read_value([](Repos& r) { return r.users().find_by_id(kAlice)->name; }), "Élève alice");
  EXPECT_TRUE(db().write_value([](Repos& r) { return r.users().remove(kBob); }));
  EXPECT_FALSE(db().write_value([](Repos& r) { return r.users().remove(kBob); }));
  // A move-only value.
  auto owned =
      db().read_value([](Repos& r) { return std::make_unique<std::string>(r.users().find_by_id(kAlice)->email); });
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(*owned, "alice@example.com");
}

TEST_P(StoreDatabase, AReadTransactionCannotWrite) {
  add_alice_and_bob();
  EXPECT_ANY_THROW(db().read([](Repos& r) { r.users().insert(user_record(oid(9), "carol@example.com")); }));
  EXPECT_ANY_THROW(db().read([](Repos& r) { r.users().remove(kBob); }));
  EXPECT_FALSE(read([](Repos& r) { return r.users().find_by_id(oid(9)); }).has_value());
  EXPECT_TRUE(read([](Repos& r) { return r.users().find_by_id(kBob); }).has_value());
  // Reads and writes work afterwards.
  write([](Repos& r) { r.users().insert(user_record(oid(9), "carol@example.com")); });
  EXPECT_TRUE(read([](Repos& r) { return r.users().find_by_id(oid(9)); }).has_value());
}

TEST_P(StoreDatabase, AReadIsASnapshotAndAWriteIsSeenByOthersOnlyOnceCommitted) {
  add_alice_and_bob();
  db().read([&](Repos& r) {
    EXPECT_TRUE(r.chat().list_all(kAlice).empty());
    write([](Repos& w) {
      w.chat().append(message_record(oid(1), kAlice, "user", "pendant la lecture", kT0));
      w.users().remove(kBob);
    });
    // Committed meanwhile, but not in this read's snapshot.
    EXPECT_TRUE(r.chat().list_all(kAlice).empty());
    EXPECT_TRUE(r.users().find_by_id(kBob).has_value());
  });
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.chat().list_all(kAlice); })), oids({1}));
  EXPECT_FALSE(read([](Repos& r) { return r.users().find_by_id(kBob); }).has_value());

  write([&](Repos& w) {
    w.calendar_feeds().put(kAlice, "hash-alice", kT0);
    EXPECT_EQ(w.calendar_feeds().user_for("hash-alice"), kAlice);  // its own change
    EXPECT_EQ(read([](Repos& r) { return r.calendar_feeds().user_for("hash-alice"); }), std::nullopt);
  });
  EXPECT_EQ(read([](Repos& r) { return r.calendar_feeds().user_for("hash-alice"); }), kAlice);
}

TEST_P(StoreDatabase, MigratingAgainKeepsEverything) {
  add_alice_and_bob();
  write([](Repos& r) {
    r.plannings().insert(planning_record(oid(1), kAlice, kT0, {session_record(oid(11), "Maths", kT0, kT0 + kHour)}));
    r.chat().append(message_record(oid(2), kAlice, "user", "avant", kT0));
  });
  const auto planning = find_planning(kAlice, oid(1));
  ASSERT_TRUE(planning.has_value());

  db().migrate();
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(planning));
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.chat().list_all(kAlice); })), oids({2}));
  write([](Repos& r) { r.chat().append(message_record(oid(3), kAlice, "user", "après", kT0 + 1)); });
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.chat().list_all(kAlice); })), oids({2, 3}));
}

TEST_P(StoreDatabase, PingIsTrueUntilClose) {
  EXPECT_TRUE(db().ping());
  add_alice_and_bob();
  EXPECT_TRUE(db().ping());
  db().close();
  EXPECT_FALSE(db().ping());
  EXPECT_ANY_THROW(db().write([](Repos& r) { r.users().remove(kBob); }));
  EXPECT_ANY_THROW(db().read([](Repos& r) { r.users().find_by_id(kBob); }));
}

PLANETUDE_STORE_CONTRACT(StoreDatabase);

}  // namespace
