// AuthService on a real database: registration (taken email, throttling per IP), login (right and
// wrong passwords, unknown email, throttling per email and per IP), token checks (valid, expired,
// garbage, revoked, user gone), password change and check.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/worker_pool.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/accounts/jwt.hpp"
#include "support/run_async.hpp"
#include "support/service_test.hpp"
#include "support/temp_database.hpp"

namespace {

using namespace planetude;
using planetude::testing::error_of;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;

const std::string kSecret = "unit-test-secret-unit-test-secret-0123456789";
const std::string kPassword = "correct horse battery";

// The error `work` throws, as type E; a failure when it throws nothing or something else.
class AuthServiceTest : public ::testing::Test {
 protected:
  // Small limits so each throttle is reached in a few attempts.
  static AuthSettings settings() {
    AuthSettings s;
    s.token_ttl_seconds = 3600;
    s.login_max_failures_per_email = 2;
    s.login_max_failures_per_ip = 3;
    s.register_max_per_ip = 2;
    return s;
  }

  static models::RegisterInput input(std::string email) {
    return models::RegisterInput{std::move(email), kPassword,      "Léa",       {"Révisions"},
                                 {"Maths"},        "Europe/Paris", std::nullopt};
  }

  AuthResult register_user(std::string email, std::string ip = "10.0.0.1") {
    return run_async(auth.register_user(input(std::move(email)), std::move(ip)));
  }
  AuthResult login(std::string email, std::string password, std::string ip = "10.0.0.1") {
    return run_async(auth.login({std::move(email), std::move(password)}, std::move(ip)));
  }
  AuthContext authenticate(const std::string& token) { return run_async(auth.authenticate(token)); }
  std::string auth_error_message(const std::string& token) {
    return error_of<DomainError>(auth.authenticate(token)).message();
  }

  TempDatabase t;
  WorkerPool cpu{2};
  AuthService auth{settings(), kSecret, t.db(), cpu};
};

TEST_F(AuthServiceTest, RegisterStoresTheUserAndIssuesAWorkingToken) {
  AuthResult r = register_user("lea@example.com");
  EXPECT_TRUE(ids::is_valid(r.user.id));
  EXPECT_EQ(r.user.email, "lea@example.com");
  EXPECT_EQ(r.user.name, "Léa");
  EXPECT_EQ(r.user.timezone, "Europe/Paris");
  EXPECT_EQ(r.user.password_hash.rfind("$argon2id$", 0), 0u);

  auto stored =
      run_async(t.db().read([](store::Repos& repos) { return repos.users().find_by_email("lea@example.com"); }));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, r.user.id);
  EXPECT_EQ(stored->matieres, std::vector<std::string>{"Maths"});

  AuthContext who = authenticate(r.token);
  EXPECT_EQ(who.user.id, r.user.id);
  EXPECT_EQ(who.claims.sub, r.user.id);
  EXPECT_EQ(who.claims.exp - who.claims.iat, 3600);
  EXPECT_EQ(r.expires_at_ms, who.claims.exp * 1000);
}

TEST_F(AuthServiceTest, RegisterWithATakenEmailIsAConflict) {
  AuthResult first = register_user("lea@example.com");
  auto e = error_of<DomainError>(auth.register_user(input("lea@example.com"), "10.0.0.9"));
  EXPECT_EQ(e.kind(), ErrorKind::conflict);
  EXPECT_EQ(e.code(), "email_taken");
  // The first account is untouched.
  auto stored =
      run_async(t.db().read([](store::Repos& repos) { return repos.users().find_by_email("lea@example.com"); }));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, first.user.id);
}

TEST_F(AuthServiceTest, SuccessfulRegistrationsPerIpAreThrottled) {
  register_user("a@example.com", "10.0.0.1");
  // A refused registration does not count.
  EXPECT_EQ(error_of<DomainError>(auth.register_user(input("a@example.com"), "10.0.0.1")).code(), "email_taken");
  register_user("b@example.com", "10.0.0.1");
  auto e = error_of<RateLimited>(auth.register_user(input("c@example.com"), "10.0.0.1"));
  EXPECT_EQ(e.kind(), ErrorKind::rate_limited);
  EXPECT_EQ(e.code(), "rate_limited");
  ASSERT_TRUE(e.retry().has_value());
  EXPECT_EQ(e.retry()->limit, 2);
  // The window is one hour and started with the first registration, moments ago.
  EXPECT_GT(e.retry()->reset_seconds, 3500);
  EXPECT_LE(e.retry()->reset_seconds, 3600);
  auto refused = run_async(t.db().read([](store::Repos& r) { return r.users().find_by_email("c@example.com"); }));
  EXPECT_FALSE(refused.has_value());

  // Another address is not affected.
  AuthResult other = register_user("c@example.com", "10.0.0.2");
  EXPECT_EQ(other.user.email, "c@example.com");
}

