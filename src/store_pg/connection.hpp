// Thin RAII wrappers over libpq: a connection, and prepared statements with typed binding and
// reading, shaped like the SQLite ones (store_sqlite/connection.hpp) so the two stores read alike.
// Parameters and results travel in text format; a unique violation (23505) becomes
// store::Conflict, serialization failures and deadlocks (40001, 40P01) become RetryableError,
// and a dropped connection becomes ConnectionLost.
// A connection prepares each SQL text once (PQprepare, named s1, s2, ...) and reuses it.
#pragma once
#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace planetude::store::pg {

// A database error, with its SQLSTATE ("" when the server sent none).
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// The transaction lost a race (serialization failure or deadlock): running it again may succeed.
class RetryableError : public PgError {
 public:
  using PgError::PgError;
};

// The server is gone (or never answered): the connection cannot be used again.
class ConnectionLost : public PgError {
 public:
  using PgError::PgError;
};

class Statement;

class Connection {
 public:
  // `conninfo`: a postgres:// or postgresql:// URL or libpq key=value settings.
  explicit Connection(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without parameters (several statements allowed).
  void exec(const char* sql);
  // A prepared statement for this SQL text, parameters written $1, $2, ...
  Statement prepare(std::string_view sql);
  bool usable() const { return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK; }
  PGconn* handle() { return conn_; }

 private:
  friend class Statement;
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
};

class Statement {
 public:
  Statement(Connection& c, std::string name);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are numbered from 1, like $1.
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind(int index, const std::optional<std::string>& value);
  Statement& bind_null(int index);
  // Runs the statement on the first call; then moves to the next row: true when one is ready.
  bool step();
  // Runs the statement; returns the number of rows it changed (or returned).
  int run();
  // Makes the statement ready to run again with new bindings.
  void reset();

  // Columns of the current row, numbered from 0.
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  void execute();
  Connection* c_;
  std::string name_;
  std::vector<std::optional<std::string>> params_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

// Throws the matching error for a failed result (or a null one) and frees it.
[[noreturn]] void throw_error(PGconn* conn, PGresult* result, std::string_view what);

}  // namespace planetude::store::pg
