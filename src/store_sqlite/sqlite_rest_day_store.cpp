#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/data_version.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

void SqliteRestDayStore::put(const std::string& user_id, const RestDayRecord& day) {
  c_.prepare(
        "INSERT INTO rest_days (user_id, date, kind, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id, date) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at")
      .bind(1, user_id)
      .bind(2, day.date)
      .bind(3, day.kind)
      .bind(4, day.created_at)
      .run();
  bump_data_version(c_, user_id);
}

bool SqliteRestDayStore::remove(const std::string& user_id, const std::string& date) {
  bool removed =
      c_.prepare("DELETE FROM rest_days WHERE user_id = ? AND date = ?").bind(1, user_id).bind(2, date).run() > 0;
  if (removed) bump_data_version(c_, user_id);
  return removed;
}

std::vector<RestDayRecord> SqliteRestDayStore::list(const std::string& user_id, const std::string& from,
                                                    const std::string& to) {
  auto st = c_.prepare(
      "SELECT date, kind, created_at FROM rest_days WHERE user_id = ? AND date >= ? AND date <= ? ORDER BY date");
  st.bind(1, user_id).bind(2, from).bind(3, to);
  std::vector<RestDayRecord> out;
  while (st.step()) out.push_back(rows::read_rest_day(st));
  return out;
}

}  // namespace planetude::store::sqlite