TEST_F(AuthServiceTest, LoginWithTheRightPasswordIssuesAnotherToken) {
  AuthResult registered = register_user("lea@example.com");
  AuthResult logged = login("lea@example.com", kPassword);
  EXPECT_EQ(logged.user.id, registered.user.id);
  EXPECT_NE(logged.token, registered.token);
  AuthContext a = authenticate(registered.token);
  AuthContext b = authenticate(logged.token);
  EXPECT_EQ(b.user.id, registered.user.id);
  EXPECT_NE(a.claims.jti, b.claims.jti);
}

TEST_F(AuthServiceTest, WrongPasswordAndUnknownEmailAreTheSameInvalidCredentials) {
  register_user("lea@example.com");
  auto wrong = error_of<DomainError>(auth.login({"lea@example.com", "not the password"}, "10.0.0.1"));
  auto unknown = error_of<DomainError>(auth.login({"nobody@example.com", kPassword}, "10.0.0.1"));
  EXPECT_EQ(wrong.kind(), ErrorKind::unauthenticated);
  EXPECT_EQ(wrong.code(), "invalid_credentials");
  EXPECT_EQ(unknown.code(), "invalid_credentials");
  EXPECT_EQ(wrong.message(), unknown.message());
}

TEST_F(AuthServiceTest, LoginFailuresPerEmailAreThrottledFromEveryAddress) {
  register_user("lea@example.com");
  EXPECT_EQ(error_of<DomainError>(auth.login({"lea@example.com", "wrong-1"}, "10.0.0.1")).code(),
            "invalid_credentials");
  EXPECT_EQ(error_of<DomainError>(auth.login({"lea@example.com", "wrong-2"}, "10.0.0.2")).code(),
            "invalid_credentials");
  // Two failures for this email: even the right password, from a third address, is refused.
  auto e = error_of<RateLimited>(auth.login({"lea@example.com", kPassword}, "10.0.0.3"));
  ASSERT_TRUE(e.retry().has_value());
  EXPECT_EQ(e.retry()->limit, 2);
  EXPECT_GT(e.retry()->reset_seconds, 800);  // a 15-minute window
  EXPECT_LE(e.retry()->reset_seconds, 900);
  // Another email from the same addresses is still checked normally.
  EXPECT_EQ(error_of<DomainError>(auth.login({"other@example.com", "x"}, "10.0.0.3")).code(), "invalid_credentials");
}

TEST_F(AuthServiceTest, LoginFailuresPerIpAreThrottledForEveryEmail) {
  register_user("lea@example.com");
  for (const char* email : {"x1@example.com", "x2@example.com", "x3@example.com"})
    EXPECT_EQ(error_of<DomainError>(auth.login({email, "whatever"}, "192.0.2.7")).code(), "invalid_credentials");
  auto e = error_of<RateLimited>(auth.login({"lea@example.com", kPassword}, "192.0.2.7"));
  ASSERT_TRUE(e.retry().has_value());
  EXPECT_EQ(e.retry()->limit, 3);
  // The same account from another address logs in.
  AuthResult ok = login("lea@example.com", kPassword, "192.0.2.8");
  EXPECT_EQ(ok.user.email, "lea@example.com");
}

TEST_F(AuthServiceTest, GarbageAndForeignTokensAreRefused) {
  AuthResult r = register_user("lea@example.com");
  for (const std::string& token : {std::string(), std::string("garbage"), std::string("a.b.c")}) {
    auto e = error_of<DomainError>(auth.authenticate(token));
    EXPECT_EQ(e.kind(), ErrorKind::unauthenticated) << token;
    EXPECT_EQ(e.code(), "unauthenticated") << token;
  }
  // Well-formed, but signed with another secret.
  std::int64_t now = clock::now_ms() / 1000;
  std::string foreign =
      JwtCodec("another-secret-another-secret-0123456789").sign({r.user.id, ids::random_hex(16), now, now + 600});
  EXPECT_EQ(error_of<DomainError>(auth.authenticate(foreign)).code(), "unauthenticated");
  // A signature that does not match its content (a character well inside the signature, whose
  // bits all count, unlike the last one's).
  std::string tampered = r.token;
  char& c = tampered[tampered.size() - 10];
  c = c == 'A' ? 'g' : 'A';
  EXPECT_EQ(error_of<DomainError>(auth.authenticate(tampered)).code(), "unauthenticated");
}

