// Group commit in SqliteDatabase::write (store_sqlite/sqlite_database.hpp): writes that wait while
// another is committed go together in the next transaction, each undone alone when it throws, and
// every write()'s data is committed when it returns.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store_contract.hpp"
#include "store_sqlite/sqlite_database.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Repos;
using planetude::store::sqlite::SqliteDatabase;

class GroupCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/planetude-group-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    db_ = std::make_unique<SqliteDatabase>((dir_ / "g.db").string(), 2);
    db_->migrate();
    db_->write([](Repos& r) { r.users().insert(user_record(kAlice, "alice@example.com")); });
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Waits (bounded) until `n` writes are queued behind the one being committed.
  void wait_for_waiting(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (db_->writes_waiting() < n) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "only " << db_->writes_waiting() << " waiting";
      std::this_thread::yield();
    }
  }

  std::size_t plannings_of_alice() {
    std::size_t n = 0;
    db_->read([&](Repos& r) { n = r.plannings().list_all(kAlice).size(); });
    return n;
  }

  std::filesystem::path dir_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(GroupCommit, WritesThatWaitedGoTogetherAndAThrowingOneIsUndoneAlone) {
  const std::uint64_t commits_before = db_->commits_done();
  // The first write holds the writer until the others are queued behind it.
  std::promise<void> entered, release;
  auto held = release.get_future().share();
  auto first = std::async(std::launch::async, [&] {
    db_->write([&](Repos& r) {
      r.plannings().insert(planning_record(oid(100), kAlice, kT0));
      entered.set_value();
      held.wait();
    });
  });
  entered.get_future().wait();
  constexpr int kOthers = 8;
  std::vector<std::future<void>> others;
  for (int i = 0; i < kOthers; ++i) {
    others.push_back(std::async(std::launch::async, [&, i] {
      db_->write([&, i](Repos& r) {
        r.plannings().insert(planning_record(oid(200 + static_cast<unsigned>(i)), kAlice, kT0 + i));
        if (i == 3) throw std::runtime_error("this one fails");  // after its insert
      });
    }));
  }
  wait_for_waiting(kOthers);
  release.set_value();
  first.get();
  int failures = 0;
  for (int i = 0; i < kOthers; ++i) {
    try {
      others[static_cast<std::size_t>(i)].get();
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(i, 3);
      EXPECT_STREQ(e.what(), "this one fails");
      ++failures;
    }
  }
  EXPECT_EQ(failures, 1);
  // The first write's transaction, then one for the eight that waited.
  EXPECT_EQ(db_->commits_done() - commits_before, 2U);
  // Everything but the failed write's insert is there.
  EXPECT_EQ(plannings_of_alice(), 1U + kOthers - 1);
  db_->read([](Repos& r) { EXPECT_FALSE(r.plannings().find(kAlice, oid(203))); });
}

TEST_F(GroupCommit, ManyConcurrentWritersAreAllCommittedInFewerTransactions) {
  constexpr int kThreads = 8;
  constexpr int kWritesEach = 50;
  const std::uint64_t commits_before = db_->commits_done();
  const std::uint64_t writes_before = db_->writes_done();
  std::vector<std::thread> threads;
  std::atomic<int> done{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesEach; ++i) {
        unsigned n = 1000 + static_cast<unsigned>(t * kWritesEach + i);
        db_->write([&, n](Repos& r) { r.plannings().insert(planning_record(oid(n), kAlice, kT0 + n)); });
        // Returned: committed, and visible to a new read transaction.
        std::size_t seen = 0;
        db_->read([&](Repos& r) { seen = r.plannings().find(kAlice, oid(n)).has_value() ? 1 : 0; });
        EXPECT_EQ(seen, 1U);
        ++done;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kThreads * kWritesEach);
  EXPECT_EQ(plannings_of_alice(), static_cast<std::size_t>(kThreads * kWritesEach));
  EXPECT_EQ(db_->writes_done() - writes_before, static_cast<std::uint64_t>(kThreads * kWritesEach));
  // Not asserted strictly (scheduling decides how many wait together), but never more commits than writes.
  EXPECT_LE(db_->commits_done() - commits_before, static_cast<std::uint64_t>(kThreads * kWritesEach));
}

TEST_F(GroupCommit, AConflictInOneWriteOfAGroupLeavesTheOthersCommitted) {
  // Two writes in one group insert the same email: the unique constraint refuses the second only.
  std::promise<void> entered, release;
  auto held = release.get_future().share();
  auto first = std::async(std::launch::async, [&] {
    db_->write([&](Repos&) {
      entered.set_value();
      held.wait();
    });
  });
  entered.get_future().wait();
  auto a = std::async(std::launch::async,
                      [&] { db_->write([](Repos& r) { r.users().insert(user_record(oid(1), "same@example.com")); }); });
  wait_for_waiting(1);
  auto b = std::async(std::launch::async,
                      [&] { db_->write([](Repos& r) { r.users().insert(user_record(oid(2), "same@example.com")); }); });
  wait_for_waiting(2);
  release.set_value();
  first.get();
  a.get();
  EXPECT_THROW(b.get(), planetude::store::Conflict);
  db_->read([](Repos& r) {
    EXPECT_TRUE(r.users().find_by_id(oid(1)));
    EXPECT_FALSE(r.users().find_by_id(oid(2)));
  });
}

}  // namespace
