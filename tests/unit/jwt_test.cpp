#include <gtest/gtest.h>

#include "core/base64url.hpp"
#include "services/accounts/jwt.hpp"

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

// ---- Stricter checks --------------------------------------------------------------------------

#include <sodium.h>

#include <string>

namespace {

using planetude::base64url::decode;
using planetude::base64url::encode;

const std::string kSecret = "unit-test-secret-0123456789abcdef";
const TokenClaims kClaims{"65a1b2c3d4e5f60718293a4b", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", 1700000000, 1700604800};

// Base64url without padding, computed here with libsodium directly (not with the code under test).
std::string b64(const std::string& bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.size() - 1);
  return out;
}

std::string hmac(const std::string& key, const std::string& data) {
  crypto_auth_hmacsha256_state st;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

// A token from raw JSON texts, correctly signed with `key` whatever the header says.
std::string forge(const std::string& header_json, const std::string& payload_json, const std::string& key = kSecret) {
  std::string input = b64(header_json) + "." + b64(payload_json);
  return input + "." + b64(hmac(key, input));
}

const std::string kHs256 = R"({"alg":"HS256","typ":"JWT"})";

TokenError error_of(const std::variant<TokenClaims, TokenError>& r) {
  if (std::holds_alternative<TokenClaims>(r)) {
    ADD_FAILURE() << "token unexpectedly accepted";
    return TokenError::malformed;
  }
  return std::get<TokenError>(r);
}

}  // namespace

TEST(Jwt, RoundTripKeepsEveryClaim) {
  JwtCodec codec(kSecret);
  auto r = codec.verify(codec.sign(kClaims), kClaims.iat + 10);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(r));
  const auto& c = std::get<TokenClaims>(r);
  EXPECT_EQ(c.sub, kClaims.sub);
  EXPECT_EQ(c.jti, kClaims.jti);
  EXPECT_EQ(c.iat, kClaims.iat);
  EXPECT_EQ(c.exp, kClaims.exp);
}

TEST(Jwt, KnownTestVector) {
  ASSERT_GE(sodium_init(), 0);
  // Header and payload texts fixed here; HMAC and base64url computed with libsodium directly.
  std::string payload =
      R"({"sub":"65a1b2c3d4e5f60718293a4b","iat":1700000000,"exp":1700604800,"jti":"0f1e2d3c4b5a69788796a5b4c3d2e1f0"})";
  std::string expected = forge(kHs256, payload);
  EXPECT_EQ(JwtCodec(kSecret).sign(kClaims), expected);
  // The same token computed outside this code base (Python's hmac + base64).
  EXPECT_EQ(
      expected,
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiI2NWExYjJjM2Q0ZTVmNjA3MTgyOTNhNGIiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MTcwMDYwNDgwMCwianRpIjoiMGYxZTJk"
      "M2M0YjVhNjk3ODg3OTZhNWI0YzNkMmUxZjAifQ."
      "H_oHoe2KFeRlSeaH3T-S07XrtJwfxnIXFLsM73mgWqc");
}

TEST(Base64Url, Encode) {
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg");
  EXPECT_EQ(encode("fo"), "Zm8");
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("foob"), "Zm9vYg");
  EXPECT_EQ(encode("\xfb\xff\xbf"), "-_-_");  // "+/+/" in standard base64
}

TEST(Base64Url, DecodeAcceptsTheUrlAlphabetWithoutPadding) {
  std::string out;
  ASSERT_TRUE(decode("Zm9vYg", out));
  EXPECT_EQ(out, "foob");
  ASSERT_TRUE(decode("-_-_", out));
  EXPECT_EQ(out, "\xfb\xff\xbf");
  ASSERT_TRUE(decode("", out));
  EXPECT_EQ(out, "");
}

TEST(Base64Url, DecodeRefusesPaddingStandardAlphabetAndJunk) {
  std::string out;
  EXPECT_FALSE(decode("Zg==", out));
  EXPECT_FALSE(decode("Zm8=", out));
  EXPECT_FALSE(decode("+/+/", out));
  EXPECT_FALSE(decode("-_+/", out));
  EXPECT_FALSE(decode("Zm9v YG", out));
  EXPECT_FALSE(decode("Zm9v!", out));
  EXPECT_FALSE(decode("Z", out));   // impossible length
  EXPECT_FALSE(decode("Zh", out));  // non-zero trailing bits: not the canonical encoding of "f"
}

