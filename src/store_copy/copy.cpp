#include "store_copy/copy.hpp"

#include <libpq-fe.h>

#include <memory>
#include <string_view>

#include "store_pg/connection.hpp"
#include "store_pg/pg_database.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/migrations.hpp"

namespace planetude::store::copy {

namespace {

// How a SQLite value becomes a PostgreSQL one.
enum class Kind {
  text,     // text -> text
  integer,  // integer -> integer
  bigint,   // integer -> bigint
  instant,  // milliseconds since the epoch -> timestamptz (ms_to_ts, exact)
  date,     // 'YYYY-MM-DD' -> date
  jsonb,    // JSON text -> jsonb
  json,     // JSON text -> json (kept byte for byte)
  boolean,  // 0/1 -> boolean
};

struct Column {
  std::string_view name;
  Kind kind;
};

struct Table {
  std::string_view name;
  std::vector<Column> columns;
  bool identity = false;  // the first column is an identity: its values are kept (OVERRIDING SYSTEM VALUE)
};

// Foreign-key order: a row's parents are always copied before it. rate_limit_events is left out
// on purpose: throttling events are transient (they expire within the hour) and belong to the
// instances that counted them, not to the data being moved.
const std::vector<Table>& tables() {
  static const std::vector<Table> all = {
      {"users",
       {{"id", Kind::text},
        {"email", Kind::text},
        {"password_hash", Kind::text},
        {"name", Kind::text},
        {"themes", Kind::jsonb},
        {"matieres", Kind::jsonb},
        {"timezone", Kind::text},
        {"created_at", Kind::instant},
        {"updated_at", Kind::instant},
        {"tokens_not_before", Kind::bigint},
        {"weekly_goal_minutes", Kind::integer},
        {"data_version", Kind::bigint}}},
      {"auth_tokens",
       {{"jti", Kind::text},
        {"user_id", Kind::text},
        {"issued_at", Kind::bigint},
        {"expires_at", Kind::bigint},
        {"revoked_at", Kind::instant}}},
      {"plannings",
       {{"id", Kind::text},
        {"user_id", Kind::text},
        {"titre", Kind::text},
        {"periode", Kind::text},
        {"date_debut", Kind::instant},
        {"date_fin", Kind::instant},
        {"source", Kind::text},
        {"created_at", Kind::instant},
        {"updated_at", Kind::instant}}},
      {"sessions",
       {{"id", Kind::text},
        {"planning_id", Kind::text},
        {"user_id", Kind::text},
        {"matiere", Kind::text},
        {"debut", Kind::instant},
        {"fin", Kind::instant},
        {"statut", Kind::text},
        {"notes", Kind::text}}},
      {"progress",
       {{"id", Kind::text},
        {"user_id", Kind::text},
        {"date", Kind::date},
        {"sessions_completees", Kind::integer},
        {"temps_etudie", Kind::integer},
        {"notes", Kind::text},
        {"matiere", Kind::text},
        {"planning_id", Kind::text},
        {"session_id", Kind::text},
        {"created_at", Kind::instant}}},
      {"calendar_feeds", {{"user_id", Kind::text}, {"secret_hash", Kind::text}, {"created_at", Kind::instant}}},
      {"chat_messages",
       {{"seq", Kind::bigint},
        {"id", Kind::text},
        {"user_id", Kind::text},
        {"role", Kind::text},
        {"content", Kind::text},
        {"source", Kind::text},
        {"created_at", Kind::instant}},
       true},
      {"chat_proposals",
       {{"id", Kind::text},
        {"user_id", Kind::text},
        {"message_id", Kind::text},
        {"type", Kind::text},
        {"summary", Kind::text},
        {"payload", Kind::json},
        {"origin", Kind::text},
        {"status", Kind::text},
        {"created_at", Kind::instant},
        {"updated_at", Kind::instant}}},
      {"timetable_imports",
       {{"user_id", Kind::text},
        {"name", Kind::text},
        {"imported_at", Kind::instant},
        {"event_count", Kind::integer},
        {"first_start", Kind::instant},
        {"last_end", Kind::instant}}},
      {"timetable_events",
       {{"id", Kind::text},
        {"user_id", Kind::text},
        {"title", Kind::text},
        {"location", Kind::text},
        {"debut", Kind::instant},
        {"fin", Kind::instant},
        {"all_day", Kind::boolean},
        {"exam", Kind::boolean}}},
      {"rest_days",
       {{"user_id", Kind::text}, {"date", Kind::date}, {"kind", Kind::text}, {"created_at", Kind::instant}}},
  };
  return all;
}

bool is_integer(Kind k) { return k == Kind::integer || k == Kind::bigint || k == Kind::instant || k == Kind::boolean; }

std::string placeholder(Kind kind, int n) {
  std::string p = "$" + std::to_string(n);
  switch (kind) {
    case Kind::text: return p + "::text";
    case Kind::integer: return p + "::integer";
    case Kind::bigint: return p + "::bigint";
    case Kind::instant: return "ms_to_ts(" + p + "::bigint)";
    case Kind::date: return p + "::date";
    case Kind::jsonb: return p + "::jsonb";
    case Kind::json: return p + "::json";
    case Kind::boolean: return p + "::integer::boolean";
  }
  return p;
}

std::string select_sql(const Table& t) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + std::string(t.columns[i].name);
  return sql + " FROM " + std::string(t.name) + " ORDER BY rowid";
}

// An INSERT of `rows` rows at once: one round trip per batch rather than per row.
std::string insert_sql(const Table& t, std::size_t rows) {
  std::string names;
  for (std::size_t i = 0; i < t.columns.size(); ++i) names += (i ? ", " : "") + std::string(t.columns[i].name);
  std::string sql = "INSERT INTO " + std::string(t.name) + " (" + names + ")" +
                    (t.identity ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES ";
  int n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + placeholder(t.columns[i].kind, ++n);
    sql += ')';
  }
  return sql;
}

// Rows per INSERT: far below PostgreSQL's 65535 parameters for our widest table.
constexpr std::size_t kBatchRows = 200;

std::string count_sql(std::string_view table) { return "SELECT count(*) FROM " + std::string(table); }

// The password of the settings (already known to parse), to keep it out of every message.
std::string password_of(const std::string& conninfo) {
  std::string password;
  if (PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr)) {
    for (PQconninfoOption* o = options; o->keyword; ++o)
      if (std::string_view(o->keyword) == "password" && o->val) password = o->val;
    PQconninfoFree(options);
  }
  return password;
}

