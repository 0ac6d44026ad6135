#include "services/accounts/auth_service.hpp"

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "observability/log.hpp"

namespace planetude {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

RateLimited rate_limited(const RateLimitState& s) {
  return RateLimited("Trop de tentatives. Réessayez dans " + std::to_string(s.reset_seconds) + " secondes.",
                     {s.limit, s.reset_seconds});
}

std::int64_t now_seconds() { return clock::now_ms() / 1000; }

}  // namespace

AuthService::AuthService(AuthSettings settings, std::string jwt_secret, store::AsyncDatabase& db, WorkerPool& cpu_pool)
    : settings_(settings),
      jwt_(std::move(jwt_secret)),
      db_(db),
      cpu_pool_(cpu_pool),
      login_failures_by_email_("login_email", settings.login_max_failures_per_email, 15min),
      login_failures_by_ip_("login_ip", settings.login_max_failures_per_ip, 15min),
      registrations_by_ip_("register_ip", settings.register_max_per_ip, 1h) {}

AuthResult AuthService::issue_token(const store::UserRecord& user, store::Repos& repos) {
  TokenClaims claims{user.id, ids::random_hex(16), now_seconds(), 0};
  claims.exp = claims.iat + settings_.token_ttl_seconds;
  repos.tokens().record({claims.jti, user.id, claims.iat, claims.exp, std::nullopt});
  return AuthResult{user, jwt_.sign(claims), claims.exp * 1000};
}

asio::awaitable<AuthResult> AuthService::register_user(models::RegisterInput input, std::string client_ip) {
  auto limit = co_await db_.read(
      [&](store::Repos& r) { return registrations_by_ip_.check(r.rate_limits(), client_ip, clock::now_ms()); });
  if (!limit.allowed) throw rate_limited(limit);

  std::string hash = co_await cpu_pool_.run([this, &input] { return hasher_.hash(input.password); });

  std::int64_t now = clock::now_ms();
  store::UserRecord user;
  user.id = ids::generate();
  user.email = input.email;
  user.password_hash = std::move(hash);
  user.name = input.name;
  user.themes = input.themes;
  user.matieres = input.matieres;
  user.weekly_goal_minutes = input.weekly_goal_minutes;
  user.timezone = input.timezone;
  user.created_at = now;
  user.updated_at = now;
  std::optional<AuthResult> result;
  try {
    result = co_await db_.write([&](store::Repos& repos) -> std::optional<AuthResult> {
      // Checked again where it is recorded: concurrent registrations, on any instance, stay within it.
      auto limit_now = registrations_by_ip_.check(repos.rate_limits(), client_ip, now);
      if (!limit_now.allowed) throw rate_limited(limit_now);
      if (repos.users().find_by_email(user.email)) return std::nullopt;
      repos.users().insert(user);
      registrations_by_ip_.record(repos.rate_limits(), client_ip, now);
      return issue_token(user, repos);
    });
  } catch (const store::Conflict&) {
    // A concurrent registration took the email between our check and our insert.
  }
  if (!result) throw errors::conflict("email_taken", "Un compte existe déjà avec cette adresse e-mail.");
  log::info("user_registered", {{"user_id", user.id}});
  co_return std::move(*result);
}

asio::awaitable<AuthResult> AuthService::login(models::LoginInput input, std::string client_ip) {
  std::int64_t now = clock::now_ms();
  struct Seen {
    RateLimitState by_email, by_ip;
    std::optional<store::UserRecord> user;
  };
  Seen seen = co_await db_.read([&](store::Repos& r) {
    return Seen{login_failures_by_email_.check(r.rate_limits(), input.email, now),
                login_failures_by_ip_.check(r.rate_limits(), client_ip, now), r.users().find_by_email(input.email)};
  });
  if (!seen.by_email.allowed) throw rate_limited(seen.by_email);
  if (!seen.by_ip.allowed) throw rate_limited(seen.by_ip);
  auto& user = seen.user;
  bool ok = co_await cpu_pool_.run([this, &user, &input] {
    if (!user) {
      hasher_.verify_dummy(input.password);
      return false;
    }
    return hasher_.verify(user->password_hash, input.password);
  });
  if (!ok) {
    co_await db_.write([&](store::Repos& r) {
      std::int64_t failed_at = clock::now_ms();
      login_failures_by_email_.record(r.rate_limits(), input.email, failed_at);
      login_failures_by_ip_.record(r.rate_limits(), client_ip, failed_at);
    });
    throw errors::invalid_credentials();
  }
  co_return co_await db_.write([&](store::Repos& r) { return issue_token(*user, r); });
}

asio::awaitable<AuthContext> AuthService::authenticate(std::string token) {
  auto verified = jwt_.verify(token, now_seconds());
  if (auto* error = std::get_if<TokenError>(&verified)) {
    if (*error == TokenError::expired) throw errors::token_expired();
    throw errors::unauthenticated("Jeton d'authentification invalide.");
  }
  TokenClaims claims = std::get<TokenClaims>(verified);
  if (!ids::is_valid(claims.sub)) throw errors::unauthenticated("Jeton d'authentification invalide.");

  struct Lookup {
    std::optional<store::UserRecord> user;
    std::optional<store::TokenRecord> token;
  };
  Lookup found = co_await db_.read([&](store::Repos& r) {
    return Lookup{r.users().find_by_id(claims.sub), r.tokens().find(claims.jti)};
  });
  if (!found.user) throw errors::unauthenticated("Ce compte n'existe plus.");
  bool revoked = found.token ? (found.token->revoked_at.has_value() || found.token->user_id != claims.sub)
                             : claims.iat <= found.user->tokens_not_before;
  if (revoked) throw errors::unauthenticated("Cette session a été fermée. Reconnectez-vous.");
  co_return AuthContext{std::move(*found.user), std::move(claims)};
}

asio::awaitable<void> AuthService::logout(AuthContext who) {
  co_await db_.write([&](store::Repos& r) {
    r.tokens().revoke({who.claims.jti, who.user.id, who.claims.iat, who.claims.exp, std::nullopt}, clock::now_ms());
  });
}

asio::awaitable<void> AuthService::check_password(store::UserRecord user, std::string password) {
  bool ok = co_await cpu_pool_.run([this, &user, &password] { return hasher_.verify(user.password_hash, password); });
  if (!ok) throw errors::invalid_credentials();
}

asio::awaitable<void> AuthService::change_password(AuthContext who, models::PasswordChangeInput input) {
  co_await check_password(who.user, input.current_password);
  std::string hash = co_await cpu_pool_.run([this, &input] { return hasher_.hash(input.new_password); });
  co_await db_.write([&](store::Repos& r) {
    std::int64_t now = clock::now_ms();
    // Tokens this server issued are revoked one by one; tokens it never recorded (minted
    // elsewhere with the shared secret) are cut off by date. The token of this request stays.
    if (!r.tokens().find(who.claims.jti))
      r.tokens().record({who.claims.jti, who.user.id, who.claims.iat, who.claims.exp, std::nullopt});
    r.tokens().revoke_all_except(who.user.id, who.claims.jti, now);
    r.users().update_password(who.user.id, hash, now / 1000, now);
  });
  log::info("password_changed", {{"user_id", who.user.id}});
}

}  // namespace planetude
