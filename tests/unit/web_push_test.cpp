// Web Push: RFC 8291's example to the byte, a round trip decrypted here with OpenSSL (independently
// of notify/web_push.cpp), VAPID tokens decoded and verified, key checks, the size limit, the push
// request and the sorting of answers, and the sender against tests/fakes/fake_push.py.
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/base64url.hpp"
#include "http_client/client.hpp"
#include "notify/push_sender.hpp"
#include "notify/web_push.hpp"
#include "support/run_async.hpp"

namespace b64 = planetude::base64url;
using namespace planetude::notify;
using planetude::testing::run_async;

namespace {

// ---- RFC 8291 §5 and Appendix A ------------------------------------------------------------------------

constexpr const char* kRfcPlaintext = "When I grow up, I want to be a watermelon";
constexpr const char* kRfcUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr const char* kRfcUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr const char* kRfcAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr const char* kRfcAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr const char* kRfcAuth = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr const char* kRfcSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr const char* kRfcHeader =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_"
    "c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr const char* kRfcBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml"
    "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT"
    "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

std::string unb64(std::string_view text) {
  std::string out;
  if (!b64::decode(text, out)) throw std::runtime_error("not base64url: " + std::string(text));
  return out;
}

const unsigned char* u8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// ---- An independent user agent, with OpenSSL ---------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// A P-256 EVP_PKEY from the raw point, and the scalar when given.
Pkey p256_key(const std::string& point, const std::string& scalar = "") {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* d = scalar.empty() ? nullptr : BN_bin2bn(u8(scalar), static_cast<int>(scalar.size()), nullptr);
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  if (d) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  bool ok = EVP_PKEY_fromdata_init(ctx) == 1 &&
            EVP_PKEY_fromdata(ctx, &key, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  BN_free(d);
  OSSL_PARAM_BLD_free(bld);
  if (!ok) throw std::runtime_error("cannot build the key");
  return Pkey(key);
}

std::string hmac256(const std::string& key, const std::string& data) {
  unsigned char out[32];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), u8(data), data.size(), out, &n);
  return std::string(reinterpret_cast<char*>(out), n);
}

std::string hkdf1(const std::string& salt, const std::string& ikm, const std::string& info, std::size_t n) {
  return hmac256(hmac256(salt, ikm), info + '\x01').substr(0, n);
}

// Decrypts an aes128gcm push body as a browser does (RFC 8291 §3.4, RFC 8188 §2); throws when it
// does not decrypt. Returns the plaintext without its padding delimiter.
std::string ua_decrypt(const std::string& body, const std::string& ua_private, const std::string& ua_public,
                       const std::string& auth) {
  if (body.size() < 86 + 17) throw std::runtime_error("too short");
  std::string salt = body.substr(0, 16);
  std::string as_public = body.substr(21, 65);
  std::string record = body.substr(86);
  Pkey own = p256_key(ua_public, ua_private);
  Pkey peer = p256_key(as_public);
  EVP_PKEY_CTX* dctx = EVP_PKEY_CTX_new(own.get(), nullptr);
  std::size_t n = 32;
  std::string secret(32, '\0');
  EVP_PKEY_derive_init(dctx);
  EVP_PKEY_derive_set_peer(dctx, peer.get());
  EVP_PKEY_derive(dctx, reinterpret_cast<unsigned char*>(secret.data()), &n);
  EVP_PKEY_CTX_free(dctx);
  std::string ikm = hkdf1(auth, secret, std::string("WebPush: info\0", 14) + ua_public + as_public, 32);
  std::string cek = hkdf1(salt, ikm, std::string("Content-Encoding: aes128gcm\0", 28), 16);
  std::string nonce = hkdf1(salt, ikm, std::string("Content-Encoding: nonce\0", 24), 12);

  std::string ciphertext = record.substr(0, record.size() - 16);
  std::string tag = record.substr(record.size() - 16);
  std::string out(ciphertext.size(), '\0');
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), nullptr, u8(cek), u8(nonce));
  EVP_DecryptUpdate(c, reinterpret_cast<unsigned char*>(out.data()), &len, u8(ciphertext),
                    static_cast<int>(ciphertext.size()));
  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
  bool ok = EVP_DecryptFinal_ex(c, reinterpret_cast<unsigned char*>(out.data()) + len, &fin) == 1;
  EVP_CIPHER_CTX_free(c);
  if (!ok) throw std::runtime_error("authentication tag mismatch");
  if (out.empty() || out.back() != '\x02') throw std::runtime_error("no padding delimiter");
  out.pop_back();
  return out;
}

