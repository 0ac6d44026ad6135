// Contract of store::Database under concurrency (store/store.hpp: "Writes are serialisable"): the
// read-check-write sequences of the services are correct on every backend, not only where writes
// happen to run one at a time. Threads start together behind a latch; each write returns what it
// decided, so a write run again after a lost race (PostgreSQL's 40001) counts once, as it ended.
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Conflict;
using planetude::store::Repos;

// Runs `body(i)` on `n` threads released at once; returns when all are done.
template <class Body>
void together(int n, Body body) {
  std::latch start(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      body(i);
    });
  for (auto& t : threads) t.join();
}

class StoreRaces : public StoreContract {
 protected:
  static constexpr int kThreads = 8;
};

TEST_P(StoreRaces, APendingProposalIsAppliedByExactlyOneOfManyAtOnce) {
  add_alice_and_bob();
  write([](Repos& r) {
    r.chat().append(message_record(oid(1), kAlice, "coach", "Je propose…", kT0));
    r.proposals().insert(proposal_record(oid(2), kAlice, oid(1), kT0));
  });
  std::atomic<int> applied{0};
  std::atomic<int> refused{0};
  together(kThreads, [&](int) {
    bool mine = db().write_value([](Repos& r) {
      auto p = r.proposals().find(kAlice, oid(2));
      if (!p || p->status != "pending") return false;
      r.proposals().set_status(p->id, "applied", kT0 + 1);
      return true;
    });
    (mine ? applied : refused)++;
  });
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  EXPECT_EQ(read([](Repos& r) { return r.proposals().find(kAlice, oid(2)); })->status, "applied");
}

TEST_P(StoreRaces, ASessionIsCompletedOnceWhenManyCompleteItAtOnce) {
  add_alice_and_bob();
  write([](Repos& r) {
    r.plannings().insert(planning_record(oid(1), kAlice, kT0, {session_record(oid(11), "Maths", kT0, kT0 + kHour)}));
  });
  std::atomic<int> completed{0};
  std::atomic<int> already{0};
  together(kThreads, [&](int i) {
    try {
      bool mine = db().write_value([&](Repos& r) {
        if (r.progress().find_by_session(oid(11))) return false;
        r.progress().insert(
            linked_progress_record(oid(100 + static_cast<unsigned>(i)), kAlice, "2025-06-15", oid(1), oid(11), kT0));
        r.plannings().set_session_status(oid(11), "termine", kT0);
        return true;
      });
      (mine ? completed : already)++;
    } catch (const Conflict&) {
      already++;  // the unique session_id refused the second entry
    }
  });
  EXPECT_EQ(completed.load(), 1);
  EXPECT_EQ(already.load(), kThreads - 1);
  EXPECT_EQ(read([](Repos& r) { return r.progress().list_all(kAlice); }).size(), 1u);
}

TEST_P(StoreRaces, ConcurrentProfileWritesOfDifferentFieldsAllLand) {
  add_alice_and_bob();
  together(2, [&](int i) {
    db().write([&](Repos& r) {
      auto u = *r.users().find_by_id(kAlice);
      if (i == 0) u.name = "Alice Martin";
      else u.timezone = "America/Montreal";
      u.updated_at = kT0 + i;
      r.users().update_profile(u);
    });
  });
  auto u = *read([](Repos& r) { return r.users().find_by_id(kAlice); });
  EXPECT_EQ(u.name, "Alice Martin");
  EXPECT_EQ(u.timezone, "America/Montreal");
}

TEST_P(StoreRaces, ReadModifyWriteIncrementsUnderContentionLoseNothing) {
  add_alice_and_bob();
  constexpr int kEach = 15;
  together(kThreads, [&](int) {
    for (int k = 0; k < kEach; ++k) {
      db().write([](Repos& r) {
        auto u = *r.users().find_by_id(kAlice);
        u.weekly_goal_minutes = u.weekly_goal_minutes.value_or(0) + 1;
        r.users().update_profile(u);
      });
    }
  });
  auto u = *read([](Repos& r) { return r.users().find_by_id(kAlice); });
  EXPECT_EQ(u.weekly_goal_minutes, kThreads * kEach);
  EXPECT_EQ(u.data_version, kThreads * kEach);
}

TEST_P(StoreRaces, ConcurrentChatAppendsKeepOneStrictOrder) {
  add_alice_and_bob();
  constexpr int kEach = 10;
  together(kThreads, [&](int i) {
    for (int k = 0; k < kEach; ++k) {
      auto n = static_cast<unsigned>(1000 + i * kEach + k);
      db().write([&](Repos& r) { r.chat().append(message_record(oid(n), kAlice, "user", "message", kT0 + k)); });
    }
  });
  auto all = read([](Repos& r) { return r.chat().list_all(kAlice); });
  ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  for (std::size_t k = 1; k < all.size(); ++k) EXPECT_LT(all[k - 1].seq, all[k].seq);
  // Newest first, paged by seq, gives back every message once.
  std::vector<std::string> paged;
  std::optional<std::int64_t> before;
  while (true) {
    auto page = read([&](Repos& r) { return r.chat().newest(kAlice, before, 7); });
    if (page.empty()) break;
    for (const auto& m : page) paged.push_back(m.id);
    before = page.back().seq;
  }
  EXPECT_EQ(paged.size(), all.size());
}

PLANETUDE_STORE_CONTRACT(StoreRaces);

}  // namespace
