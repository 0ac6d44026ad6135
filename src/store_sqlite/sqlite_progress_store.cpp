#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/data_version.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

using rows::read_entry;

namespace {

constexpr std::string_view kColumns =
    "id, user_id, date, sessions_completees, temps_etudie, notes, matiere, planning_id, session_id, created_at";

std::vector<ProgressRecord> read_all(Statement& st) {
  std::vector<ProgressRecord> out;
  while (st.step()) out.push_back(read_entry(st));
  return out;
}

}  // namespace

void SqliteProgressStore::insert(const ProgressRecord& e) {
  auto st = c_.prepare("INSERT INTO progress (" + std::string(kColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, e.id).bind(2, e.user_id).bind(3, e.date);
  st.bind(4, static_cast<std::int64_t>(e.sessions_completees)).bind(5, static_cast<std::int64_t>(e.temps_etudie));
  st.bind(6, e.notes);
  e.matiere ? st.bind(7, *e.matiere) : st.bind_null(7);
  e.planning_id ? st.bind(8, *e.planning_id) : st.bind_null(8);
  e.session_id ? st.bind(9, *e.session_id) : st.bind_null(9);
  st.bind(10, e.created_at);
  st.run();
  bump_data_version(c_, e.user_id);
}

std::optional<ProgressRecord> SqliteProgressStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM progress WHERE id = ? AND user_id = ?");
  st.bind(1, id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_entry(st);
}

std::optional<ProgressRecord> SqliteProgressStore::find_by_session(const std::string& session_id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM progress WHERE session_id = ?");
  st.bind(1, session_id);
  if (!st.step()) return std::nullopt;
  return read_entry(st);
}

bool SqliteProgressStore::remove(const std::string& user_id, const std::string& id) {
  if (c_.prepare("DELETE FROM progress WHERE id = ? AND user_id = ?").bind(1, id).bind(2, user_id).run() == 0)
    return false;
  bump_data_version(c_, user_id);
  return true;
}

std::vector<ProgressRecord> SqliteProgressStore::list(const std::string& user_id, const std::string& from,
                                                      const std::string& to) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) +
                       " FROM progress WHERE user_id = ? AND date >= ? AND date <= ? ORDER BY date, created_at, id");
  st.bind(1, user_id).bind(2, from).bind(3, to);
  return read_all(st);
}

std::vector<ProgressRecord> SqliteProgressStore::list_all(const std::string& user_id) {
  auto st =
      c_.prepare("SELECT " + std::string(kColumns) + " FROM progress WHERE user_id = ? ORDER BY date, created_at, id");
  st.bind(1, user_id);
  return read_all(st);
}

std::vector<std::string> SqliteProgressStore::active_days(const std::string& user_id) {
  auto st = c_.prepare("SELECT DISTINCT date FROM progress WHERE user_id = ? ORDER BY date");
  st.bind(1, user_id);
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void SqliteCalendarFeedStore::put(const std::string& user_id, const std::string& secret_hash, std::int64_t now_ms) {
  c_.prepare(
        "INSERT INTO calendar_feeds (user_id, secret_hash, created_at) VALUES (?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at")
      .bind(1, user_id)
      .bind(2, secret_hash)
      .bind(3, now_ms)
      .run();
}

void SqliteCalendarFeedStore::remove(const std::string& user_id) {
  c_.prepare("DELETE FROM calendar_feeds WHERE user_id = ?").bind(1, user_id).run();
}

std::optional<std::string> SqliteCalendarFeedStore::user_for(const std::string& secret_hash) {
  auto st = c_.prepare("SELECT user_id FROM calendar_feeds WHERE secret_hash = ?");
  st.bind(1, secret_hash);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace planetude::store::sqlite
