#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/data_version.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

void PgRestDayStore::put(const std::string& user_id, const RestDayRecord& day) {
  c_.prepare(
        "INSERT INTO rest_days (user_id, date, kind, created_at) VALUES ($1, $2::date, $3, ms_to_ts($4::bigint)) "
        "ON CONFLICT (user_id, date) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at")
      .bind(1, user_id)
      .bind(2, day.date)
      .bind(3, day.kind)
      .bind(4, day.created_at)
      .run();
  bump_data_version(c_, user_id);
}

bool PgRestDayStore::remove(const std::string& user_id, const std::string& date) {
  bool removed =
      c_.prepare("DELETE FROM rest_days WHERE user_id = $1 AND date = $2::date").bind(1, user_id).bind(2, date).run() >
      0;
  if (removed) bump_data_version(c_, user_id);
  return removed;
}

std::vector<RestDayRecord> PgRestDayStore::list(const std::string& user_id, const std::string& from,
                                                const std::string& to) {
  auto st = c_.prepare(
      "SELECT to_char(date, 'YYYY-MM-DD'), kind, ts_to_ms(created_at) FROM rest_days "
      "WHERE user_id = $1 AND date >= $2::date AND date <= $3::date ORDER BY date");
  st.bind(1, user_id).bind(2, from).bind(3, to);
  std::vector<RestDayRecord> out;
  while (st.step()) out.push_back(rows::read_rest_day(st));
  return out;
}

}  // namespace planetude::store::pg
