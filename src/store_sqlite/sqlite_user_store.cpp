#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

using rows::from_json_list;
using rows::read_user;
using rows::to_json_list;

namespace {

constexpr std::string_view kColumns =
    "id, email, password_hash, name, themes, matieres, timezone, created_at, updated_at, tokens_not_before, "
    "weekly_goal_minutes, data_version";

}  // namespace

std::optional<UserRecord> SqliteUserStore::find_by_id(const std::string& id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM users WHERE id = ?");
  st.bind(1, id);
  return read_user(st);
}

std::optional<UserRecord> SqliteUserStore::find_by_email(const std::string& email) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM users WHERE email = ?");
  st.bind(1, email);
  return read_user(st);
}

void SqliteUserStore::insert(const UserRecord& u) {
  c_.prepare("INSERT INTO users (" + std::string(kColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")
      .bind(1, u.id)
      .bind(2, u.email)
      .bind(3, u.password_hash)
      .bind(4, u.name)
      .bind(5, to_json_list(u.themes))
      .bind(6, to_json_list(u.matieres))
      .bind(7, u.timezone)
      .bind(8, u.created_at)
      .bind(9, u.updated_at)
      .bind(10, u.tokens_not_before)
      .bind(11, u.weekly_goal_minutes)
      .run();
}

void SqliteUserStore::update_profile(const UserRecord& u) {
  c_.prepare(
        "UPDATE users SET name = ?, themes = ?, matieres = ?, weekly_goal_minutes = ?, timezone = ?, updated_at = ?, "
        "data_version = data_version + 1 WHERE id = ?")
      .bind(1, u.name)
      .bind(2, to_json_list(u.themes))
      .bind(3, to_json_list(u.matieres))
      .bind(4, u.weekly_goal_minutes)
      .bind(5, u.timezone)
      .bind(6, u.updated_at)
      .bind(7, u.id)
      .run();
}

void SqliteUserStore::update_password(const std::string& id, const std::string& hash, std::int64_t tokens_not_before,
                                      std::int64_t now_ms) {
  c_.prepare("UPDATE users SET password_hash = ?, tokens_not_before = ?, updated_at = ? WHERE id = ?")
      .bind(1, hash)
      .bind(2, tokens_not_before)
      .bind(3, now_ms)
      .bind(4, id)
      .run();
}

bool SqliteUserStore::remove(const std::string& id) {
  // Foreign keys with ON DELETE CASCADE remove everything that belongs to the user.
  return c_.prepare("DELETE FROM users WHERE id = ?").bind(1, id).run() > 0;
}

}  // namespace planetude::store::sqlite
