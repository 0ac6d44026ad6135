// A real SQLite database in a fresh temporary folder, migrated, behind the asynchronous facade the
// services use; removed afterwards.
#pragma once
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "store/async_database.hpp"
#include "store_sqlite/sqlite_database.hpp"

namespace planetude::testing {

class TempDatabase {
 public:
  explicit TempDatabase(std::size_t threads = 2) {
    char tmpl[] = "/tmp/planetude-unit-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    auto db = std::make_unique<store::sqlite::SqliteDatabase>((dir_ / "test.db").string(), threads);
    db->migrate();
    db_ = std::make_unique<store::AsyncDatabase>(std::move(db), threads);
  }
  ~TempDatabase() {
    db_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempDatabase(const TempDatabase&) = delete;
  TempDatabase& operator=(const TempDatabase&) = delete;

  store::AsyncDatabase& db() { return *db_; }
  std::filesystem::path path() const { return dir_ / "test.db"; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::AsyncDatabase> db_;
};

}  // namespace planetude::testing
