#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

void SqliteTimetableStore::replace(const TimetableImportRecord& timetable,
                                   const std::vector<TimetableEventRecord>& events) {
  // Deleting the import deletes its events (ON DELETE CASCADE).
  c_.prepare("DELETE FROM timetable_imports WHERE user_id = ?").bind(1, timetable.user_id).run();
  auto put = c_.prepare(
      "INSERT INTO timetable_imports (user_id, name, imported_at, event_count, first_start, last_end) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  put.bind(1, timetable.user_id)
      .bind(3, timetable.imported_at)
      .bind(4, timetable.event_count)
      .bind(5, timetable.first_start)
      .bind(6, timetable.last_end);
  if (timetable.name) put.bind(2, *timetable.name);
  else put.bind_null(2);
  put.run();
  auto add = c_.prepare(
      "INSERT INTO timetable_events (id, user_id, title, location, debut, fin, all_day, exam) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& e : events) {
    add.bind(1, e.id)
        .bind(2, timetable.user_id)
        .bind(3, e.title)
        .bind(4, e.location)
        .bind(5, e.debut)
        .bind(6, e.fin)
        .bind(7, std::int64_t{e.all_day ? 1 : 0})
        .bind(8, std::int64_t{e.exam ? 1 : 0})
        .run();
    add.reset();
  }
}

bool SqliteTimetableStore::remove(const std::string& user_id) {
  return c_.prepare("DELETE FROM timetable_imports WHERE user_id = ?").bind(1, user_id).run() > 0;
}

std::optional<TimetableImportRecord> SqliteTimetableStore::find(const std::string& user_id) {
  auto st = c_.prepare(
      "SELECT user_id, name, imported_at, event_count, first_start, last_end FROM timetable_imports "
      "WHERE user_id = ?");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return rows::read_timetable_import(st);
}

std::vector<TimetableEventRecord> SqliteTimetableStore::events_between(const std::string& user_id, std::int64_t from_ms,
                                                                       std::int64_t to_ms) {
  auto st = c_.prepare(
      "SELECT id, title, location, debut, fin, all_day, exam FROM timetable_events "
      "WHERE user_id = ? AND debut < ? AND fin > ? ORDER BY debut, fin, id");
  st.bind(1, user_id).bind(2, to_ms).bind(3, from_ms);
  std::vector<TimetableEventRecord> out;
  while (st.step()) out.push_back(rows::read_timetable_event(st));
  return out;
}

}  // namespace planetude::store::sqlite
