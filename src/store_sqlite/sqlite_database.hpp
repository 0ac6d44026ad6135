// store::Database on SQLite: one writer connection (SQLite allows one writer at a time; every
// write transaction is BEGIN IMMEDIATE) and a small pool of read-only connections (WAL lets
// readers run beside the writer).
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace planetude::store::sqlite {

class Connection;

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(std::string path, std::size_t readers);
  ~SqliteDatabase() override;

  void read(const std::function<void(Repos&)>& work) override;
  void write(const std::function<void(Repos&)>& work) override;
  void migrate() override;
  bool ping() override;
  void close() override;
  // The schema version applied (0 before any migration).
  int schema_version();

 private:
  std::unique_ptr<Connection> take_reader();
  void give_back(std::unique_ptr<Connection> c);

  std::string path_;
  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::size_t reader_count_;
  bool closed_ = false;
};

}  // namespace planetude::store::sqlite
