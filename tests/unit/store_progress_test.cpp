// Contract of store::ProgressStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Conflict;
using planetude::store::ProgressRecord;
using planetude::store::Repos;

class StoreProgress : public StoreContract {
 protected:
  // Alice and Bob; Alice has a planning oid(1) with sessions oid(11), oid(12), Bob one, oid(2),
  // with session oid(21).
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
    write([](Repos& r) {
      r.plannings().insert(planning_record(oid(1), kAlice, kT0,
                                           {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                                            session_record(oid(12), "Maths", kT0 + kDay, kT0 + kDay + kHour)}));
      r.plannings().insert(planning_record(oid(2), kBob, kT0, {session_record(oid(21), "Maths", kT0, kT0 + kHour)}));
    });
  }
  void insert(const std::vector<ProgressRecord>& entries) {
    write([&](Repos& r) {
      for (const auto& e : entries) r.progress().insert(e);
    });
  }
  std::optional<ProgressRecord> find(const std::string& user_id, const std::string& id) {
    return read([&](Repos& r) { return r.progress().find(user_id, id); });
  }
  std::optional<ProgressRecord> find_by_session(const std::string& session_id) {
    return read([&](Repos& r) { return r.progress().find_by_session(session_id); });
  }
  std::vector<std::string> listed(const std::string& user_id, const std::string& from, const std::string& to) {
    return ids_of(read([&](Repos& r) { return r.progress().list(user_id, from, to); }));
  }
  bool remove(const std::string& user_id, const std::string& id) {
    return db().write_value([&](Repos& r) { return r.progress().remove(user_id, id); });
  }
};

TEST_P(StoreProgress, InsertedEntriesAreFoundWithEveryField) {
  ProgressRecord full = progress_record(oid(31), kAlice, "2025-06-14", kT0 - kDay, 90);
  full.sessions_completees = 3;
  full.notes = "Révisions « intenses »";
  full.matiere = "Physique";
  ProgressRecord bare = progress_record(oid(32), kAlice, "2025-06-13", kT0 - 2 * kDay, 1);
  ProgressRecord linked = linked_progress_record(oid(33), kAlice, "2025-06-15", oid(1), oid(11), kT0);
  insert({full, bare, linked});

  EXPECT_EQ(show(find(kAlice, oid(31))), show(full));
  EXPECT_EQ(show(find(kAlice, oid(32))), show(bare));  // notes "", no matiere, no links
  EXPECT_EQ(show(find(kAlice, oid(33))), show(linked));
}

TEST_P(StoreProgress, FindIsNulloptForAnotherUsersOrAnUnknownEntry) {
  insert({progress_record(oid(31), kAlice, "2025-06-14", kT0)});
  EXPECT_FALSE(find(kBob, oid(31)).has_value());
  EXPECT_FALSE(find(kAlice, oid(39)).has_value());
  EXPECT_TRUE(find(kAlice, oid(31)).has_value());
}

TEST_P(StoreProgress, FindBySessionGivesTheEntryOfThatSession) {
  ProgressRecord a = linked_progress_record(oid(31), kAlice, "2025-06-15", oid(1), oid(11), kT0);
  ProgressRecord b = linked_progress_record(oid(32), kBob, "2025-06-15", oid(2), oid(21), kT0);
  insert({a, b, progress_record(oid(33), kAlice, "2025-06-15", kT0)});
  EXPECT_EQ(show(find_by_session(oid(11))), show(a));
  EXPECT_EQ(show(find_by_session(oid(21))), show(b));
  EXPECT_FALSE(find_by_session(oid(12)).has_value());  // a session without an entry
  EXPECT_FALSE(find_by_session(oid(99)).has_value());
}

TEST_P(StoreProgress, ASecondEntryForOneSessionIsAConflict) {
  ProgressRecord first = linked_progress_record(oid(31), kAlice, "2025-06-15", oid(1), oid(11), kT0);
  insert({first});
  ProgressRecord second = linked_progress_record(oid(32), kAlice, "2025-06-16", oid(1), oid(11), kT0 + 1);
  EXPECT_THROW(insert({second}), Conflict);
  EXPECT_FALSE(find(kAlice, oid(32)).has_value());
  EXPECT_EQ(show(find_by_session(oid(11))), show(first));

  // Entries without a session never conflict with each other, even on the same day.
  insert({progress_record(oid(33), kAlice, "2025-06-15", kT0), progress_record(oid(34), kAlice, "2025-06-15", kT0)});
  // Another session of the same planning takes its own entry.
  insert({linked_progress_record(oid(35), kAlice, "2025-06-16", oid(1), oid(12), kT0)});
  EXPECT_EQ(listed(kAlice, "2025-06-15", "2025-06-16").size(), 4u);
}

TEST_P(StoreProgress, RemoveDeletesTheOwnersEntryOnlyAndFreesItsSession) {
  insert({linked_progress_record(oid(31), kAlice, "2025-06-15", oid(1), oid(11), kT0),
          progress_record(oid(32), kAlice, "2025-06-15", kT0)});
  EXPECT_FALSE(remove(kBob, oid(31)));
  EXPECT_TRUE(find(kAlice, oid(31)).has_value());

  EXPECT_TRUE(remove(kAlice, oid(31)));
  EXPECT_FALSE(remove(kAlice, oid(31)));
  EXPECT_FALSE(remove(kAlice, oid(39)));
  EXPECT_FALSE(find(kAlice, oid(31)).has_value());
  EXPECT_FALSE(find_by_session(oid(11)).has_value());
  EXPECT_TRUE(find(kAlice, oid(32)).has_value());

  // The session may be completed again.
  ProgressRecord again = linked_progress_record(oid(33), kAlice, "2025-06-15", oid(1), oid(11), kT0 + 5);
  EXPECT_NO_THROW(insert({again}));
  EXPECT_EQ(show(find_by_session(oid(11))), show(again));
}

