#include "store_sqlite/connection.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

std::vector<std::int64_t> SqliteRateLimitStore::events_since(const std::string& bucket, const std::string& key,
                                                             std::int64_t since_ms) {
  auto st = c_.prepare("SELECT at FROM rate_limit_events WHERE bucket = ? AND key = ? AND at >= ? ORDER BY at");
  st.bind(1, bucket).bind(2, key).bind(3, since_ms);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

void SqliteRateLimitStore::add(const std::string& bucket, const std::string& key, std::int64_t at_ms,
                               std::int64_t forget_before_ms) {
  c_.prepare("DELETE FROM rate_limit_events WHERE bucket = ? AND key = ? AND at < ?")
      .bind(1, bucket)
      .bind(2, key)
      .bind(3, forget_before_ms)
      .run();
  c_.prepare("INSERT INTO rate_limit_events (bucket, key, at) VALUES (?, ?, ?)")
      .bind(1, bucket)
      .bind(2, key)
      .bind(3, at_ms)
      .run();
}

std::size_t SqliteRateLimitStore::purge_before(std::int64_t before_ms) {
  return static_cast<std::size_t>(c_.prepare("DELETE FROM rate_limit_events WHERE at < ?").bind(1, before_ms).run());
}

}  // namespace planetude::store::sqlite
