// store::Database on PostgreSQL: a pool of libpq connections, one per database worker at most,
// opened when first needed and opened again when the server dropped them.
//
// Isolation: a read is one REPEATABLE READ READ ONLY transaction (one snapshot); a write is one
// SERIALIZABLE transaction, so the store's read-check-write sequences (apply a proposal once,
// complete a session once) hold across any number of instances. A write that loses a race
// (40001 serialization failure, 40P01 deadlock) is rolled back and run again from the start, a
// bounded number of times with a growing random pause: never a 500 on the first try. A
// connection lost before COMMIT was sent is retried on a new connection; one lost during COMMIT
// is reported, as its outcome is unknown. A write that lost a race runs again alone in this
// process (WriteGate), so writes of one hot row take turns rather than exhaust their attempts.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_pg/write_gate.hpp"

namespace planetude::store::pg {

class Connection;

class PgDatabase : public Database {
 public:
  // `conninfo`: a postgres:// URL or libpq key=value settings. Connects once, so that a wrong
  // address or password stops the start-up; throws ConnectionLost or PgError.
  PgDatabase(std::string conninfo, std::size_t connections);
  ~PgDatabase() override;

  void read(const std::function<void(Repos&)>& work) override;
  void write(const std::function<void(Repos&)>& work) override;
  // Applies the missing migrations under an advisory lock: of several instances starting
  // together, one migrates and the others wait, then find nothing to do.
  void migrate() override;
  bool ping() override;
  void close() override;
  int schema_version();

  // Transactions run again after a lost race or a lost connection (for metrics and tests).
  std::uint64_t retries() const { return retries_.load(); }

  // Attempts of one transaction before its last error is reported.
  static constexpr int kMaxAttempts = 10;

 private:
  enum class Kind { read, write };
  void run(Kind kind, const std::function<void(Repos&)>& work);
  // run(), a database out of reach reported as errors::unavailable (HTTP 503).
  void run_reachable(Kind kind, const std::function<void(Repos&)>& work);
  std::unique_ptr<Connection> take();
  void give_back(std::unique_ptr<Connection> c);
  // Closes the idle connections (after one was found dropped by the server).
  void drop_idle();

  std::string conninfo_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t can_open_;  // connections that may still be opened
  bool closed_ = false;
  std::atomic<std::uint64_t> retries_{0};
  WriteGate write_gate_;
};

// Checks the syntax of libpq connection settings without connecting; the problem in one line,
// or "" when they parse. Never repeats the password.
std::string conninfo_problem(const std::string& conninfo);

// The settings with the password left out, fit for a log line.
std::string describe_conninfo(const std::string& conninfo);

}  // namespace planetude::store::pg