std::string redact(std::string message, const std::string& password) {
  if (password.empty()) return message;
  for (auto at = message.find(password); at != std::string::npos; at = message.find(password, at + 3))
    message.replace(at, password.size(), "***");
  return message;
}

// The first table of the target that holds a row; "" when none does. `existing_only`: tables
// not created yet count as empty (before the target is migrated).
std::string first_table_with_rows(pg::Connection& c, bool existing_only) {
  for (const auto& t : tables()) {
    if (existing_only) {
      auto st = c.prepare("SELECT to_regclass($1::text) IS NOT NULL");
      st.bind(1, t.name);
      st.step();
      if (st.text(0) != "t") continue;
    }
    auto st = c.prepare("SELECT EXISTS (SELECT 1 FROM " + std::string(t.name) + ")");
    st.step();
    if (st.text(0) == "t") return std::string(t.name);
  }
  return "";
}

[[noreturn]] void refuse_non_empty(const std::string& table) {
  throw CopyError("the target database already holds data (table " + table +
                  " has rows); copy only fills an empty database: nothing was changed");
}

int source_version(sqlite::Connection& src, const std::string& path) {
  auto has = src.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  has.step();
  if (has.integer(0) == 0) throw CopyError(path + " holds no planetude database (no schema_migrations table)");
  auto st = src.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  st.step();
  int version = static_cast<int>(st.integer(0));
  int known = sqlite::migrations().back().version;
  if (version < known)
    throw CopyError("the source is at schema version " + std::to_string(version) + ", older than this planetude's (" +
                    std::to_string(known) + "): run `planetude migrate` with DATABASE_URL=sqlite:" + path + " first");
  if (version > known)
    throw CopyError("the source is at schema version " + std::to_string(version) +
                    ", newer than this planetude knows (" + std::to_string(known) +
                    "): copy it with a newer planetude");
  return version;
}

// The largest chat seq SQLite ever gave (AUTOINCREMENT never reuses one, even after a deletion).
std::int64_t last_chat_seq(sqlite::Connection& src) {
  auto st = src.prepare(
      "SELECT MAX(COALESCE((SELECT MAX(seq) FROM chat_messages), 0), "
      "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'chat_messages'), 0))");
  st.step();
  return st.integer(0);
}

void copy_table(const Table& t, sqlite::Connection& src, pg::Connection& dst) {
  const std::size_t width = t.columns.size();
  std::vector<std::optional<std::string>> pending;  // row after row, NULLs kept
  pending.reserve(width * kBatchRows);
  auto flush = [&] {
    if (pending.empty()) return;
    auto write = dst.prepare(insert_sql(t, pending.size() / width));
    for (std::size_t i = 0; i < pending.size(); ++i) write.bind(static_cast<int>(i) + 1, pending[i]);
    write.run();
    pending.clear();
  };
  auto read = src.prepare(select_sql(t));
  while (read.step()) {
    for (std::size_t i = 0; i < width; ++i) {
      int column = static_cast<int>(i);
      if (read.is_null(column)) pending.emplace_back();
      else if (is_integer(t.columns[i].kind)) pending.emplace_back(std::to_string(read.integer(column)));
      else pending.emplace_back(read.text(column));
    }
    if (pending.size() == width * kBatchRows) flush();
  }
  flush();
}

