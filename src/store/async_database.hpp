// The one way services reach the database: `co_await db.read(fn)` / `co_await db.write(fn)` run
// `fn(Repos&)` in a transaction on the facade's own worker threads and resume the caller on its
// executor with fn's result (or its exception). Nothing here blocks the calling thread, so an I/O
// thread can never wait on SQL. `fn` may return void.
//
// Transactions (see Database): `read` sees one consistent snapshot; `write` is serialisable with
// every other write: committed when fn returns, rolled back when it throws. fn may run on any
// worker thread and must not touch the caller's coroutine state except through its captures.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <type_traits>

#include "core/worker_pool.hpp"
#include "store/store.hpp"

namespace planetude::store {

class AsyncDatabase {
 public:
  // Takes over `db` (already migrated); `threads` workers run its transactions.
  AsyncDatabase(std::unique_ptr<Database> db, std::size_t threads) : db_(std::move(db)), pool_(threads) {}
  ~AsyncDatabase() { close(); }
  AsyncDatabase(const AsyncDatabase&) = delete;
  AsyncDatabase& operator=(const AsyncDatabase&) = delete;

  template <class Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn&, Repos&>> read(Fn fn) {
    co_return co_await pool_.run([this, &fn] { return in_transaction(&Database::read, fn); });
  }

  template <class Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn&, Repos&>> write(Fn fn) {
    co_return co_await pool_.run([this, &fn] { return in_transaction(&Database::write, fn); });
  }

  // True when the database answers a trivial query.
  boost::asio::awaitable<bool> ping() {
    co_return co_await pool_.run([this] { return db_->ping(); });
  }

  // Lets the transactions in flight finish, then closes the database. Idempotent.
  void close() {
    pool_.stop();
    if (db_) db_->close();
  }

 private:
  template <class Fn>
  auto in_transaction(void (Database::*transaction)(const std::function<void(Repos&)>&), Fn& fn) {
    using Result = std::invoke_result_t<Fn&, Repos&>;
    if constexpr (std::is_void_v<Result>) {
      (db_.get()->*transaction)([&](Repos& r) { fn(r); });
    } else {
      std::optional<Result> out;
      (db_.get()->*transaction)([&](Repos& r) { out.emplace(fn(r)); });
      return std::move(*out);
    }
  }

  std::unique_ptr<Database> db_;
  WorkerPool pool_;
};

}  // namespace planetude::store
