#include "store_sqlite/connection.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

void SqliteTokenStore::record(const TokenRecord& t) {
  c_.prepare("INSERT INTO auth_tokens (jti, user_id, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)")
      .bind(1, t.jti)
      .bind(2, t.user_id)
      .bind(3, t.issued_at)
      .bind(4, t.expires_at)
      .bind(5, t.revoked_at)
      .run();
}

std::optional<TokenRecord> SqliteTokenStore::find(const std::string& jti) {
  auto st = c_.prepare("SELECT jti, user_id, issued_at, expires_at, revoked_at FROM auth_tokens WHERE jti = ?");
  st.bind(1, jti);
  if (!st.step()) return std::nullopt;
  TokenRecord t{st.text(0), st.text(1), st.integer(2), st.integer(3), std::nullopt};
  if (!st.is_null(4)) t.revoked_at = st.integer(4);
  return t;
}

void SqliteTokenStore::revoke(const TokenRecord& t, std::int64_t now_ms) {
  c_.prepare(
        "INSERT INTO auth_tokens (jti, user_id, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (jti) DO UPDATE SET revoked_at = COALESCE(auth_tokens.revoked_at, excluded.revoked_at)")
      .bind(1, t.jti)
      .bind(2, t.user_id)
      .bind(3, t.issued_at)
      .bind(4, t.expires_at)
      .bind(5, now_ms)
      .run();
}

void SqliteTokenStore::revoke_all_except(const std::string& user_id, const std::string& keep_jti, std::int64_t now_ms) {
  c_.prepare("UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND jti <> ? AND revoked_at IS NULL")
      .bind(1, now_ms)
      .bind(2, user_id)
      .bind(3, keep_jti)
      .run();
}

std::size_t SqliteTokenStore::purge_expired(std::int64_t now_seconds) {
  return static_cast<std::size_t>(
      c_.prepare("DELETE FROM auth_tokens WHERE expires_at < ?").bind(1, now_seconds).run());
}

}  // namespace planetude::store::sqlite