// A subscription as a browser makes one: its private key kept for decrypting.
struct Browser {
  VapidKeys pair = generate_vapid_keys();  // a P-256 key pair in the same encoding
  std::string auth = [] {
    std::string a(16, '\0');
    RAND_bytes(reinterpret_cast<unsigned char*>(a.data()), 16);
    return a;
  }();
  SubscriptionKeys keys() const { return {pair.public_key, b64::encode(auth)}; }
  std::string decrypt(const std::string& body) const {
    return ua_decrypt(body, unb64(pair.private_key), unb64(pair.public_key), auth);
  }
};

// ---- JWT ------------------------------------------------------------------------------------------------

struct Vapid {
  std::string header_b64, claims_b64, signature;
  boost::json::object header, claims;
  std::string k;
};

Vapid parse_authorization(const std::string& value) {
  // "vapid t=<JWT>, k=<key>"
  const std::string prefix = "vapid t=";
  EXPECT_EQ(value.rfind(prefix, 0), 0u) << value;
  auto comma = value.find(", k=");
  EXPECT_NE(comma, std::string::npos) << value;
  std::string token = value.substr(prefix.size(), comma - prefix.size());
  Vapid v;
  v.k = value.substr(comma + 4);
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  v.header_b64 = token.substr(0, dot1);
  v.claims_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  v.signature = unb64(token.substr(dot2 + 1));
  v.header = boost::json::parse(unb64(v.header_b64)).as_object();
  v.claims = boost::json::parse(unb64(v.claims_b64)).as_object();
  return v;
}

// ES256 with OpenSSL: the JOSE r || s turned into DER, verified against the raw public point.
bool verify_es256(const std::string& signing_input, const std::string& jose_sig, const std::string& point) {
  if (jose_sig.size() != 64) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(u8(jose_sig), 32, nullptr), BN_bin2bn(u8(jose_sig) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  Pkey key = p256_key(point);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_DigestVerify(md, der, static_cast<std::size_t>(der_len), u8(signing_input), signing_input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  return ok;
}

}  // namespace

// ---- Encryption ---------------------------------------------------------------------------------------

TEST(WebPushEncryption, ReproducesRfc8291AppendixAByteForByte) {
  std::string body = encrypt_push_payload(kRfcPlaintext, SubscriptionKeys{kRfcUaPublic, kRfcAuth}, unb64(kRfcAsPrivate),
                                          unb64(kRfcSalt));
  EXPECT_EQ(body, unb64(kRfcBody));
  EXPECT_EQ(b64::encode(body), kRfcBody);
  EXPECT_EQ(b64::encode(body.substr(0, 86)), kRfcHeader);
  // The test's own user agent agrees with the RFC (so the round trip below means something).
  EXPECT_EQ(ua_decrypt(unb64(kRfcBody), unb64(kRfcUaPrivate), unb64(kRfcUaPublic), unb64(kRfcAuth)), kRfcPlaintext);
}

TEST(WebPushEncryption, RoundTripWithAFreshSubscription) {
  Browser browser;
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{200}, kMaxPushPlaintext}) {
    std::string plaintext(size, 'x');
    if (size > 0) plaintext.front() = '{';
    std::string body = encrypt_push_payload(plaintext, browser.keys());
    ASSERT_EQ(body.size(), 86 + size + 1 + 16) << size;
    EXPECT_EQ(body.substr(16, 4), std::string("\x00\x00\x10\x00", 4));  // rs = 4096
    EXPECT_EQ(static_cast<unsigned char>(body[20]), 65);                // idlen
    EXPECT_EQ(body[21], '\x04');                                        // keyid: an uncompressed point
    EXPECT_TRUE(valid_subscription_keys({b64::encode(body.substr(21, 65)), b64::encode(std::string(16, 'a'))}));
    EXPECT_EQ(browser.decrypt(body), plaintext) << size;
  }
  std::string payload = R"({"title":"Révision","body":"Maths à 18 h"})";
  std::string a = encrypt_push_payload(payload, browser.keys());
  std::string b = encrypt_push_payload(payload, browser.keys());
  EXPECT_NE(a.substr(0, 16), b.substr(0, 16));    // a fresh salt
  EXPECT_NE(a.substr(21, 65), b.substr(21, 65));  // a fresh ephemeral key
  EXPECT_EQ(browser.decrypt(a), payload);
  EXPECT_EQ(browser.decrypt(b), payload);
  Browser stranger;
  EXPECT_THROW(stranger.decrypt(a), std::runtime_error);
}

