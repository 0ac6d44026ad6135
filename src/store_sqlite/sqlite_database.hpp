// store::Database on SQLite: one writer connection (SQLite allows one writer at a time; every
// write transaction is BEGIN IMMEDIATE) and a small pool of read-only connections (WAL lets
// readers run beside the writer).
//
// Group commit: writes that arrive while one is being committed wait, then go together in the
// next transaction, each inside a SAVEPOINT of its own. A write that throws is rolled back to its
// savepoint alone; the others commit with one COMMIT, so one disk flush (synchronous=FULL) serves
// them all. write() returns (and the caller answers) only after that COMMIT: nothing acknowledged
// can be lost. Each write still runs alone, one after the other, so the isolation is unchanged.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <exception>
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

  // Writes done and transactions committed so far: their ratio is the mean size of a group.
  std::uint64_t writes_done();
  std::uint64_t commits_done();
  // Writes waiting for their group's transaction to start (for tests).
  std::size_t writes_waiting();

 private:
  struct PendingWrite;
  std::unique_ptr<Connection> take_reader();
  void give_back(std::unique_ptr<Connection> c);
  // Runs a group in one transaction (called by the group's leader, holding writer_mu_).
  void commit_group(std::vector<PendingWrite*>& group);

  std::string path_;
  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;
  // The writes waiting for the next group, and whether a leader is committing one.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<PendingWrite*> queue_;
  bool leading_ = false;
  std::uint64_t writes_done_ = 0;
  std::uint64_t commits_done_ = 0;
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::size_t reader_count_;
  bool closed_ = false;
};

}  // namespace planetude::store::sqlite
