// Accounts and sessions: registration, login (with throttling), token checks, logout and password
// change. Hashing runs on the CPU pool and database work on the database pool.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <string>

#include "models/user.hpp"
#include "services/accounts/jwt.hpp"
#include "services/accounts/password_hasher.hpp"
#include "services/accounts/rate_limiter.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

struct AuthSettings {
  std::int64_t token_ttl_seconds = std::int64_t{7} * 24 * 3600;
  int login_max_failures_per_email = 10;
  int login_max_failures_per_ip = 100;
  int register_max_per_ip = 20;
};

struct AuthResult {
  store::UserRecord user;
  std::string token;
  std::int64_t expires_at_ms = 0;
};

// Who made an authenticated request, and with which token.
struct AuthContext {
  store::UserRecord user;
  TokenClaims claims;
};

class AuthService {
 public:
  AuthService(AuthSettings settings, std::string jwt_secret, store::AsyncDatabase& db, WorkerPool& cpu_pool);

  boost::asio::awaitable<AuthResult> register_user(models::RegisterInput input, std::string client_ip);
  boost::asio::awaitable<AuthResult> login(models::LoginInput input, std::string client_ip);
  // Throws 401 unauthenticated (or token_expired) unless the token is valid, not revoked, and
  // its user still exists.
  boost::asio::awaitable<AuthContext> authenticate(std::string token);
  boost::asio::awaitable<void> logout(AuthContext who);
  boost::asio::awaitable<void> change_password(AuthContext who, models::PasswordChangeInput input);
  // Throws 401 invalid_credentials when `password` is not the user's password.
  boost::asio::awaitable<void> check_password(store::UserRecord user, std::string password);

 private:
  AuthResult issue_token(const store::UserRecord& user, store::Repos& repos);

  AuthSettings settings_;
  JwtCodec jwt_;
  PasswordHasher hasher_;
  store::AsyncDatabase& db_;
  WorkerPool& cpu_pool_;
  SlidingWindowLimiter login_failures_by_email_;
  SlidingWindowLimiter login_failures_by_ip_;
  SlidingWindowLimiter registrations_by_ip_;
};

}  // namespace planetude
