// store/sqlite: migrations, users, tokens, transactions, on a temporary database file.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>

#include "store/store.hpp"
#include "store_sqlite/sqlite_database.hpp"

namespace fs = std::filesystem;
using planetude::store::Conflict;
using planetude::store::Repos;
using planetude::store::TokenRecord;
using planetude::store::UserRecord;
using planetude::store::sqlite::SqliteDatabase;

namespace {

UserRecord make_user(const std::string& id, const std::string& email) {
  UserRecord u;
  u.id = id;
  u.email = email;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt$hash";
  u.name = "Élève « test »";
  u.themes = {"Révisions", "quote \" and \\ backslash"};
  u.matieres = {"Maths"};
  u.timezone = "Europe/Paris";
  u.created_at = 1'700'000'000'000;
  u.updated_at = 1'700'000'000'000;
  u.tokens_not_before = 0;
  return u;
}

const std::string kAlice = "65a1b2c3d4e5f60718293a4b";
const std::string kBob = "65a1b2c3d4e5f60718293a4c";

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/planetude-sqlite-test-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    ASSERT_NE(p, nullptr);
    dir_ = p;
    path_ = (dir_ / "test.db").string();
    db_ = std::make_unique<SqliteDatabase>(path_, 2);
    db_->migrate();
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // A number read with a separate raw connection (what is really on disk, committed).
  std::int64_t count(const std::string& sql) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(raw, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    std::int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(raw);
    return n;
  }

  void insert(const UserRecord& u) {
    db_->write([&](Repos& r) { r.users().insert(u); });
  }
  void insert(std::initializer_list<UserRecord> users) {  // one transaction: fewer fsyncs
    db_->write([&](Repos& r) {
      for (const auto& u : users) r.users().insert(u);
    });
  }
  void record(const std::string& jti, const std::string& user, std::int64_t exp) {
    db_->write([&](Repos& r) { r.tokens().record({jti, user, 1000, exp, std::nullopt}); });
  }
  // (jti, user, exp) triples, in one transaction.
  void record(std::initializer_list<std::tuple<std::string, std::string, std::int64_t>> tokens) {
    db_->write([&](Repos& r) {
      for (const auto& [jti, user, exp] : tokens) r.tokens().record({jti, user, 1000, exp, std::nullopt});
    });
  }
  std::optional<TokenRecord> find_token(const std::string& jti) {
    return db_->read_value([&](Repos& r) { return r.tokens().find(jti); });
  }

  fs::path dir_;
  std::string path_;
  std::unique_ptr<SqliteDatabase> db_;
};

}  // namespace

// ---- migrations -----------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, MigrateIsIdempotent) {
  int version = db_->schema_version();
  EXPECT_GE(version, 1);
  db_->migrate();
  EXPECT_EQ(db_->schema_version(), version);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), version);

  // And across a restart.
  insert(make_user(kAlice, "alice@example.com"));
  db_.reset();
  db_ = std::make_unique<SqliteDatabase>(path_, 2);
  EXPECT_EQ(db_->schema_version(), version);
  db_->migrate();
  EXPECT_EQ(db_->schema_version(), version);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), version);
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 1);
}

TEST_F(SqliteStoreTest, FreshDatabaseHasVersionZero) {
  SqliteDatabase fresh((dir_ / "fresh.db").string(), 1);
  EXPECT_EQ(fresh.schema_version(), 0);
  fresh.migrate();
  EXPECT_GE(fresh.schema_version(), 1);
}

TEST_F(SqliteStoreTest, Ping) {
  EXPECT_TRUE(db_->ping());
  db_->close();
  EXPECT_FALSE(db_->ping());
  EXPECT_THROW(db_->write([](Repos&) {}), std::runtime_error);
}

// ---- users --------------------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, UserInsertAndFind) {
  UserRecord alice = make_user(kAlice, "alice@example.com");
  insert(alice);
  auto by_id = db_->read_value([&](Repos& r) { return r.users().find_by_id(kAlice); });
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->email, alice.email);
  EXPECT_EQ(by_id->password_hash, alice.password_hash);
  EXPECT_EQ(by_id->name, alice.name);
  EXPECT_EQ(by_id->themes, alice.themes);
  EXPECT_EQ(by_id->matieres, alice.matieres);
  EXPECT_EQ(by_id->timezone, "Europe/Paris");
  EXPECT_EQ(by_id->created_at, alice.created_at);
  EXPECT_EQ(by_id->updated_at, alice.updated_at);

  auto by_email = db_->read_value([&](Repos& r) { return r.users().find_by_email("alice@example.com"); });
  ASSERT_TRUE(by_email.has_value());
  EXPECT_EQ(by_email->id, kAlice);
  EXPECT_FALSE(db_->read_value([&](Repos& r) { return r.users().find_by_email("nobody@example.com"); }).has_value());
  EXPECT_FALSE(db_->read_value([&](Repos& r) { return r.users().find_by_id(kBob); }).has_value());
}

