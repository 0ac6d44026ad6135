#include "store_pg/connection.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

// issued_at and expires_at are JWT seconds (bigint); revoked_at is an instant (timestamptz), in ms
// in the record. ms_to_ts is strict: a null revoked_at stays null.

void PgTokenStore::record(const TokenRecord& t) {
  c_.prepare(
        "INSERT INTO auth_tokens (jti, user_id, issued_at, expires_at, revoked_at) "
        "VALUES ($1, $2, $3::bigint, $4::bigint, ms_to_ts($5::bigint))")
      .bind(1, std::string_view(t.jti))
      .bind(2, std::string_view(t.user_id))
      .bind(3, t.issued_at)
      .bind(4, t.expires_at)
      .bind(5, t.revoked_at)
      .run();
}

std::optional<TokenRecord> PgTokenStore::find(const std::string& jti) {
  auto st =
      c_.prepare("SELECT jti, user_id, issued_at, expires_at, ts_to_ms(revoked_at) FROM auth_tokens WHERE jti = $1");
  st.bind(1, std::string_view(jti));
  if (!st.step()) return std::nullopt;
  TokenRecord t{st.text(0), st.text(1), st.integer(2), st.integer(3), std::nullopt};
  if (!st.is_null(4)) t.revoked_at = st.integer(4);
  return t;
}

void PgTokenStore::revoke(const TokenRecord& t, std::int64_t now_ms) {
  c_.prepare(
        "INSERT INTO auth_tokens (jti, user_id, issued_at, expires_at, revoked_at) "
        "VALUES ($1, $2, $3::bigint, $4::bigint, ms_to_ts($5::bigint)) "
        "ON CONFLICT (jti) DO UPDATE SET revoked_at = COALESCE(auth_tokens.revoked_at, excluded.revoked_at)")
      .bind(1, std::string_view(t.jti))
      .bind(2, std::string_view(t.user_id))
      .bind(3, t.issued_at)
      .bind(4, t.expires_at)
      .bind(5, now_ms)
      .run();
}

void PgTokenStore::revoke_all_except(const std::string& user_id, const std::string& keep_jti, std::int64_t now_ms) {
  c_.prepare(
        "UPDATE auth_tokens SET revoked_at = ms_to_ts($1::bigint) WHERE user_id = $2 AND jti <> $3 "
        "AND revoked_at IS NULL")
      .bind(1, now_ms)
      .bind(2, std::string_view(user_id))
      .bind(3, std::string_view(keep_jti))
      .run();
}

std::size_t PgTokenStore::purge_expired(std::int64_t now_seconds) {
  return static_cast<std::size_t>(
      c_.prepare("DELETE FROM auth_tokens WHERE expires_at < $1::bigint").bind(1, now_seconds).run());
}

}  // namespace planetude::store::pg
