#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/data_version.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

using rows::read_entry;

namespace {

// date is a PostgreSQL date: bound as $n::date, read back as YYYY-MM-DD.
constexpr std::string_view kSelect =
    "SELECT id, user_id, to_char(date, 'YYYY-MM-DD'), sessions_completees, temps_etudie, notes, matiere, planning_id, "
    "session_id, ts_to_ms(created_at) FROM progress";

std::vector<ProgressRecord> read_all(Statement& st) {
  std::vector<ProgressRecord> out;
  while (st.step()) out.push_back(read_entry(st));
  return out;
}

}  // namespace

void PgProgressStore::insert(const ProgressRecord& e) {
  c_.prepare(
        "INSERT INTO progress (id, user_id, date, sessions_completees, temps_etudie, notes, matiere, planning_id, "
        "session_id, created_at) VALUES ($1, $2, $3::date, $4::integer, $5::integer, $6, $7, $8, $9, "
        "ms_to_ts($10::bigint))")
      .bind(1, std::string_view(e.id))
      .bind(2, std::string_view(e.user_id))
      .bind(3, std::string_view(e.date))
      .bind(4, static_cast<std::int64_t>(e.sessions_completees))
      .bind(5, static_cast<std::int64_t>(e.temps_etudie))
      .bind(6, std::string_view(e.notes))
      .bind(7, e.matiere)
      .bind(8, e.planning_id)
      .bind(9, e.session_id)
      .bind(10, e.created_at)
      .run();
  bump_data_version(c_, e.user_id);
}

std::optional<ProgressRecord> PgProgressStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE id = $1 AND user_id = $2");
  st.bind(1, std::string_view(id)).bind(2, std::string_view(user_id));
  if (!st.step()) return std::nullopt;
  return read_entry(st);
}

std::optional<ProgressRecord> PgProgressStore::find_by_session(const std::string& session_id) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE session_id = $1");
  st.bind(1, std::string_view(session_id));
  if (!st.step()) return std::nullopt;
  return read_entry(st);
}

bool PgProgressStore::remove(const std::string& user_id, const std::string& id) {
  if (c_.prepare("DELETE FROM progress WHERE id = $1 AND user_id = $2")
          .bind(1, std::string_view(id))
          .bind(2, std::string_view(user_id))
          .run() == 0)
    return false;
  bump_data_version(c_, user_id);
  return true;
}

std::vector<ProgressRecord> PgProgressStore::list(const std::string& user_id, const std::string& from,
                                                  const std::string& to) {
  // Ties on the day and the creation time go by id in byte order, as in SQLite.
  auto st = c_.prepare(std::string(kSelect) +
                       " WHERE user_id = $1 AND date >= $2::date AND date <= $3::date"
                       " ORDER BY date, created_at, id COLLATE \"C\"");
  st.bind(1, std::string_view(user_id)).bind(2, std::string_view(from)).bind(3, std::string_view(to));
  return read_all(st);
}

std::vector<ProgressRecord> PgProgressStore::list_all(const std::string& user_id) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE user_id = $1 ORDER BY date, created_at, id COLLATE \"C\"");
  st.bind(1, std::string_view(user_id));
  return read_all(st);
}

std::vector<std::string> PgProgressStore::active_days(const std::string& user_id) {
  // GROUP BY rather than DISTINCT: the day is sorted as a date, shown as text.
  auto st =
      c_.prepare("SELECT to_char(date, 'YYYY-MM-DD') FROM progress WHERE user_id = $1 GROUP BY date ORDER BY date");
  st.bind(1, std::string_view(user_id));
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void PgCalendarFeedStore::put(const std::string& user_id, const std::string& secret_hash, std::int64_t now_ms) {
  c_.prepare(
        "INSERT INTO calendar_feeds (user_id, secret_hash, created_at) VALUES ($1, $2, ms_to_ts($3::bigint)) "
        "ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at")
      .bind(1, std::string_view(user_id))
      .bind(2, std::string_view(secret_hash))
      .bind(3, now_ms)
      .run();
}

void PgCalendarFeedStore::remove(const std::string& user_id) {
  c_.prepare("DELETE FROM calendar_feeds WHERE user_id = $1").bind(1, std::string_view(user_id)).run();
}

std::optional<std::string> PgCalendarFeedStore::user_for(const std::string& secret_hash) {
  auto st = c_.prepare("SELECT user_id FROM calendar_feeds WHERE secret_hash = $1");
  st.bind(1, std::string_view(secret_hash));
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace planetude::store::pg
