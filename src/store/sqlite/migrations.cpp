#include "store/sqlite/migrations.hpp"

namespace planetude::store::sqlite {

namespace {

constexpr std::string_view kAccounts = R"sql(
CREATE TABLE users (
  id                TEXT PRIMARY KEY,
  email             TEXT NOT NULL UNIQUE,
  password_hash     TEXT NOT NULL,
  name              TEXT NOT NULL,
  themes            TEXT NOT NULL DEFAULT '[]',
  matieres          TEXT NOT NULL DEFAULT '[]',
  timezone          TEXT NOT NULL DEFAULT 'UTC',
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  tokens_not_before INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE auth_tokens (
  jti        TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX auth_tokens_by_user ON auth_tokens(user_id);
CREATE INDEX auth_tokens_by_expiry ON auth_tokens(expires_at);
)sql";

constexpr Migration kMigrations[] = {
    {1, "accounts", kAccounts},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace planetude::store::sqlite
