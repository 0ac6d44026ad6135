// JWT verification (services/accounts/jwt), HS256 with a fixed key. The last byte picks one of two
// checks:
// - any token: verify never accepts a token that is not signed by the key. An accepted token has
//   three base64url parts, a header saying HS256, a signature equal to the HMAC-SHA-256 of its
//   first two parts under the key (recomputed here with libsodium), and is not yet expired;
// - a token the codec signs from claims taken from the input: it verifies back to the same claims
//   (or to expired / missing_claims when they say so), fails under another key, and fails when
//   any one of its characters is changed.
#include <fuzzer/FuzzedDataProvider.h>
#include <sodium.h>

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/base64url.hpp"
#include "services/accounts/jwt.hpp"
#include "support/fuzz_support.hpp"

namespace base64url = planetude::base64url;
using planetude::JwtCodec;
using planetude::TokenClaims;
using planetude::TokenError;
using planetude::fuzz::require;

namespace {

// The key of the seed tokens in corpus/jwt/ (tests/fuzz/README.md shows how they were made).
const std::string kKey = "fuzzing-key-fuzzing-key-fuzzing-key!";

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return {reinterpret_cast<const char*>(mac), sizeof mac};
}

void check_any_token(std::string_view token, std::int64_t now) {
  auto result = JwtCodec(kKey).verify(token, now);
  const auto* claims = std::get_if<TokenClaims>(&result);
  if (!claims) return;
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  require(first != std::string_view::npos && second != std::string_view::npos &&
              token.find('.', second + 1) == std::string_view::npos,
          "an accepted token has three parts");
  std::string header, signature;
  require(base64url::decode(token.substr(0, first), header), "an accepted header is base64url");
  boost::system::error_code ec;
  boost::json::value h = boost::json::parse(header, ec);
  const boost::json::value* alg = !ec && h.is_object() ? h.as_object().if_contains("alg") : nullptr;
  require(alg && alg->is_string() && alg->get_string() == "HS256", "an accepted header says HS256");
  require(base64url::decode(token.substr(second + 1), signature), "an accepted signature is base64url");
  require(signature == hmac(kKey, token.substr(0, second)), "an accepted token is signed by the key");
  require(claims->exp > now, "an accepted token has not expired");
}

void check_signed_token(FuzzedDataProvider& in) {
  TokenClaims claims;
  claims.iat = in.ConsumeIntegral<std::int64_t>();
  claims.exp = in.ConsumeIntegral<std::int64_t>();
  const auto now = in.ConsumeIntegral<std::int64_t>();
  const auto position = in.ConsumeIntegral<std::size_t>();
  const auto replacement = in.ConsumeIntegral<char>();
  claims.sub = in.ConsumeRandomLengthString(64);
  claims.jti = in.ConsumeRandomLengthString(160);
  // A claim that is not UTF-8 cannot travel in JSON: the token is then unreadable, by design.
  if (!planetude::fuzz::is_valid_utf8(claims.sub) || !planetude::fuzz::is_valid_utf8(claims.jti)) return;

  const std::string token = JwtCodec(kKey).sign(claims);
  auto result = JwtCodec(kKey).verify(token, now);
  if (claims.jti.empty() || claims.jti.size() > 128) {
    require(std::get_if<TokenError>(&result) && std::get<TokenError>(result) == TokenError::missing_claims,
            "a token without a usable jti is missing_claims");
  } else if (claims.exp <= now) {
    require(std::get_if<TokenError>(&result) && std::get<TokenError>(result) == TokenError::expired,
            "a token past its exp is expired");
  } else {
    const auto* back = std::get_if<TokenClaims>(&result);
    require(back && back->sub == claims.sub && back->jti == claims.jti && back->iat == claims.iat &&
                back->exp == claims.exp,
            "a signed token verifies back to its claims");
  }

  auto other = JwtCodec(kKey + "?").verify(token, now);
  require(std::get_if<TokenError>(&other) && std::get<TokenError>(other) == TokenError::bad_signature,
          "a token signed by another key has a bad signature");

  std::string changed = token;
  char& c = changed[position % changed.size()];
  c = replacement == c ? static_cast<char>(c ^ 1) : replacement;
  require(std::holds_alternative<TokenError>(JwtCodec(kKey).verify(changed, now)),
          "a token changed in any one character is refused");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    check_signed_token(in);
  } else {
    const auto now = in.ConsumeIntegral<std::int64_t>();
    check_any_token(in.ConsumeRemainingBytesAsString(), now);
  }
  return 0;
}