void rollback_quietly(pg::Connection& c) {
  try {
    c.exec("ROLLBACK");
  } catch (...) {
    // A lost connection rolls the transaction back by itself.
  }
}

void fill_target(sqlite::Connection& src, pg::Connection& dst) {
  dst.exec("BEGIN");
  try {
    // Writers (a server started on the target too early) wait until the commit; readers do not.
    dst.exec("SET LOCAL lock_timeout = '30s'");
    std::string names;
    for (const auto& t : tables()) names += (names.empty() ? "" : ", ") + std::string(t.name);
    dst.exec(("LOCK TABLE " + names + " IN EXCLUSIVE MODE").c_str());
    if (auto table = first_table_with_rows(dst, false); !table.empty()) refuse_non_empty(table);

    for (const auto& t : tables()) {
      try {
        copy_table(t, src, dst);
      } catch (const std::exception& e) {
        throw CopyError("copying " + std::string(t.name) + ": " + e.what() + " (nothing was copied)");
      }
    }
    // Past every copied seq, so new messages come after them. Last before the commit: a
    // sequence change is not rolled back.
    if (std::int64_t last = last_chat_seq(src); last > 0)
      dst.prepare("SELECT setval(pg_get_serial_sequence('chat_messages', 'seq'), $1::bigint)").bind(1, last).run();
    dst.exec("COMMIT");
  } catch (...) {
    rollback_quietly(dst);
    throw;
  }
}

CopyResult run_copy(const std::string& source_path, const std::string& conninfo) {
  // The source: read-only, one snapshot from the version check to the final counts.
  std::unique_ptr<sqlite::Connection> src;
  CopyResult result;
  try {
    src = std::make_unique<sqlite::Connection>(source_path, true);
  } catch (const std::exception& e) {
    throw CopyError(e.what());  // names the file already
  }
  try {
    src->exec("BEGIN");
    result.schema_version = source_version(*src, source_path);
  } catch (const CopyError&) {
    throw;
  } catch (const std::exception& e) {
    throw CopyError("the source " + source_path + ": " + e.what());
  }

  // A non-empty target is refused before anything of it changes, migrations included.
  {
    pg::Connection check(conninfo);
    if (auto table = first_table_with_rows(check, true); !table.empty()) refuse_non_empty(table);
  }
  {
    pg::PgDatabase target(conninfo, 1);
    try {
      target.migrate();
    } catch (const std::exception& e) {
      throw CopyError(std::string("migrating the target: ") + e.what());
    }
  }

  pg::Connection dst(conninfo);
  fill_target(*src, dst);

  std::string differences;
  for (const auto& t : tables()) {
    auto in_source = src->prepare(count_sql(t.name));
    in_source.step();
    auto in_target = dst.prepare(count_sql(t.name));
    in_target.step();
    std::int64_t source_rows = in_source.integer(0);
    std::int64_t target_rows = in_target.integer(0);
    if (source_rows != target_rows)
      differences += (differences.empty() ? "" : ", ") + std::string(t.name) + " " + std::to_string(source_rows) +
                     " in the source, " + std::to_string(target_rows) + " in the target";
    result.tables.push_back({std::string(t.name), target_rows});
  }
  src->exec("COMMIT");
  if (!differences.empty()) throw CopyError("the row counts differ after the commit: " + differences);
  return result;
}

}  // namespace

std::optional<std::string> sqlite_path(const std::string& from) {
  if (!from.starts_with("sqlite:")) return std::nullopt;
  std::string path = from.substr(7);
  if (path.starts_with("//")) path = path.substr(2);  // sqlite:///abs/path
  if (path.empty()) return std::nullopt;
  return path;
}

std::string target_problem(const std::string& to) {
  bool url = to.starts_with("postgres://") || to.starts_with("postgresql://");
  bool settings = to.find('=') != std::string::npos && to.find("://") == std::string::npos;
  if (!url && !settings)
    return "--to must be a postgres:// or postgresql:// URL or libpq settings such as "
           "'host=/run/postgresql dbname=planetude'";
  if (auto problem = pg::conninfo_problem(to); !problem.empty()) return "--to: " + problem;
  return "";
}

CopyResult copy_sqlite_to_postgres(const std::string& source_path, const std::string& conninfo) {
  std::string password = password_of(conninfo);
  try {
    return run_copy(source_path, conninfo);
  } catch (const std::exception& e) {
    throw CopyError(redact(e.what(), password));
  }
}

}  // namespace planetude::store::copy