TEST(WebPushEncryption, PayloadOfAtMost3993Bytes) {
  Browser browser;
  EXPECT_EQ(encrypt_push_payload(std::string(3993, 'a'), browser.keys()).size(), 4096u);
  EXPECT_THROW(encrypt_push_payload(std::string(3994, 'a'), browser.keys()), std::invalid_argument);
}

TEST(WebPushEncryption, InvalidSubscriptionKeysAreRefused) {
  Browser browser;
  SubscriptionKeys good = browser.keys();
  EXPECT_TRUE(valid_subscription_keys(good));
  EXPECT_TRUE(valid_subscription_keys({kRfcUaPublic, kRfcAuth}));
  EXPECT_TRUE(valid_subscription_keys({good.p256dh + "=", good.auth + "=="}));  // padded, as some libraries send

  std::string point = unb64(good.p256dh);
  std::string off_curve = point;
  off_curve[64] = static_cast<char>(off_curve[64] ^ 1);
  std::string compressed = std::string(1, static_cast<char>(0x02 + (point[64] & 1))) + point.substr(1, 32);
  std::string wrong_prefix = point;
  wrong_prefix[0] = '\x05';
  std::string infinity(65, '\0');
  for (const SubscriptionKeys& bad : std::initializer_list<SubscriptionKeys>{
           {b64::encode(off_curve), good.auth},
           {b64::encode(compressed), good.auth},
           {b64::encode(wrong_prefix), good.auth},
           {b64::encode(infinity), good.auth},
           {b64::encode(point.substr(0, 64)), good.auth},
           {good.p256dh.substr(0, 20) + "+/" + good.p256dh.substr(22), good.auth},  // not URL-safe
           {"", good.auth},
           {good.p256dh, b64::encode(std::string(15, 'a'))},
           {good.p256dh, b64::encode(std::string(17, 'a'))},
           {good.p256dh, ""},
           {good.p256dh, "not base64!"},
       }) {
    EXPECT_FALSE(valid_subscription_keys(bad)) << bad.p256dh << " " << bad.auth;
    EXPECT_THROW(encrypt_push_payload("{}", bad), std::invalid_argument) << bad.p256dh << " " << bad.auth;
  }
  // The deterministic form checks its ephemeral key and salt too.
  EXPECT_THROW(encrypt_push_payload("{}", good, std::string(32, '\0'), std::string(16, 's')), std::invalid_argument);
  EXPECT_THROW(encrypt_push_payload("{}", good, unb64(kRfcAsPrivate), std::string(15, 's')), std::invalid_argument);
}

// ---- VAPID ----------------------------------------------------------------------------------------------

TEST(WebPushVapid, GeneratedKeysAndDerivation) {
  VapidKeys keys = generate_vapid_keys();
  EXPECT_EQ(unb64(keys.private_key).size(), 32u);
  std::string point = unb64(keys.public_key);
  ASSERT_EQ(point.size(), 65u);
  EXPECT_EQ(point[0], '\x04');
  EXPECT_TRUE(valid_subscription_keys({keys.public_key, kRfcAuth}));  // on the curve
  auto again = vapid_keys_from_private(keys.private_key);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->public_key, keys.public_key);
  EXPECT_NE(generate_vapid_keys().private_key, keys.private_key);

  // RFC 8291's application server key pair: the public key derived from the private one.
  auto rfc = vapid_keys_from_private(kRfcAsPrivate);
  ASSERT_TRUE(rfc.has_value());
  EXPECT_EQ(rfc->public_key, kRfcAsPublic);
  EXPECT_EQ(rfc->private_key, kRfcAsPrivate);
}

TEST(WebPushVapid, InvalidPrivateKeysAreRefused) {
  const std::string n_bytes = unb64("_____wAAAAD__________7zm-q2nF56E87nKwvxjJVE");  // the order of P-256
  for (const std::string& bad : {std::string(""), std::string("not base64!"), b64::encode(std::string(31, '\x01')),
                                 b64::encode(std::string(33, '\x01')), b64::encode(std::string(32, '\0')),
                                 b64::encode(n_bytes), b64::encode(std::string(32, '\xff'))})
    EXPECT_FALSE(vapid_keys_from_private(bad).has_value()) << bad;
  std::string n_minus_1 = n_bytes;
  n_minus_1.back() = static_cast<char>(n_minus_1.back() - 1);
  EXPECT_TRUE(vapid_keys_from_private(b64::encode(n_minus_1)).has_value());
}

