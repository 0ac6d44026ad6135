// store/sqlite Connection: its cache of prepared statements hands out clean statements, never the
// same one twice at once, and stays bounded.
#include <gtest/gtest.h>

#include <sqlite3.h>

#include <stdexcept>
#include <string>

#include "store_sqlite/connection.hpp"

using planetude::store::sqlite::Connection;
using planetude::store::sqlite::Statement;

namespace {

// The statements alive on the connection: cached ones included.
int live_statements(Connection& c) {
  int n = 0;
  for (sqlite3_stmt* st = sqlite3_next_stmt(c.handle(), nullptr); st; st = sqlite3_next_stmt(c.handle(), st)) ++n;
  return n;
}

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    c_.exec("CREATE TABLE t (n INTEGER)");
    c_.exec("INSERT INTO t VALUES (1), (2), (3)");
  }
  Connection c_{":memory:", false};
};

}  // namespace

TEST_F(ConnectionTest, AReleasedStatementIsReusedWithItsBindingsCleared) {
  {
    auto st = c_.prepare("SELECT ?");
    st.bind(1, std::int64_t{5});
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.integer(0), 5);
  }
  EXPECT_EQ(live_statements(c_), 1);
  auto again = c_.prepare("SELECT ?");
  EXPECT_EQ(live_statements(c_), 1);
  ASSERT_TRUE(again.step());
  EXPECT_TRUE(again.is_null(0));
}

TEST_F(ConnectionTest, AStatementLeftMidRowStartsOverWhenReused) {
  const char* sql = "SELECT n FROM t ORDER BY n";
  {
    auto st = c_.prepare(sql);
    ASSERT_TRUE(st.step());
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.integer(0), 2);
  }
  auto st = c_.prepare(sql);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 1);
}

TEST_F(ConnectionTest, TheSameSqlTwiceAtOnceGivesTwoIndependentStatements) {
  const char* sql = "SELECT n FROM t ORDER BY n";
  auto outer = c_.prepare(sql);
  ASSERT_TRUE(outer.step());
  int inner_rows = 0;
  {
    auto inner = c_.prepare(sql);
    while (inner.step()) ++inner_rows;
  }
  EXPECT_EQ(inner_rows, 3);
  EXPECT_EQ(outer.integer(0), 1);
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.integer(0), 2);
}

TEST_F(ConnectionTest, AMovedStatementIsReleasedOnce) {
  {
    auto first = c_.prepare("SELECT 1");
    Statement moved(std::move(first));
    ASSERT_TRUE(moved.step());
  }
  auto st = c_.prepare("SELECT 1");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 1);
  EXPECT_EQ(live_statements(c_), 1);
}

TEST_F(ConnectionTest, TheCacheIsBounded) {
  for (int i = 0; i < 200; ++i) {
    auto st = c_.prepare("SELECT " + std::to_string(i));
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.integer(0), i);
  }
  EXPECT_LE(live_statements(c_), 64);
  EXPECT_GE(live_statements(c_), 1);
}

TEST_F(ConnectionTest, BadSqlThrowsEveryTimeAndIsNotCached) {
  EXPECT_THROW(c_.prepare("SELEC 1"), std::runtime_error);
  EXPECT_THROW(c_.prepare("SELEC 1"), std::runtime_error);
  EXPECT_EQ(live_statements(c_), 0);
}

TEST_F(ConnectionTest, WritesThroughACachedStatementRunEachTime) {
  for (int i = 0; i < 3; ++i) c_.prepare("INSERT INTO t VALUES (?)").bind(1, std::int64_t{10 + i}).run();
  auto st = c_.prepare("SELECT count(*), sum(n) FROM t");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.integer(0), 6);
  EXPECT_EQ(st.integer(1), 1 + 2 + 3 + 10 + 11 + 12);
}
