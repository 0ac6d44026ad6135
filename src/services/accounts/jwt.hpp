// JSON Web Tokens, HS256 only (RFC 7519 / RFC 7515): a small strict codec on libsodium's
// HMAC-SHA-256 with a constant-time signature check. Any other algorithm, `none` included, is refused.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace planetude {

struct TokenClaims {
  std::string sub;  // user id
  std::string jti;  // token id, for revocation
  std::int64_t iat = 0;
  std::int64_t exp = 0;
};

enum class TokenError { malformed, bad_algorithm, bad_signature, missing_claims, expired, not_yet_valid };

class JwtCodec {
 public:
  explicit JwtCodec(std::string secret) : secret_(std::move(secret)) {}
  std::string sign(const TokenClaims& claims) const;
  // Checks structure, header, signature, then claims against `now` (seconds since the epoch).
  std::variant<TokenClaims, TokenError> verify(std::string_view token, std::int64_t now) const;

 private:
  std::string secret_;
};

}  // namespace planetude