TEST(WebPushVapid, TokenHeaderClaimsAndSignature) {
  VapidKeys keys = generate_vapid_keys();
  const std::int64_t now = 1760000000;
  std::string value =
      vapid_authorization(keys, "https://fcm.googleapis.com/fcm/send/abc:APA91b", "mailto:ops@planetude.fr", now);
  Vapid v = parse_authorization(value);
  EXPECT_EQ(v.k, keys.public_key);
  EXPECT_EQ(unb64(v.header_b64), R"({"typ":"JWT","alg":"ES256"})");
  EXPECT_EQ(v.claims.size(), 3u);
  EXPECT_EQ(v.claims.at("aud").as_string(), "https://fcm.googleapis.com");
  EXPECT_EQ(v.claims.at("exp").as_int64(), now + 12 * 3600);
  EXPECT_LE(v.claims.at("exp").as_int64() - now, 24 * 3600);
  EXPECT_EQ(v.claims.at("sub").as_string(), "mailto:ops@planetude.fr");
  ASSERT_EQ(v.signature.size(), 64u);  // JOSE r || s, not DER
  const std::string signing_input = v.header_b64 + "." + v.claims_b64;
  EXPECT_TRUE(verify_es256(signing_input, v.signature, unb64(keys.public_key)));
  EXPECT_FALSE(verify_es256(signing_input + "x", v.signature, unb64(keys.public_key)));
  EXPECT_FALSE(verify_es256(signing_input, v.signature, unb64(generate_vapid_keys().public_key)));

  // A subject with characters JSON escapes stays valid JSON.
  Vapid quoted = parse_authorization(vapid_authorization(keys, "https://p.example/x", "https://a.example/\"q\"", now));
  EXPECT_EQ(quoted.claims.at("sub").as_string(), "https://a.example/\"q\"");
}

TEST(WebPushVapid, AudienceIsTheEndpointsOrigin) {
  VapidKeys keys = generate_vapid_keys();
  auto aud = [&](const char* endpoint) {
    return std::string(
        parse_authorization(vapid_authorization(keys, endpoint, "mailto:a@b.c", 0)).claims.at("aud").as_string());
  };
  EXPECT_EQ(aud("https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk"),
            "https://updates.push.services.mozilla.com");
  EXPECT_EQ(aud("https://web.push.apple.com/QGuQyavXutnMfdy"), "https://web.push.apple.com");
  EXPECT_EQ(aud("https://push.example.net:8443/p/x?y=1"), "https://push.example.net:8443");
  EXPECT_EQ(aud("https://push.example.net:443/p"), "https://push.example.net");
  EXPECT_EQ(aud("https://Push.Example.NET/p"), "https://push.example.net");
  EXPECT_EQ(aud("https://push.example.net"), "https://push.example.net");
  EXPECT_EQ(aud("http://127.0.0.1:8080/push/abc"), "http://127.0.0.1:8080");
  EXPECT_EQ(aud("http://localhost:80/push/abc"), "http://localhost");
  EXPECT_EQ(aud("http://[::1]:9000/push/abc"), "http://[::1]:9000");

  EXPECT_EQ(url_origin("https://push.example.net:8443/a/b"), "https://push.example.net:8443");
  EXPECT_FALSE(url_origin("ftp://push.example.net/a").has_value());
  EXPECT_FALSE(url_origin("push.example.net/a").has_value());
}

TEST(WebPushVapid, BadInputsAreRefused) {
  VapidKeys keys = generate_vapid_keys();
  EXPECT_THROW(vapid_authorization(keys, "not a url", "mailto:a@b.c", 0), std::invalid_argument);
  EXPECT_THROW(vapid_authorization(keys, "https://p.example/x", "a@b.c", 0), std::invalid_argument);
  EXPECT_THROW(vapid_authorization(keys, "https://p.example/x", "", 0), std::invalid_argument);
  EXPECT_NO_THROW(vapid_authorization(keys, "https://p.example/x", "https://planetude.fr/contact", 0));
  VapidKeys mismatched{keys.private_key, generate_vapid_keys().public_key};
  EXPECT_THROW(vapid_authorization(mismatched, "https://p.example/x", "mailto:a@b.c", 0), std::invalid_argument);
  VapidKeys garbage{"abc", "def"};
  EXPECT_THROW(vapid_authorization(garbage, "https://p.example/x", "mailto:a@b.c", 0), std::invalid_argument);
}

