#include <boost/json.hpp>

#include <algorithm>

#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

void PgTimetableStore::replace(const TimetableImportRecord& timetable,
                               const std::vector<TimetableEventRecord>& events) {
  // Deleting the import deletes its events (ON DELETE CASCADE).
  c_.prepare("DELETE FROM timetable_imports WHERE user_id = $1").bind(1, timetable.user_id).run();
  c_.prepare(
        "INSERT INTO timetable_imports (user_id, name, imported_at, event_count, first_start, last_end) "
        "VALUES ($1, $2, ms_to_ts($3::bigint), $4::integer, ms_to_ts($5::bigint), ms_to_ts($6::bigint))")
      .bind(1, timetable.user_id)
      .bind(2, timetable.name)
      .bind(3, timetable.imported_at)
      .bind(4, timetable.event_count)
      .bind(5, timetable.first_start)
      .bind(6, timetable.last_end)
      .run();
  if (events.empty()) return;
  // Thousands of rows in one round trip: the events travel as one JSON array.
  boost::json::array rows;
  rows.reserve(events.size());
  for (const auto& e : events)
    rows.push_back(boost::json::object{{"id", e.id},
                                       {"title", e.title},
                                       {"location", e.location},
                                       {"debut", e.debut},
                                       {"fin", e.fin},
                                       {"all_day", e.all_day},
                                       {"exam", e.exam}});
  c_.prepare(
        "INSERT INTO timetable_events (id, user_id, title, location, debut, fin, all_day, exam) "
        "SELECT id, $1, title, location, ms_to_ts(debut), ms_to_ts(fin), all_day, exam "
        "FROM jsonb_to_recordset($2::jsonb) AS e(id text, title text, location text, debut bigint, fin bigint, "
        "all_day boolean, exam boolean)")
      .bind(1, timetable.user_id)
      .bind(2, boost::json::serialize(rows))
      .run();
}

bool PgTimetableStore::remove(const std::string& user_id) {
  return c_.prepare("DELETE FROM timetable_imports WHERE user_id = $1").bind(1, user_id).run() > 0;
}

std::optional<TimetableImportRecord> PgTimetableStore::find(const std::string& user_id) {
  auto st = c_.prepare(
      "SELECT user_id, name, ts_to_ms(imported_at), event_count, ts_to_ms(first_start), ts_to_ms(last_end) "
      "FROM timetable_imports WHERE user_id = $1");
  st.bind(1, user_id);
  if (!st.step()) return std::nullopt;
  return rows::read_timetable_import(st);
}

std::vector<TimetableEventRecord> PgTimetableStore::events_between(const std::string& user_id, std::int64_t from_ms,
                                                                   std::int64_t to_ms) {
  auto st = c_.prepare(
      "SELECT id, title, location, ts_to_ms(debut), ts_to_ms(fin), all_day::integer, exam::integer "
      "FROM timetable_events WHERE user_id = $1 AND debut < ms_to_ts($2::bigint) AND fin > ms_to_ts($3::bigint) "
      "ORDER BY debut, fin, id COLLATE \"C\"");
  // timestamptz spans 4713 BC to 294276 AD: wider bounds (a caller asking for "everything") are clamped.
  constexpr std::int64_t kEarliest = -200'000'000'000'000;  // about 4368 BC
  constexpr std::int64_t kLatest = 9'000'000'000'000'000;   // about 287000 AD
  st.bind(1, user_id).bind(2, std::clamp(to_ms, kEarliest, kLatest)).bind(3, std::clamp(from_ms, kEarliest, kLatest));
  std::vector<TimetableEventRecord> out;
  while (st.step()) out.push_back(rows::read_timetable_event(st));
  return out;
}

}  // namespace planetude::store::pg
