// The PostgreSQL schema, as numbered migrations applied in order, each in its own transaction
// (PgDatabase::migrate, under an advisory lock so that instances starting together apply it once).
// It holds what the SQLite schema holds (store_sqlite/migrations.cpp) in PostgreSQL's own types:
// instants are timestamptz, days are date, lists are jsonb; the stores speak milliseconds since
// the epoch through ms_to_ts() and ts_to_ms(), defined by the first migration.
#pragma once
#include <span>
#include <string_view>

namespace planetude::store::pg {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> migrations();

}  // namespace planetude::store::pg
