// What the store keeps: plain records, no HTTP, no SQL.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace planetude::store {

struct UserRecord {
  std::string id;
  std::string email;          // trimmed, lower-cased
  std::string password_hash;  // Argon2id, libsodium's encoded string
  std::string name;
  std::vector<std::string> themes;
  std::vector<std::string> matieres;
  std::string timezone = "UTC";
  std::int64_t created_at = 0;  // ms since the epoch
  std::int64_t updated_at = 0;
  // Tokens this server did not record (minted elsewhere with the shared secret) are refused when
  // issued at or before this second: set by a password change.
  std::int64_t tokens_not_before = 0;
};

// A token this server issued, or one it was asked to revoke.
struct TokenRecord {
  std::string jti;
  std::string user_id;
  std::int64_t issued_at = 0;   // seconds (JWT iat)
  std::int64_t expires_at = 0;  // seconds (JWT exp)
  std::optional<std::int64_t> revoked_at;  // ms
};

}  // namespace planetude::store