// ---- The push request and the answers -----------------------------------------------------------------

TEST(WebPushRequest, HeadersTargetAndBody) {
  Browser browser;
  VapidKeys vapid = generate_vapid_keys();
  PushMessage m{"https://push.example.net/wpush/v2/abc/", browser.keys(), R"({"t":1})", 3600, "high", "rappel-7"};
  PushRequest r = build_push_request(m, vapid, "mailto:ops@planetude.fr", 1760000000);
  EXPECT_EQ(r.target, "/wpush/v2/abc/");  // the trailing slash kept
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_EQ(h.size(), r.headers.size());
  EXPECT_EQ(h["TTL"], "3600");
  EXPECT_EQ(h["Urgency"], "high");
  EXPECT_EQ(h["Topic"], "rappel-7");
  EXPECT_EQ(h["Content-Encoding"], "aes128gcm");
  EXPECT_EQ(h["Content-Type"], "application/octet-stream");
  Vapid v = parse_authorization(h["Authorization"]);
  EXPECT_EQ(v.claims.at("aud").as_string(), "https://push.example.net");
  EXPECT_EQ(v.k, vapid.public_key);
  EXPECT_EQ(browser.decrypt(r.body), R"({"t":1})");

  m.topic.clear();
  m.urgency.clear();
  m.endpoint = "https://push.example.net/send?token=a/b#frag";
  r = build_push_request(m, vapid, "mailto:ops@planetude.fr", 0);
  EXPECT_EQ(r.target, "/send?token=a/b");
  for (const auto& [name, value] : r.headers) {
    EXPECT_NE(name, "Topic");
    if (name == "Urgency") {
      EXPECT_EQ(value, "normal");
    }
  }
}

TEST(WebPushRequest, MessagesThatCannotBeSentAreRefused) {
  Browser browser;
  VapidKeys vapid = generate_vapid_keys();
  PushMessage good{"https://push.example.net/p/1", browser.keys(), "{}", 60, "normal", ""};
  EXPECT_NO_THROW(build_push_request(good, vapid, "mailto:a@b.c", 0));
  auto refused = [&](auto change) {
    PushMessage m = good;
    change(m);
    EXPECT_THROW(build_push_request(m, vapid, "mailto:a@b.c", 0), std::invalid_argument);
  };
  refused([](PushMessage& m) { m.endpoint = "push.example.net/p/1"; });
  refused([](PushMessage& m) { m.keys.auth = "AAAA"; });
  refused([](PushMessage& m) { m.payload.assign(3994, 'x'); });
  refused([](PushMessage& m) { m.ttl_seconds = -1; });
  refused([](PushMessage& m) { m.urgency = "urgent"; });
  refused([](PushMessage& m) { m.topic.assign(33, 'a'); });
  refused([](PushMessage& m) { m.topic = "a/b"; });
}