TEST_F(AuthServiceTest, AnExpiredTokenIsRefusedAsExpired) {
  AuthResult r = register_user("lea@example.com");
  std::int64_t now = clock::now_ms() / 1000;
  std::string expired = JwtCodec(kSecret).sign({r.user.id, ids::random_hex(16), now - 7200, now - 3600});
  auto e = error_of<DomainError>(auth.authenticate(expired));
  EXPECT_EQ(e.kind(), ErrorKind::unauthenticated);
  EXPECT_EQ(e.code(), "token_expired");
}

TEST_F(AuthServiceTest, LogoutRevokesThatTokenOnly) {
  register_user("lea@example.com");
  AuthResult one = login("lea@example.com", kPassword);
  AuthResult two = login("lea@example.com", kPassword);
  run_async(auth.logout(authenticate(one.token)));
  EXPECT_EQ(auth_error_message(one.token), "Cette session a été fermée. Reconnectez-vous.");
  EXPECT_EQ(authenticate(two.token).user.id, two.user.id);
}

TEST_F(AuthServiceTest, TheTokenOfADeletedUserIsRefused) {
  AuthResult r = register_user("lea@example.com");
  ASSERT_EQ(authenticate(r.token).user.id, r.user.id);
  run_async(t.db().write([&](store::Repos& repos) { return repos.users().remove(r.user.id); }));
  auto e = error_of<DomainError>(auth.authenticate(r.token));
  EXPECT_EQ(e.code(), "unauthenticated");
  EXPECT_EQ(e.message(), "Ce compte n'existe plus.");
}

TEST_F(AuthServiceTest, ChangePasswordRevokesTheOtherTokensButKeepsTheCurrentOne) {
  AuthResult current = register_user("lea@example.com");
  AuthResult other = login("lea@example.com", kPassword);
  // A token this server never recorded (minted elsewhere with the shared secret), issued earlier.
  std::int64_t now = clock::now_ms() / 1000;
  std::string unrecorded = JwtCodec(kSecret).sign({current.user.id, ids::random_hex(16), now - 10, now + 600});
  ASSERT_EQ(authenticate(unrecorded).user.id, current.user.id);

  run_async(auth.change_password(authenticate(current.token), {kPassword, "a brand new passphrase"}));

  EXPECT_EQ(authenticate(current.token).user.id, current.user.id);
  EXPECT_EQ(auth_error_message(other.token), "Cette session a été fermée. Reconnectez-vous.");
  EXPECT_EQ(auth_error_message(unrecorded), "Cette session a été fermée. Reconnectez-vous.");
  EXPECT_EQ(error_of<DomainError>(auth.login({"lea@example.com", kPassword}, "10.0.0.5")).code(),
            "invalid_credentials");
  AuthResult fresh = login("lea@example.com", "a brand new passphrase", "10.0.0.6");
  EXPECT_EQ(authenticate(fresh.token).user.id, current.user.id);
}

TEST_F(AuthServiceTest, ChangePasswordWithAWrongCurrentPasswordChangesNothing) {
  AuthResult current = register_user("lea@example.com");
  AuthResult other = login("lea@example.com", kPassword);
  auto e =
      error_of<DomainError>(auth.change_password(authenticate(current.token), {"not it", "a brand new passphrase"}));
  EXPECT_EQ(e.code(), "invalid_credentials");
  EXPECT_EQ(authenticate(other.token).user.id, current.user.id);
  EXPECT_EQ(login("lea@example.com", kPassword).user.id, current.user.id);
}

TEST_F(AuthServiceTest, CheckPasswordAcceptsOnlyTheUsersPassword) {
  AuthResult r = register_user("lea@example.com");
  EXPECT_NO_THROW(run_async(auth.check_password(r.user, kPassword)));
  auto e = error_of<DomainError>(auth.check_password(r.user, "correct horse battery "));
  EXPECT_EQ(e.kind(), ErrorKind::unauthenticated);
  EXPECT_EQ(e.code(), "invalid_credentials");
}

}  // namespace