TEST_P(StoreProgress, ListKeepsBothBoundsAndOrdersByDateThenCreation) {
  insert({progress_record(oid(31), kAlice, "2025-06-12", kT0 + 1), progress_record(oid(32), kAlice, "2025-06-09", kT0),
          progress_record(oid(33), kAlice, "2025-06-10", kT0 + 30),  // created after 34
          progress_record(oid(34), kAlice, "2025-06-10", kT0 + 20), progress_record(oid(35), kAlice, "2025-06-13", kT0),
          progress_record(oid(36), kAlice, "2025-06-11", kT0 - 99), progress_record(oid(37), kBob, "2025-06-11", kT0)});

  EXPECT_EQ(listed(kAlice, "2025-06-10", "2025-06-12"), oids({34, 33, 36, 31}));
  EXPECT_EQ(listed(kAlice, "2025-06-10", "2025-06-10"), oids({34, 33}));
  EXPECT_EQ(listed(kAlice, "2025-01-01", "2025-12-31"), oids({32, 34, 33, 36, 31, 35}));
  EXPECT_TRUE(listed(kAlice, "2025-06-14", "2025-06-30").empty());
  EXPECT_TRUE(listed(kAlice, "2025-06-12", "2025-06-10").empty());
  EXPECT_EQ(listed(kBob, "2025-06-10", "2025-06-12"), oids({37}));
  // Month and year boundaries compare as days.
  insert({progress_record(oid(38), kAlice, "2024-12-31", kT0), progress_record(oid(39), kAlice, "2025-01-01", kT0)});
  EXPECT_EQ(listed(kAlice, "2024-12-31", "2024-12-31"), oids({38}));
  EXPECT_EQ(listed(kAlice, "2025-01-01", "2025-06-09"), oids({39, 32}));
}

TEST_P(StoreProgress, ListedEntriesCarryEveryField) {
  ProgressRecord linked = linked_progress_record(oid(31), kAlice, "2025-06-15", oid(1), oid(11), kT0);
  insert({linked});
  auto rows = read([](Repos& r) { return r.progress().list(kAlice, "2025-06-15", "2025-06-15"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(show(rows[0]), show(linked));
}

TEST_P(StoreProgress, ListAllReturnsEveryEntryOfTheUser) {
  std::vector<ProgressRecord> alices;
  for (unsigned i = 0; i < 40; ++i)
    alices.push_back(progress_record(oid(100 + i), kAlice,
                                     i % 2 ? "2024-01-0" + std::to_string(1 + i % 9) : "2025-06-15", kT0 + i,
                                     static_cast<int>(10 + i)));
  insert(alices);
  insert({progress_record(oid(31), kBob, "2025-06-15", kT0)});

  auto all = read([](Repos& r) { return r.progress().list_all(kAlice); });
  ASSERT_EQ(all.size(), 40u);
  std::sort(all.begin(), all.end(), [](const ProgressRecord& a, const ProgressRecord& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(show(all[i]), show(alices[i]));
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.progress().list_all(kBob); })), oids({31}));
  EXPECT_TRUE(read([](Repos& r) { return r.progress().list_all(oid(99)); }).empty());
}

TEST_P(StoreProgress, ActiveDaysAreTheDistinctDaysWithAnEntryAscending) {
  EXPECT_TRUE(read([](Repos& r) { return r.progress().active_days(kAlice); }).empty());
  insert({progress_record(oid(31), kAlice, "2025-06-12", kT0), progress_record(oid(32), kAlice, "2025-06-09", kT0),
          progress_record(oid(33), kAlice, "2025-06-12", kT0 + 1), progress_record(oid(34), kAlice, "2024-12-31", kT0),
          linked_progress_record(oid(35), kAlice, "2025-06-10", oid(1), oid(11), kT0),
          progress_record(oid(36), kAlice, "2025-06-10", kT0), progress_record(oid(37), kBob, "2025-06-11", kT0)});
  EXPECT_EQ(read([](Repos& r) { return r.progress().active_days(kAlice); }),
            (std::vector<std::string>{"2024-12-31", "2025-06-09", "2025-06-10", "2025-06-12"}));
  EXPECT_EQ(read([](Repos& r) { return r.progress().active_days(kBob); }), (std::vector<std::string>{"2025-06-11"}));

  // A day stays active while one of its entries is left.
  ASSERT_TRUE(remove(kAlice, oid(31)));
  EXPECT_EQ(read([](Repos& r) { return r.progress().active_days(kAlice); }),
            (std::vector<std::string>{"2024-12-31", "2025-06-09", "2025-06-10", "2025-06-12"}));
  ASSERT_TRUE(remove(kAlice, oid(33)));
  EXPECT_EQ(read([](Repos& r) { return r.progress().active_days(kAlice); }),
            (std::vector<std::string>{"2024-12-31", "2025-06-09", "2025-06-10"}));
}

PLANETUDE_STORE_CONTRACT(StoreProgress);

}  // namespace