TEST(WebPushAnswers, StatusesAreSortedIntoOutcomes) {
  const std::int64_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  struct Case {
    unsigned status;
    PushOutcome outcome;
    const char* reason;
  };
  for (const Case& c :
       {Case{201, PushOutcome::delivered, "created"}, Case{202, PushOutcome::delivered, "accepted"},
        Case{200, PushOutcome::delivered, "ok"}, Case{404, PushOutcome::gone, "not_found"},
        Case{410, PushOutcome::gone, "gone"}, Case{429, PushOutcome::retry_later, "rate_limited"},
        Case{500, PushOutcome::retry_later, "server_error"}, Case{503, PushOutcome::retry_later, "server_error"},
        Case{400, PushOutcome::rejected, "bad_request"}, Case{401, PushOutcome::rejected, "forbidden"},
        Case{403, PushOutcome::rejected, "forbidden"}, Case{413, PushOutcome::rejected, "payload_too_large"},
        Case{415, PushOutcome::rejected, "client_error"}, Case{302, PushOutcome::rejected, "unexpected_status"}}) {
    PushResult r = classify_push_answer(c.status, "", now);
    EXPECT_EQ(r.outcome, c.outcome) << c.status;
    EXPECT_EQ(r.reason, c.reason) << c.status;
    EXPECT_EQ(r.status, c.status);
    EXPECT_FALSE(r.retry_after.has_value());
  }
  EXPECT_EQ(classify_push_answer(429, "120", now).retry_after, std::chrono::seconds(120));
  EXPECT_EQ(classify_push_answer(503, " 7 ", now).retry_after, std::chrono::seconds(7));
  EXPECT_EQ(classify_push_answer(429, "Sun, 06 Nov 1994 08:50:37 GMT", now).retry_after, std::chrono::seconds(60));
  EXPECT_EQ(classify_push_answer(429, "Sun, 06 Nov 1994 08:40:00 GMT", now).retry_after, std::chrono::seconds(0));
  EXPECT_FALSE(classify_push_answer(429, "soon", now).retry_after.has_value());
  EXPECT_FALSE(classify_push_answer(429, "-5", now).retry_after.has_value());
  EXPECT_FALSE(classify_push_answer(410, "60", now).retry_after.has_value());
  EXPECT_STREQ(outcome_label(PushOutcome::retry_later), "retry_later");
}

// ---- The sender against tests/fakes/fake_push.py ----------------------------------------------------------