// Found by tests/fuzz/jwt_fuzz: libsodium 1.0.18 decodes any byte from 0x80 up as '_'.
TEST(Base64Url, DecodeRefusesBytesOutsideAscii) {
  std::string out;
  EXPECT_FALSE(decode("\xadw", out));
  EXPECT_FALSE(decode("Zm9v\x80w", out));
  EXPECT_FALSE(decode("\xff\xff\xff\xff", out));
}

TEST(Jwt, AlgNoneIsRefused) {
  JwtCodec codec(kSecret);
  std::string payload = R"({"sub":"u","jti":"j","iat":1000,"exp":2000})";
  std::string unsigned_token = b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(payload) + ".";
  EXPECT_EQ(error_of(codec.verify(unsigned_token, 1500)), TokenError::bad_algorithm);
  // Even with a valid HMAC under the right key.
  EXPECT_EQ(error_of(codec.verify(forge(R"({"alg":"none"})", payload), 1500)), TokenError::bad_algorithm);
  EXPECT_EQ(error_of(codec.verify(forge(R"({"alg":"None"})", payload), 1500)), TokenError::bad_algorithm);
}

TEST(Jwt, OtherAlgorithmsAndMissingAlgAreRefused) {
  JwtCodec codec(kSecret);
  std::string payload = R"({"sub":"u","jti":"j","iat":1000,"exp":2000})";
  for (const char* header : {R"({"alg":"HS512","typ":"JWT"})", R"({"alg":"RS256"})", R"({"alg":"hs256"})",
                             R"({"typ":"JWT"})", R"({"alg":null})", R"({"alg":["HS256"]})", "{}"}) {
    EXPECT_EQ(error_of(codec.verify(forge(header, payload), 1500)), TokenError::bad_algorithm) << header;
  }
}

TEST(Jwt, CritHeaderIsRefused) {
  JwtCodec codec(kSecret);
  std::string payload = R"({"sub":"u","jti":"j","iat":1000,"exp":2000})";
  EXPECT_EQ(error_of(codec.verify(forge(R"({"alg":"HS256","crit":["exp"],"exp":1})", payload), 1500)),
            TokenError::bad_algorithm);
  // Unknown non-critical header members are fine.
  EXPECT_TRUE(std::holds_alternative<TokenClaims>(
      codec.verify(forge(R"({"alg":"HS256","typ":"JWT","kid":"k1"})", payload), 1500)));
}

TEST(Jwt, SignatureOfWrongLengthIsRefused) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign(kClaims);
  auto dot = token.rfind('.');
  std::string input = token.substr(0, dot);
  std::string mac = hmac(kSecret, input);
  EXPECT_EQ(error_of(codec.verify(input + "." + b64(mac.substr(0, 31)), kClaims.iat)), TokenError::bad_signature);
  EXPECT_EQ(error_of(codec.verify(input + "." + b64(mac + "x"), kClaims.iat)), TokenError::bad_signature);
  EXPECT_EQ(error_of(codec.verify(input + ".", kClaims.iat)), TokenError::bad_signature);
  EXPECT_EQ(error_of(codec.verify(input + "." + b64(mac) + "=", kClaims.iat)), TokenError::bad_signature);
}

TEST(Jwt, TamperedPayloadIsRefused) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign(kClaims);
  auto first = token.find('.');
  auto second = token.rfind('.');
  std::string forged_payload =
      R"({"sub":"ffffffffffffffffffffffff","iat":1700000000,"exp":1700604800,"jti":"0f1e2d3c4b5a69788796a5b4c3d2e1f0"})";
  std::string tampered = token.substr(0, first) + "." + b64(forged_payload) + token.substr(second);
  EXPECT_EQ(error_of(codec.verify(tampered, kClaims.iat)), TokenError::bad_signature);

  // One flipped character in the signature.
  std::string flipped = token;
  flipped[second + 1] = flipped[second + 1] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(codec.verify(flipped, kClaims.iat)), TokenError::bad_signature);
}

