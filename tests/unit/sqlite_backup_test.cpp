// store/sqlite backup_database (`planetude backup PATH`): a copy of a live database, made while
// writes go on, is whole and checked; a target that exists, a missing source or folder is refused
// with nothing written. And a database newer than the binary is refused by migrate(), unchanged.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "store_contract.hpp"
#include "store_sqlite/backup.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/migrations.hpp"
#include "store_sqlite/sqlite_database.hpp"

namespace {

namespace fs = std::filesystem;
using namespace planetude::testing;
using planetude::store::Repos;
using planetude::store::sqlite::backup_database;
using planetude::store::sqlite::BackupError;
using planetude::store::sqlite::Connection;
using planetude::store::sqlite::SqliteDatabase;

std::int64_t count_rows(const fs::path& db, const char* table) {
  Connection c(db.string(), true);
  auto st = c.prepare(std::string("SELECT count(*) FROM ") + table);
  st.step();
  return st.integer(0);
}

class Backup : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/planetude-backup-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    dir_ = tmpl;
    source_ = dir_ / "live.db";
    db_ = std::make_unique<SqliteDatabase>(source_.string(), 2);
    db_->migrate();
    for (unsigned i = 0; i < 50; ++i)
      db_->write(
          [i](Repos& r) { r.users().insert(user_record(oid(i + 1), "u" + std::to_string(i) + "@example.com")); });
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  // Files of the folder other than the live database and its side files.
  std::vector<std::string> stray_files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      std::string name = e.path().filename().string();
      if (name.rfind("live.db", 0) != 0) out.push_back(name);
    }
    return out;
  }

  fs::path dir_;
  fs::path source_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(Backup, ACopyMadeWhileWritesGoOnIsWholeAndServable) {
  std::atomic<bool> stop{false};
  std::atomic<unsigned> written{50};
  std::thread writer([&] {
    for (unsigned i = 50; !stop && i < 5000; ++i) {
      db_->write(
          [i](Repos& r) { r.users().insert(user_record(oid(i + 1), "u" + std::to_string(i) + "@example.com")); });
      written = i + 1;
    }
  });
  while (written < 200) std::this_thread::yield();  // the copy starts in the middle of the writes
  auto result = backup_database(source_.string(), (dir_ / "copy.db").string());
  unsigned after_copy = written;
  stop = true;
  writer.join();

  EXPECT_EQ(result.schema_version, planetude::store::sqlite::migrations().back().version);
  EXPECT_GT(result.pages, 0);
  EXPECT_EQ(result.bytes, static_cast<std::int64_t>(fs::file_size(dir_ / "copy.db")));
  EXPECT_EQ(stray_files(), std::vector<std::string>{"copy.db"});  // no partial file, no side file
  // One snapshot: every user written before the copy began, none written after it ended.
  std::int64_t copied = count_rows(dir_ / "copy.db", "users");
  EXPECT_GE(copied, 200);
  EXPECT_LE(copied, static_cast<std::int64_t>(after_copy) + 1);

  // The copy is a database the server can open and migrate (nothing to do) and read.
  SqliteDatabase copy((dir_ / "copy.db").string(), 1);
  copy.migrate();
  auto alice = copy.read_value([](Repos& r) { return r.users().find_by_email("u7@example.com"); });
  ASSERT_TRUE(alice.has_value());
  EXPECT_EQ(alice->id, oid(8));
}

TEST_F(Backup, AnExistingTargetIsRefusedAndKept) {
  { std::ofstream(dir_ / "copy.db") << "keep me"; }
  try {
    backup_database(source_.string(), (dir_ / "copy.db").string());
    FAIL() << "an existing file was accepted";
  } catch (const BackupError& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  std::ifstream in(dir_ / "copy.db");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "keep me");
  EXPECT_EQ(stray_files(), std::vector<std::string>{"copy.db"});
}

TEST_F(Backup, AMissingSourceOrFolderIsRefusedWithNothingWritten) {
  EXPECT_THROW(backup_database((dir_ / "nope.db").string(), (dir_ / "copy.db").string()), BackupError);
  EXPECT_THROW(backup_database(source_.string(), (dir_ / "no-such-folder" / "copy.db").string()), BackupError);
  EXPECT_TRUE(stray_files().empty());
}

TEST_F(Backup, ADatabaseNewerThanTheBinaryIsRefusedUnchanged) {
  db_->close();
  db_.reset();
  {
    Connection c(source_.string(), false);
    c.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, 'from the future', 0)");
  }
  SqliteDatabase newer(source_.string(), 1);
  try {
    newer.migrate();
    FAIL() << "a newer schema was accepted";
  } catch (const std::runtime_error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("999"), std::string::npos) << message;
    EXPECT_NE(message.find("newer"), std::string::npos) << message;
  }
  newer.close();
  EXPECT_EQ(count_rows(source_, "users"), 50);
  EXPECT_EQ(count_rows(source_, "schema_migrations"),
            static_cast<std::int64_t>(planetude::store::sqlite::migrations().size()) + 1);
}

}  // namespace
