#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

using rows::from_json_list;
using rows::read_user;
using rows::to_json_list;

namespace {

// Instants are timestamptz, read back as milliseconds; the lists are jsonb, read as their text.
constexpr std::string_view kSelect =
    "SELECT id, email, password_hash, name, themes::text, matieres::text, timezone, ts_to_ms(created_at), "
    "ts_to_ms(updated_at), tokens_not_before, weekly_goal_minutes, data_version FROM users";

}  // namespace

std::optional<UserRecord> PgUserStore::find_by_id(const std::string& id) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE id = $1");
  st.bind(1, std::string_view(id));
  return read_user(st);
}

std::optional<UserRecord> PgUserStore::find_by_email(const std::string& email) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE email = $1");
  st.bind(1, std::string_view(email));
  return read_user(st);
}

void PgUserStore::insert(const UserRecord& u) {
  const std::string themes = to_json_list(u.themes), matieres = to_json_list(u.matieres);
  c_.prepare(
        "INSERT INTO users (id, email, password_hash, name, themes, matieres, timezone, created_at, updated_at, "
        "tokens_not_before, weekly_goal_minutes, data_version) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, "
        "ms_to_ts($8::bigint), ms_to_ts($9::bigint), $10::bigint, $11::integer, 0)")
      .bind(1, std::string_view(u.id))
      .bind(2, std::string_view(u.email))
      .bind(3, std::string_view(u.password_hash))
      .bind(4, std::string_view(u.name))
      .bind(5, std::string_view(themes))
      .bind(6, std::string_view(matieres))
      .bind(7, std::string_view(u.timezone))
      .bind(8, u.created_at)
      .bind(9, u.updated_at)
      .bind(10, u.tokens_not_before)
      .bind(11, u.weekly_goal_minutes)
      .run();
}

void PgUserStore::update_profile(const UserRecord& u) {
  const std::string themes = to_json_list(u.themes), matieres = to_json_list(u.matieres);
  c_.prepare(
        "UPDATE users SET name = $1, themes = $2::jsonb, matieres = $3::jsonb, weekly_goal_minutes = $4::integer, "
        "timezone = $5, updated_at = ms_to_ts($6::bigint), data_version = data_version + 1 WHERE id = $7")
      .bind(1, std::string_view(u.name))
      .bind(2, std::string_view(themes))
      .bind(3, std::string_view(matieres))
      .bind(4, u.weekly_goal_minutes)
      .bind(5, std::string_view(u.timezone))
      .bind(6, u.updated_at)
      .bind(7, std::string_view(u.id))
      .run();
}

void PgUserStore::update_password(const std::string& id, const std::string& hash, std::int64_t tokens_not_before,
                                  std::int64_t now_ms) {
  c_.prepare(
        "UPDATE users SET password_hash = $1, tokens_not_before = $2::bigint, updated_at = ms_to_ts($3::bigint) "
        "WHERE id = $4")
      .bind(1, std::string_view(hash))
      .bind(2, tokens_not_before)
      .bind(3, now_ms)
      .bind(4, std::string_view(id))
      .run();
}

bool PgUserStore::remove(const std::string& id) {
  // Foreign keys with ON DELETE CASCADE remove everything that belongs to the user.
  return c_.prepare("DELETE FROM users WHERE id = $1").bind(1, std::string_view(id)).run() > 0;
}

}  // namespace planetude::store::pg
