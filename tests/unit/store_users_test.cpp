// Contract of store::UserStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Conflict;
using planetude::store::Repos;
using planetude::store::UserRecord;

class StoreUsers : public StoreContract {
 protected:
  std::optional<UserRecord> by_id(const std::string& id) {
    return read([&](Repos& r) { return r.users().find_by_id(id); });
  }
  std::optional<UserRecord> by_email(const std::string& email) {
    return read([&](Repos& r) { return r.users().find_by_email(email); });
  }

  // Something of every kind for `user`, ids made from `base` so two users never share one.
  void give_everything(const std::string& user, unsigned base, const std::string& feed_secret) {
    write([&](Repos& r) {
      r.plannings().insert(
          planning_record(oid(base), user, kT0,
                          {session_record(oid(base + 1), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                           session_record(oid(base + 2), "Physique", kT0 + kDay, kT0 + kDay + kHour)}));
      r.progress().insert(linked_progress_record(oid(base + 3), user, "2025-06-15", oid(base), oid(base + 1), kT0));
      r.progress().insert(progress_record(oid(base + 4), user, "2025-06-14", kT0 - kDay));
      r.chat().append(message_record(oid(base + 5), user, "user", "Aide-moi", kT0));
      r.chat().append(message_record(oid(base + 6), user, "coach", "Voici une idée", kT0 + 1));
      r.proposals().insert(proposal_record(oid(base + 7), user, oid(base + 6), kT0 + 1));
      r.tokens().record({"jti-" + user, user, kT0 / 1000, kT0 / 1000 + 3600, std::nullopt});
      r.calendar_feeds().put(user, feed_secret, kT0);
    });
  }

  // Everything the stores hold for `user`, `base` as given to give_everything, as text.
  std::string everything_of(const std::string& user, unsigned base, const std::string& feed_secret) {
    return read([&](Repos& r) {
      std::ostringstream os;
      os << show(r.users().find_by_id(user)) << '\n';
      for (const auto& p : r.plannings().list_all(user)) os << show(p) << '\n';
      os << show(r.plannings().find(user, oid(base))) << '\n';
      for (const auto& p : r.plannings().sessions_ending_after(user, 0)) os << show(p) << '\n';
      os << r.plannings().planning_of_session(user, oid(base + 1)).value_or("no planning") << '\n';
      for (const auto& e : r.progress().list_all(user)) os << show(e) << '\n';
      os << show(r.progress().find_by_session(oid(base + 1))) << '\n';
      for (const auto& d : r.progress().active_days(user)) os << d << '\n';
      for (const auto& m : r.chat().list_all(user)) os << show(m) << '\n';
      for (const auto& p : r.proposals().list_all(user)) os << show(p) << '\n';
      os << show(r.tokens().find("jti-" + user)) << '\n';
      os << r.calendar_feeds().user_for(feed_secret).value_or("no feed") << '\n';
      return os.str();
    });
  }
};

TEST_P(StoreUsers, InsertedUserIsFoundByIdAndByEmailWithEveryField) {
  UserRecord alice = user_record(kAlice, "alice@example.com");
  alice.name = "Alice « l'Élève » \"A\"";
  alice.themes = {"Révisions", "quote \" and \\ backslash", ""};
  alice.matieres = {};
  alice.timezone = "America/Argentina/Buenos_Aires";
  alice.created_at = kT0 - 5;
  alice.updated_at = kT0 + 5;
  alice.tokens_not_before = 1'749'999'999;
  write([&](Repos& r) { r.users().insert(alice); });

  EXPECT_EQ(show(by_id(kAlice)), show(alice));
  EXPECT_EQ(show(by_email("alice@example.com")), show(alice));
}

TEST_P(StoreUsers, UnknownIdOrEmailIsNullopt) {
  add_alice_and_bob();
  EXPECT_FALSE(by_id(oid(99)).has_value());
  EXPECT_FALSE(by_id("").has_value());
  EXPECT_FALSE(by_email("carol@example.com").has_value());
  EXPECT_EQ(by_email("bob@example.com")->id, kBob);
}

TEST_P(StoreUsers, InsertingATakenEmailIsAConflictAndKeepsTheFirstUser) {
  add_alice_and_bob();
  UserRecord carol = user_record(oid(7), "alice@example.com");
  carol.name = "Carol";
  EXPECT_THROW(write([&](Repos& r) { r.users().insert(carol); }), Conflict);

  EXPECT_FALSE(by_id(oid(7)).has_value());
  EXPECT_EQ(show(by_email("alice@example.com")), show(user_record(kAlice, "alice@example.com")));
  // The database takes writes again afterwards.
  write([](Repos& r) { r.users().insert(user_record(oid(7), "carol@example.com")); });
  EXPECT_EQ(by_email("carol@example.com")->id, oid(7));
}

TEST_P(StoreUsers, InsertingATakenIdIsAConflict) {
  add_alice_and_bob();
  EXPECT_THROW(write([](Repos& r) { r.users().insert(user_record(kAlice, "other@example.com")); }), Conflict);
  EXPECT_FALSE(by_email("other@example.com").has_value());
  EXPECT_EQ(by_id(kAlice)->email, "alice@example.com");
}

TEST_P(StoreUsers, UpdateProfileChangesNameThemesMatieresTimezoneAndUpdatedAtOnly) {
  add_alice_and_bob();
  write([](Repos& r) { r.users().update_password(kAlice, "hash-2", 1'749'000'000, kT0 - 9 * kDay); });
  UserRecord changed = user_record(kAlice, "ignored@example.com");
  changed.password_hash = "ignored";
  changed.name = "Alice B.";
  changed.themes = {};
  changed.matieres = {"Chimie", "Histoire-Géo"};
  changed.timezone = "Asia/Tokyo";
  changed.created_at = 1;
  changed.updated_at = kT0;
  changed.tokens_not_before = 2;
  write([&](Repos& r) { r.users().update_profile(changed); });

  UserRecord expected = user_record(kAlice, "alice@example.com");
  expected.password_hash = "hash-2";
  expected.tokens_not_before = 1'749'000'000;
  expected.name = "Alice B.";
  expected.themes = {};
  expected.matieres = {"Chimie", "Histoire-Géo"};
  expected.timezone = "Asia/Tokyo";
  expected.updated_at = kT0;
  EXPECT_EQ(show(by_id(kAlice)), show(expected));
  EXPECT_FALSE(by_email("ignored@example.com").has_value());
  EXPECT_EQ(show(by_id(kBob)), show(user_record(kBob, "bob@example.com")));
}

TEST_P(StoreUsers, UpdatePasswordChangesHashTokensNotBeforeAndUpdatedAtOnly) {
  add_alice_and_bob();
  write([](Repos& r) { r.users().update_password(kAlice, "$argon2id$new", 1'750'000'000, kT0 + 1); });

  UserRecord expected = user_record(kAlice, "alice@example.com");
  expected.password_hash = "$argon2id$new";
  expected.tokens_not_before = 1'750'000'000;
  expected.updated_at = kT0 + 1;
  EXPECT_EQ(show(by_id(kAlice)), show(expected));
  EXPECT_EQ(show(by_id(kBob)), show(user_record(kBob, "bob@example.com")));
}

TEST_P(StoreUsers, RemoveSaysWhetherTheUserExistedAndFreesTheEmail) {
  add_alice_and_bob();
  EXPECT_TRUE(db().write_value([](Repos& r) { return r.users().remove(kAlice); }));
  EXPECT_FALSE(db().write_value([](Repos& r) { return r.users().remove(kAlice); }));
  EXPECT_FALSE(db().write_value([](Repos& r) { return r.users().remove(oid(99)); }));
  EXPECT_FALSE(by_id(kAlice).has_value());
  EXPECT_FALSE(by_email("alice@example.com").has_value());
  EXPECT_TRUE(by_id(kBob).has_value());

  write([](Repos& r) { r.users().insert(user_record(oid(5), "alice@example.com")); });
  EXPECT_EQ(by_email("alice@example.com")->id, oid(5));
}

TEST_P(StoreUsers, RemoveDeletesEverythingOfTheUserAndNothingOfAnother) {
  add_alice_and_bob();
  give_everything(kAlice, 100, "secret-alice");
  give_everything(kBob, 200, "secret-bob");
  const std::string bob_before = everything_of(kBob, 200, "secret-bob");
  ASSERT_NE(bob_before.find("jti-" + kBob), std::string::npos);  // the snapshot sees Bob's things
  ASSERT_NE(bob_before.find("Voici une idée"), std::string::npos);

  ASSERT_TRUE(db().write_value([](Repos& r) { return r.users().remove(kAlice); }));

  read([&](Repos& r) {
    EXPECT_FALSE(r.users().find_by_id(kAlice).has_value());
    EXPECT_TRUE(r.plannings().list_all(kAlice).empty());
    EXPECT_TRUE(r.plannings().list(kAlice, {}).empty());
    EXPECT_FALSE(r.plannings().find(kAlice, oid(100)).has_value());
    EXPECT_TRUE(r.plannings().sessions_ending_after(kAlice, 0).empty());
    EXPECT_FALSE(r.plannings().planning_of_session(kAlice, oid(101)).has_value());
    EXPECT_TRUE(r.progress().list_all(kAlice).empty());
    EXPECT_TRUE(r.progress().list(kAlice, "2000-01-01", "2100-01-01").empty());
    EXPECT_FALSE(r.progress().find(kAlice, oid(103)).has_value());
    EXPECT_FALSE(r.progress().find(kAlice, oid(104)).has_value());
    EXPECT_FALSE(r.progress().find_by_session(oid(101)).has_value());
    EXPECT_TRUE(r.progress().active_days(kAlice).empty());
    EXPECT_TRUE(r.chat().list_all(kAlice).empty());
    EXPECT_TRUE(r.chat().newest(kAlice, std::nullopt, 10).empty());
    EXPECT_FALSE(r.chat().find(kAlice, oid(105)).has_value());
    EXPECT_TRUE(r.proposals().list_all(kAlice).empty());
    EXPECT_FALSE(r.proposals().find(kAlice, oid(107)).has_value());
    EXPECT_FALSE(r.tokens().find("jti-" + kAlice).has_value());
    EXPECT_FALSE(r.calendar_feeds().user_for("secret-alice").has_value());
    return 0;
  });
  EXPECT_EQ(everything_of(kBob, 200, "secret-bob"), bob_before);

  // Alice's ids and secret are free again: a new account can take them.
  write([](Repos& r) { r.users().insert(user_record(kAlice, "alice@example.com")); });
  give_everything(kAlice, 100, "secret-alice");
  EXPECT_EQ(read([](Repos& r) { return r.calendar_feeds().user_for("secret-alice"); }), kAlice);
}

PLANETUDE_STORE_CONTRACT(StoreUsers);

}  // namespace
