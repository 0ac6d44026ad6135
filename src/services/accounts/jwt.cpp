#include "services/accounts/jwt.hpp"

#include "core/base64url.hpp"

#include <sodium.h>

#include <boost/json.hpp>
#include <cmath>

namespace planetude {

namespace json = boost::json;

namespace {

std::string hmac_sha256(std::string_view key, std::string_view data) {
  crypto_auth_hmacsha256_state state;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

// A NumericDate: an integer or a finite number of seconds (RFC 7519 §2).
bool numeric_date(const json::object& o, std::string_view key, std::int64_t& out) {
  const json::value* v = o.if_contains(key);
  if (!v) return false;
  if (v->is_int64()) out = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() < (1ULL << 62)) out = static_cast<std::int64_t>(v->get_uint64());
  else if (v->is_double() && std::isfinite(v->get_double()) && std::fabs(v->get_double()) < 1e15)
    out = static_cast<std::int64_t>(std::floor(v->get_double()));
  else return false;
  return true;
}

bool parse_object(std::string_view encoded, json::object& out) {
  std::string raw;
  if (!base64url::decode(encoded, raw)) return false;
  boost::system::error_code ec;
  json::value v = json::parse(raw, ec);
  if (ec || !v.is_object()) return false;
  out = std::move(v.get_object());
  return true;
}

}  // namespace

std::string JwtCodec::sign(const TokenClaims& c) const {
  static const std::string header = base64url::encode(R"({"alg":"HS256","typ":"JWT"})");
  json::object payload{{"sub", c.sub}, {"iat", c.iat}, {"exp", c.exp}, {"jti", c.jti}};
  std::string signing_input = header + "." + base64url::encode(json::serialize(payload));
  return signing_input + "." + base64url::encode(hmac_sha256(secret_, signing_input));
}

std::variant<TokenClaims, TokenError> JwtCodec::verify(std::string_view token, std::int64_t now) const {
  if (token.size() > 4096) return TokenError::malformed;
  auto first = token.find('.');
  auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return TokenError::malformed;

  json::object header;
  if (!parse_object(token.substr(0, first), header)) return TokenError::malformed;
  const json::value* alg = header.if_contains("alg");
  // Exactly HS256: never `none`, never another HMAC size, never an asymmetric algorithm.
  if (!alg || !alg->is_string() || alg->get_string() != "HS256") return TokenError::bad_algorithm;
  if (header.contains("crit")) return TokenError::bad_algorithm;  // extensions we do not understand

  std::string signature;
  if (!base64url::decode(token.substr(second + 1), signature) || signature.size() != crypto_auth_hmacsha256_BYTES)
    return TokenError::bad_signature;
  std::string expected = hmac_sha256(secret_, token.substr(0, second));
  if (sodium_memcmp(signature.data(), expected.data(), expected.size()) != 0) return TokenError::bad_signature;

  json::object payload;
  if (!parse_object(token.substr(first + 1, second - first - 1), payload)) return TokenError::malformed;
  TokenClaims claims;
  const json::value* sub = payload.if_contains("sub");
  const json::value* jti = payload.if_contains("jti");
  if (!sub || !sub->is_string() || !jti || !jti->is_string() || jti->get_string().empty() ||
      jti->get_string().size() > 128 || !numeric_date(payload, "iat", claims.iat) ||
      !numeric_date(payload, "exp", claims.exp))
    return TokenError::missing_claims;
  claims.sub = std::string(sub->get_string());
  claims.jti = std::string(jti->get_string());
  std::int64_t nbf = 0;
  if (payload.contains("nbf") && (!numeric_date(payload, "nbf", nbf) || nbf > now)) return TokenError::not_yet_valid;
  if (claims.exp <= now) return TokenError::expired;
  return claims;
}

}  // namespace planetude