namespace {

namespace fs = std::filesystem;

// The fake push service as a child process, stopped with the test.
class FakePush {
 public:
  FakePush() {
    const fs::path script = fs::path(__FILE__).parent_path().parent_path() / "fakes" / "fake_push.py";
    if (!fs::exists(script) || !fs::exists("/usr/bin/python3")) return;
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      execl("/usr/bin/python3", "python3", script.c_str(), "--port", "0", "--exit-with-parent",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    if (pid_ < 0) {
      close(out[0]);
      return;
    }
    FILE* f = fdopen(out[0], "r");
    char line[256] = {};
    if (f && std::fgets(line, sizeof line, f)) {
      try {
        port_ = static_cast<int>(boost::json::parse(line).as_object().at("listening").as_int64());
      } catch (const std::exception&) {
        port_ = 0;
      }
    }
    if (f) std::fclose(f);
  }
  ~FakePush() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  int port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  boost::json::value control(const std::string& method, const std::string& path, const std::string& body = "") {
    planetude::http::HttpClient client(std::nullopt);
    planetude::http::ClientRequest request;
    request.method = method;
    request.target = "/_control/" + path;
    request.body = body;
    if (!body.empty()) request.headers = {{"Content-Type", "application/json"}};
    auto url = *planetude::http::parse_url(origin());
    planetude::http::CallLimits limits;
    limits.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto answer = run_async(client.send(url, std::move(request), limits, {}, nullptr));
    return answer.body.empty() ? boost::json::value() : boost::json::parse(answer.body);
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

WebPushSettings settings_for(VapidKeys keys, std::string subject, bool allow_insecure_http = false) {
  WebPushSettings s;
  s.vapid = std::move(keys);
  s.subject = std::move(subject);
  s.allow_insecure_http = allow_insecure_http;
  s.timeout = std::chrono::seconds(10);
  return s;
}

struct Subscription {
  std::string endpoint;
  SubscriptionKeys keys;
};

Subscription subscribe(FakePush& fake, const std::string& options = "{}") {
  auto json = fake.control("POST", "subscriptions", options).as_object();
  const auto& keys = json.at("keys").as_object();
  return {std::string(json.at("endpoint").as_string()),
          {std::string(keys.at("p256dh").as_string()), std::string(keys.at("auth").as_string())}};
}

}  // namespace

TEST(WebPushSender, AgainstTheFakePushService) {
  FakePush fake;
  if (fake.port() == 0) GTEST_SKIP() << "tests/fakes/fake_push.py could not be started (python3-cryptography?)";
  VapidKeys vapid = generate_vapid_keys();
  WebPushSettings settings = settings_for(vapid, "mailto:ops@planetude.fr", true);
  auto sender = make_web_push_sender(settings);
  auto send = [&](const PushMessage& m) { return run_async(sender->send(m)); };

  Subscription sub = subscribe(fake, R"({"applicationServerKey":")" + vapid.public_key + R"("})");
  const std::string payload = R"({"title":"Révision","body":"Maths à 18 h"})";
  PushMessage message{sub.endpoint, sub.keys, payload, 3600, "high", "rappel-1"};
  PushResult delivered = send(message);
  EXPECT_EQ(delivered.outcome, PushOutcome::delivered);
  EXPECT_EQ(delivered.status, 201u);
  EXPECT_EQ(delivered.reason, "created");
  auto messages = fake.control("GET", "messages").as_array();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0].as_object();
  EXPECT_EQ(m.at("payload").as_string(), payload);
  EXPECT_EQ(m.at("ttl").as_int64(), 3600);
  EXPECT_EQ(m.at("urgency").as_string(), "high");
  EXPECT_EQ(m.at("topic").as_string(), "rappel-1");
  EXPECT_EQ(m.at("vapid").at("aud").as_string(), fake.origin());
  EXPECT_EQ(m.at("vapid").at("k").as_string(), vapid.public_key);

  // Scripted answers: 429 with Retry-After, 500, then 410 (the subscription is gone for good).
  const std::string target = R"({"endpoint":")" + sub.endpoint + R"(","status":)";
  fake.control("POST", "next", target + R"(429,"retry_after":"7"})");
  fake.control("POST", "next", target + "500}");
  PushResult limited = send(message);
  EXPECT_EQ(limited.outcome, PushOutcome::retry_later);
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(limited.retry_after, std::chrono::seconds(7));
  PushResult failed = send(message);
  EXPECT_EQ(failed.outcome, PushOutcome::retry_later);
  EXPECT_EQ(failed.reason, "server_error");
  EXPECT_EQ(send(message).outcome, PushOutcome::delivered);
  fake.control("POST", "next", target + "410}");
  EXPECT_EQ(send(message).outcome, PushOutcome::gone);
  EXPECT_EQ(send(message).outcome, PushOutcome::gone);

  // Another application server key than the subscription's: 403, rejected.
  Subscription other = subscribe(fake, R"({"applicationServerKey":")" + generate_vapid_keys().public_key + R"("})");
  PushResult forbidden = send({other.endpoint, other.keys, "{}", 60, "normal", ""});
  EXPECT_EQ(forbidden.outcome, PushOutcome::rejected);
  EXPECT_EQ(forbidden.status, 403u);

  // An unknown subscription: 404, gone.
  PushResult unknown = send({fake.origin() + "/push/nobody", sub.keys, "{}", 60, "normal", ""});
  EXPECT_EQ(unknown.outcome, PushOutcome::gone);
  EXPECT_EQ(unknown.reason, "not_found");

  // Plain http without allow_insecure_http: refused before any request.
  const auto before = fake.control("GET", "requests").as_array().size();
  settings.allow_insecure_http = false;
  PushResult insecure = run_async(make_web_push_sender(settings)->send(message));
  EXPECT_EQ(insecure.outcome, PushOutcome::rejected);
  EXPECT_EQ(insecure.reason, "insecure_endpoint");
  EXPECT_EQ(insecure.status, 0u);
  EXPECT_EQ(fake.control("GET", "requests").as_array().size(), before);
}

TEST(WebPushSender, NetworkFailuresAreRetriedLater) {
  Browser browser;
  WebPushSettings settings = settings_for(generate_vapid_keys(), "mailto:ops@planetude.fr", true);
  auto sender = make_web_push_sender(settings);
  // Port 1 on loopback: nothing listens there.
  PushResult r = run_async(sender->send({"http://127.0.0.1:1/push/x", browser.keys(), "{}", 60, "normal", ""}));
  EXPECT_EQ(r.outcome, PushOutcome::retry_later);
  EXPECT_EQ(r.reason, "network");
  EXPECT_EQ(r.status, 0u);
}

TEST(WebPushSender, SettingsAreChecked) {
  VapidKeys keys = generate_vapid_keys();
  EXPECT_THROW(make_web_push_sender(settings_for(keys, "ops@planetude.fr")), std::invalid_argument);
  EXPECT_THROW(
      make_web_push_sender(settings_for(VapidKeys{keys.private_key, generate_vapid_keys().public_key}, "mailto:a@b.c")),
      std::invalid_argument);
  WebPushSettings proxied = settings_for(keys, "mailto:a@b.c");
  proxied.https_proxy = "https://proxy.example:3128";
  EXPECT_THROW(make_web_push_sender(proxied), std::invalid_argument);
  proxied.https_proxy = "http://proxy.example:3128";
  EXPECT_NO_THROW(make_web_push_sender(proxied));
}