// Found by tests/fuzz/jwt_fuzz: with a '_' of the signature replaced by a byte from 0x80 up (which
// libsodium 1.0.18 decodes as '_'), the token verified. One token must have one spelling.
TEST(Jwt, SignatureRespelledWithAByteOutsideAsciiIsRefused) {
  JwtCodec codec(kSecret);
  int checked = 0;
  for (int n = 0; n < 20 && checked == 0; ++n) {
    TokenClaims claims = kClaims;
    claims.jti = "jti-" + std::to_string(n);
    std::string token = codec.sign(claims);
    auto at = token.find('_', token.rfind('.'));
    if (at == std::string::npos) continue;
    ASSERT_TRUE(std::holds_alternative<TokenClaims>(codec.verify(token, claims.iat)));
    token[at] = '\xad';
    EXPECT_EQ(error_of(codec.verify(token, claims.iat)), TokenError::bad_signature);
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

TEST(Jwt, MissingOrBadClaimsAreRefused) {
  JwtCodec codec(kSecret);
  for (const char* payload : {
           R"({"jti":"j","iat":1000,"exp":2000})",              // no sub
           R"({"sub":"u","iat":1000,"exp":2000})",              // no jti
           R"({"sub":"u","jti":"j","exp":2000})",               // no iat
           R"({"sub":"u","jti":"j","iat":1000})",               // no exp
           R"({"sub":5,"jti":"j","iat":1000,"exp":2000})",      // sub not a string
           R"({"sub":"u","jti":"","iat":1000,"exp":2000})",     // empty jti
           R"({"sub":"u","jti":"j","iat":"1000","exp":2000})",  // iat as text
           R"({"sub":"u","jti":"j","iat":1000,"exp":null})",    // exp null
       }) {
    EXPECT_EQ(error_of(codec.verify(forge(kHs256, payload), 1500)), TokenError::missing_claims) << payload;
  }
}

TEST(Jwt, FractionalExpIsAccepted) {
  JwtCodec codec(kSecret);
  auto r = codec.verify(forge(kHs256, R"({"sub":"u","jti":"j","iat":1000.25,"exp":2000.5})"), 1500);
  ASSERT_TRUE(std::holds_alternative<TokenClaims>(r));
  EXPECT_EQ(std::get<TokenClaims>(r).exp, 2000);
  EXPECT_EQ(std::get<TokenClaims>(r).iat, 1000);
}

TEST(Jwt, NotBefore) {
  JwtCodec codec(kSecret);
  EXPECT_EQ(error_of(codec.verify(forge(kHs256, R"({"sub":"u","jti":"j","iat":1000,"exp":2000,"nbf":1501})"), 1500)),
            TokenError::not_yet_valid);
  EXPECT_TRUE(std::holds_alternative<TokenClaims>(
      codec.verify(forge(kHs256, R"({"sub":"u","jti":"j","iat":1000,"exp":2000,"nbf":1500})"), 1500)));
  EXPECT_EQ(error_of(codec.verify(forge(kHs256, R"({"sub":"u","jti":"j","iat":1000,"exp":2000,"nbf":"x"})"), 1500)),
            TokenError::not_yet_valid);
}

TEST(Jwt, ExpiryBoundary) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign({"u", "j", 1000, 2000});
  EXPECT_TRUE(std::holds_alternative<TokenClaims>(codec.verify(token, 1999)));
  EXPECT_EQ(error_of(codec.verify(token, 2000)), TokenError::expired);
  EXPECT_EQ(error_of(codec.verify(token, 2001)), TokenError::expired);
}

TEST(Jwt, WrongSegmentCountIsMalformed) {
  JwtCodec codec(kSecret);
  std::string token = codec.sign(kClaims);
  std::string two = token.substr(0, token.rfind('.'));
  EXPECT_EQ(error_of(codec.verify(two, kClaims.iat)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify(token + ".e30", kClaims.iat)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify(token + ".", kClaims.iat)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify("", kClaims.iat)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify("..", kClaims.iat)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify("abc", kClaims.iat)), TokenError::malformed);
}

TEST(Jwt, UndecodableHeaderOrPayloadIsMalformed) {
  JwtCodec codec(kSecret);
  std::string payload = R"({"sub":"u","jti":"j","iat":1000,"exp":2000})";
  EXPECT_EQ(error_of(codec.verify(forge("not json", payload), 1500)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify(forge(R"(["HS256"])", payload), 1500)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify(forge(kHs256, "not json"), 1500)), TokenError::malformed);
  EXPECT_EQ(error_of(codec.verify(forge(kHs256, "[1]"), 1500)), TokenError::malformed);
  // Padding in the header segment.
  std::string token = forge(kHs256, payload);
  EXPECT_EQ(error_of(codec.verify(b64(kHs256) + "=" + token.substr(token.find('.')), 1500)), TokenError::malformed);
  // Oversized token.
  EXPECT_EQ(error_of(codec.verify(std::string(5000, 'a') + token, 1500)), TokenError::malformed);
}