TEST_F(SqliteStoreTest, UserUpdateProfileAndPassword) {
  insert(make_user(kAlice, "alice@example.com"));
  UserRecord changed = make_user(kAlice, "ignored@example.com");
  changed.name = "Alice B.";
  changed.themes = {};
  changed.matieres = {"Chimie", "Histoire"};
  changed.timezone = "Asia/Tokyo";
  changed.updated_at = 1'800'000'000'000;
  changed.password_hash = "ignored";
  db_->write([&](Repos& r) { r.users().update_profile(changed); });

  auto u = db_->read_value([&](Repos& r) { return r.users().find_by_id(kAlice); });
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->name, "Alice B.");
  EXPECT_TRUE(u->themes.empty());
  EXPECT_EQ(u->matieres, (std::vector<std::string>{"Chimie", "Histoire"}));
  EXPECT_EQ(u->timezone, "Asia/Tokyo");
  EXPECT_EQ(u->updated_at, 1'800'000'000'000);
  EXPECT_EQ(u->email, "alice@example.com");  // profile updates never touch the email or hash
  EXPECT_NE(u->password_hash, "ignored");

  db_->write([&](Repos& r) { r.users().update_password(kAlice, "new-hash", 1'800'000'000, 1'800'000'001'000); });
  u = db_->read_value([&](Repos& r) { return r.users().find_by_id(kAlice); });
  EXPECT_EQ(u->password_hash, "new-hash");
  EXPECT_EQ(u->tokens_not_before, 1'800'000'000);
  EXPECT_EQ(u->updated_at, 1'800'000'001'000);
  EXPECT_EQ(u->name, "Alice B.");
}

TEST_F(SqliteStoreTest, UserRemove) {
  insert({make_user(kAlice, "alice@example.com"), make_user(kBob, "bob@example.com")});
  EXPECT_TRUE(db_->write_value([&](Repos& r) { return r.users().remove(kAlice); }));
  EXPECT_FALSE(db_->write_value([&](Repos& r) { return r.users().remove(kAlice); }));
  EXPECT_FALSE(db_->read_value([&](Repos& r) { return r.users().find_by_id(kAlice); }).has_value());
  EXPECT_TRUE(db_->read_value([&](Repos& r) { return r.users().find_by_id(kBob); }).has_value());
  // The email is free again.
  EXPECT_NO_THROW(insert(make_user(kAlice, "alice@example.com")));
}

TEST_F(SqliteStoreTest, DuplicateEmailThrowsConflict) {
  insert(make_user(kAlice, "alice@example.com"));
  EXPECT_THROW(insert(make_user(kBob, "alice@example.com")), Conflict);
  EXPECT_THROW(insert(make_user(kAlice, "other@example.com")), Conflict);  // same id
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 1);
  // The writer is usable afterwards.
  EXPECT_NO_THROW(insert(make_user(kBob, "bob@example.com")));
}

TEST_F(SqliteStoreTest, AWriteThatThrowsRollsBack) {
  EXPECT_THROW(db_->write([&](Repos& r) {
    r.users().insert(make_user(kAlice, "alice@example.com"));
    r.tokens().record({"j1", kAlice, 1000, 2000, std::nullopt});
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_FALSE(db_->read_value([&](Repos& r) { return r.users().find_by_id(kAlice); }).has_value());
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_tokens"), 0);

  // A conflict in the middle also undoes the earlier statements of the same transaction.
  insert(make_user(kAlice, "alice@example.com"));
  EXPECT_THROW(db_->write([&](Repos& r) {
    r.users().insert(make_user(kBob, "bob@example.com"));
    r.users().insert(make_user("65a1b2c3d4e5f60718293a4d", "alice@example.com"));
  }),
               Conflict);
  EXPECT_FALSE(db_->read_value([&](Repos& r) { return r.users().find_by_id(kBob); }).has_value());
  EXPECT_EQ(count("SELECT COUNT(*) FROM users"), 1);
}

// ---- tokens -----------------------------------------------------------------------------------------

TEST_F(SqliteStoreTest, TokenRecordAndFind) {
  insert(make_user(kAlice, "alice@example.com"));
  record("j1", kAlice, 2000);
  auto t = find_token("j1");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->user_id, kAlice);
  EXPECT_EQ(t->issued_at, 1000);
  EXPECT_EQ(t->expires_at, 2000);
  EXPECT_FALSE(t->revoked_at.has_value());
  EXPECT_FALSE(find_token("nope").has_value());
  EXPECT_THROW(record("j1", kAlice, 3000), Conflict);
}

TEST_F(SqliteStoreTest, TokenForUnknownUserIsRefusedByTheForeignKey) {
  EXPECT_THROW(record("j1", kBob, 2000), std::runtime_error);
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_tokens"), 0);
}

TEST_F(SqliteStoreTest, RemovingAUserCascadesToTheirTokens) {
  insert({make_user(kAlice, "alice@example.com"), make_user(kBob, "bob@example.com")});
  record({{"a1", kAlice, 2000}, {"a2", kAlice, 3000}, {"b1", kBob, 2000}});
  ASSERT_EQ(count("SELECT COUNT(*) FROM auth_tokens"), 3);
  db_->write([&](Repos& r) { r.users().remove(kAlice); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_tokens WHERE user_id = '" + kAlice + "'"), 0);
  EXPECT_FALSE(find_token("a1").has_value());
  EXPECT_FALSE(find_token("a2").has_value());
  EXPECT_TRUE(find_token("b1").has_value());
}

TEST_F(SqliteStoreTest, RevokeUnknownJtiRecordsItAsRevoked) {
  insert(make_user(kAlice, "alice@example.com"));
  db_->write([&](Repos& r) { r.tokens().revoke({"minted-elsewhere", kAlice, 1000, 5000, std::nullopt}, 1'234'000); });
  auto t = find_token("minted-elsewhere");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->user_id, kAlice);
  EXPECT_EQ(t->expires_at, 5000);
  ASSERT_TRUE(t->revoked_at.has_value());
  EXPECT_EQ(*t->revoked_at, 1'234'000);
}

TEST_F(SqliteStoreTest, RevokeKeepsTheFirstRevocationTime) {
  insert(make_user(kAlice, "alice@example.com"));
  record("j1", kAlice, 5000);
  db_->write([&](Repos& r) { r.tokens().revoke({"j1", kAlice, 1000, 5000, std::nullopt}, 100); });
  db_->write([&](Repos& r) { r.tokens().revoke({"j1", kAlice, 1000, 5000, std::nullopt}, 200); });
  auto t = find_token("j1");
  ASSERT_TRUE(t.has_value() && t->revoked_at.has_value());
  EXPECT_EQ(*t->revoked_at, 100);
  EXPECT_EQ(count("SELECT COUNT(*) FROM auth_tokens"), 1);
}

TEST_F(SqliteStoreTest, RevokeAllExceptKeepsTheKeptOne) {
  insert({make_user(kAlice, "alice@example.com"), make_user(kBob, "bob@example.com")});
  record({{"a1", kAlice, 5000}, {"a2", kAlice, 5000}, {"a3", kAlice, 5000}, {"b1", kBob, 5000}});
  db_->write([&](Repos& r) { r.tokens().revoke({"a3", kAlice, 1000, 5000, std::nullopt}, 50); });
  db_->write([&](Repos& r) { r.tokens().revoke_all_except(kAlice, "a2", 777); });
  EXPECT_EQ(find_token("a1")->revoked_at, std::optional<std::int64_t>(777));
  EXPECT_FALSE(find_token("a2")->revoked_at.has_value());
  EXPECT_EQ(find_token("a3")->revoked_at, std::optional<std::int64_t>(50));  // already revoked: unchanged
  EXPECT_FALSE(find_token("b1")->revoked_at.has_value());                    // another user's token
}

TEST_F(SqliteStoreTest, PurgeExpired) {
  insert(make_user(kAlice, "alice@example.com"));
  record({{"old", kAlice, 100}, {"older", kAlice, 50}, {"mid", kAlice, 200}, {"new", kAlice, 300}});
  EXPECT_EQ(db_->write_value([](Repos& r) { return r.tokens().purge_expired(250); }), 3u);
  EXPECT_FALSE(find_token("old").has_value());
  EXPECT_FALSE(find_token("older").has_value());
  EXPECT_FALSE(find_token("mid").has_value());
  EXPECT_TRUE(find_token("new").has_value());
  EXPECT_EQ(db_->write_value([](Repos& r) { return r.tokens().purge_expired(250); }), 0u);
}

TEST_F(SqliteStoreTest, ReadsSeeCommittedWritesOnly) {
  insert(make_user(kAlice, "alice@example.com"));
  // A read inside a write sees the write's own uncommitted state; another reader does not.
  db_->write([&](Repos& r) {
    r.users().insert(make_user(kBob, "bob@example.com"));
    EXPECT_TRUE(r.users().find_by_id(kBob).has_value());
    EXPECT_FALSE(db_->read_value([&](Repos& rr) { return rr.users().find_by_id(kBob); }).has_value());
  });
  EXPECT_TRUE(db_->read_value([&](Repos& r) { return r.users().find_by_id(kBob); }).has_value());
}
