// The test support pieces themselves: a coroutine runs to its result, a scripted provider answers
// in order, a temporary database takes a write and reads it back.
#include <gtest/gtest.h>

#include "support/fake_provider.hpp"
#include "support/run_async.hpp"
#include "support/temp_database.hpp"

namespace {

using planetude::testing::FakeProvider;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;

boost::asio::awaitable<int> forty_two() { co_return 42; }

TEST(TestSupport, RunsACoroutineToItsResult) { EXPECT_EQ(run_async(forty_two()), 42); }

TEST(TestSupport, FakeProviderAnswersInOrderThenFails) {
  FakeProvider provider;
  provider.then_reply("Bonjour").then_fail(planetude::llm::FailureKind::unavailable);
  auto first = run_async(provider.complete({}, nullptr, {}));
  EXPECT_EQ(first.text, "Bonjour");
  EXPECT_THROW(run_async(provider.complete({}, nullptr, {})), planetude::llm::ProviderFailure);
  EXPECT_EQ(provider.prompts.size(), 2u);
}

TEST(TestSupport, TempDatabaseWritesAndReadsThroughTheFacade) {
  TempDatabase t;
  planetude::store::UserRecord u;
  u.id = "65a1b2c3d4e5f60718293a4b";
  u.email = "lea@example.com";
  u.password_hash = "x";
  u.name = "Léa";
  u.timezone = "UTC";
  run_async(t.db().write([&](planetude::store::Repos& r) { r.users().insert(u); }));
  auto found = run_async(t.db().read([&](planetude::store::Repos& r) { return r.users().find_by_email(u.email); }));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "Léa");
}

}  // namespace
