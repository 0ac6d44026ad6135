// Thin RAII wrappers over the SQLite C API: a connection, and prepared statements with typed
// binding and reading. Errors become exceptions; a unique-constraint failure becomes store::Conflict.
// A connection keeps the statements it prepared, by SQL text, and hands them out again: parsing
// and planning a query costs more than running most of ours.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace planetude::store::sqlite {

class Statement;

class Connection {
 public:
  Connection(const std::string& path, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const char* sql);
  // A statement ready to bind: the cached one for this SQL when it is free, else a new one.
  Statement prepare(std::string_view sql);
  sqlite3* handle() { return db_; }

 private:
  // Enough for every fixed statement of the stores; SQL built with a varying number of
  // placeholders past that is prepared each time rather than crowding the cache.
  static constexpr std::size_t kMaxCached = 64;
  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, Cached, Hash, std::equal_to<>> cache_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);  // prepared for this use only
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
  bool* in_use_ = nullptr;  // set for a connection's cached statement: reset and released, not finalized

  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* cached, bool* in_use) : db_(db), stmt_(cached), in_use_(in_use) {}
};

}  // namespace planetude::store::sqlite
