#include "store_pg/connection.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

std::vector<std::int64_t> PgRateLimitStore::events_since(const std::string& bucket, const std::string& key,
                                                         std::int64_t since_ms) {
  auto st = c_.prepare(
      "SELECT ts_to_ms(at) FROM rate_limit_events WHERE bucket = $1 AND key = $2 AND at >= ms_to_ts($3::bigint) "
      "ORDER BY at");
  st.bind(1, bucket).bind(2, key).bind(3, since_ms);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

void PgRateLimitStore::add(const std::string& bucket, const std::string& key, std::int64_t at_ms,
                           std::int64_t forget_before_ms) {
  c_.prepare("DELETE FROM rate_limit_events WHERE bucket = $1 AND key = $2 AND at < ms_to_ts($3::bigint)")
      .bind(1, bucket)
      .bind(2, key)
      .bind(3, forget_before_ms)
      .run();
  c_.prepare("INSERT INTO rate_limit_events (bucket, key, at) VALUES ($1, $2, ms_to_ts($3::bigint))")
      .bind(1, bucket)
      .bind(2, key)
      .bind(3, at_ms)
      .run();
}

std::size_t PgRateLimitStore::purge_before(std::int64_t before_ms) {
  return static_cast<std::size_t>(
      c_.prepare("DELETE FROM rate_limit_events WHERE at < ms_to_ts($1::bigint)").bind(1, before_ms).run());
}

}  // namespace planetude::store::pg
