// Thin RAII wrappers over the SQLite C API: a connection, and prepared statements with typed
// binding and reading. Errors become exceptions; a unique-constraint failure becomes store::Conflict.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace planetude::store::sqlite {

class Statement;

class Connection {
 public:
  Connection(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql);
  Statement prepare(std::string_view sql);
  sqlite3* handle() { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_null(int index);
  // Steps once: true when a row is ready to read, false when done.
  bool step();
  // Runs to completion; returns the number of rows changed.
  int run();
  // Makes the statement ready to run again with new bindings.
  void reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace planetude::store::sqlite
