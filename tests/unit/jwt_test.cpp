#include <gtest/gtest.h>

#include "services/jwt.hpp"

using planetude::JwtCodec;
using planetude::TokenClaims;
using planetude::TokenError;

TEST(Jwt, SignedTokenVerifies) {
  JwtCodec codec("secret-secret-secret-secret-secret!");
  TokenClaims c{"0123456789abcdef01234567", "jti-1", 1000, 2000};
  auto result = codec.verify(codec.sign(c), 1500);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(result));
  EXPECT_EQ(std::get<TokenClaims>(result).sub, c.sub);
  EXPECT_EQ(std::get<TokenClaims>(result).exp, 2000);
}

TEST(Jwt, ExpiredTokenIsRefused) {
  JwtCodec codec("k");
  auto token = codec.sign({"0123456789abcdef01234567", "j", 1000, 2000});
  EXPECT_EQ(std::get<TokenError>(codec.verify(token, 2000)), TokenError::expired);
}

TEST(Jwt, OtherSecretIsRefused) {
  auto token = JwtCodec("a").sign({"0123456789abcdef01234567", "j", 1000, 2000});
  EXPECT_EQ(std::get<TokenError>(JwtCodec("b").verify(token, 1500)), TokenError::bad_signature);
}
