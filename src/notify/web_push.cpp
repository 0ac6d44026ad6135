#include "notify/web_push.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "core/base64url.hpp"
#include "http_client/client.hpp"

namespace planetude::notify {

namespace {

// ---- OpenSSL handles ------------------------------------------------------------------------------

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_clear_free>>;
using BnCtx = std::unique_ptr<BN_CTX, Deleter<BN_CTX, BN_CTX_free>>;
using Group = std::unique_ptr<EC_GROUP, Deleter<EC_GROUP, EC_GROUP_free>>;
using Point = std::unique_ptr<EC_POINT, Deleter<EC_POINT, EC_POINT_free>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM, OSSL_PARAM_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

constexpr const char* kCurve = "prime256v1";  // P-256 (OpenSSL's name for it)
constexpr std::size_t kScalarSize = 32;
constexpr std::size_t kPointSize = 65;
constexpr std::size_t kAuthSize = 16;
constexpr std::size_t kSaltSize = 16;
constexpr std::uint32_t kRecordSize = 4096;
constexpr std::size_t kTagSize = 16;

[[noreturn]] void crypto_failure(const char* what) { throw std::runtime_error(std::string("web push: ") + what); }

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Wipes a secret's bytes before its memory goes back to the allocator.
struct Wipe {
  std::string& s;
  ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
};

// Base64url as the Push API writes it, tolerating the padding some libraries add.
bool decode_key(std::string_view text, std::string& out) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  return base64url::decode(text, out);
}

Group p256() {
  Group g(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  if (!g) crypto_failure("P-256 unavailable");
  return g;
}

// A point's uncompressed encoding is on the curve (P-256's cofactor is 1: no small-subgroup check).
bool valid_point(std::string_view encoded) {
  if (encoded.size() != kPointSize || encoded[0] != 0x04) return false;
  Group group = p256();
  Point point(EC_POINT_new(group.get()));
  BnCtx ctx(BN_CTX_new());
  if (!point || !ctx) crypto_failure("out of memory");
  return EC_POINT_oct2point(group.get(), point.get(), bytes(encoded), encoded.size(), ctx.get()) == 1 &&
         EC_POINT_is_on_curve(group.get(), point.get(), ctx.get()) == 1 &&
         !EC_POINT_is_at_infinity(group.get(), point.get());
}

// The uncompressed public point of a raw scalar; nullopt when the scalar is not in [1, n-1].
std::optional<std::string> public_point(std::string_view scalar) {
  if (scalar.size() != kScalarSize) return std::nullopt;
  Group group = p256();
  Bignum d(BN_bin2bn(bytes(scalar), static_cast<int>(scalar.size()), nullptr));
  Point point(EC_POINT_new(group.get()));
  BnCtx ctx(BN_CTX_new());
  if (!d || !point || !ctx) crypto_failure("out of memory");
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) return std::nullopt;
  if (EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr, ctx.get()) != 1)
    crypto_failure("point multiplication failed");
  std::string out(kPointSize, '\0');
  if (EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(out.data()), out.size(), ctx.get()) != kPointSize)
    crypto_failure("point encoding failed");
  return out;
}

// An EVP_PKEY for P-256 from raw parts: the public point alone, or the scalar with its point.
Pkey make_key(std::string_view point, std::string_view scalar = {}) {
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) crypto_failure("out of memory");
  Bignum d;
  bool ok = OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, kCurve, 0) == 1 &&
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  if (ok && !scalar.empty()) {
    d.reset(BN_secure_new());
    ok = d && BN_bin2bn(bytes(scalar), static_cast<int>(scalar.size()), d.get()) &&
         OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) == 1;
  }
  Params params(ok ? OSSL_PARAM_BLD_to_param(bld.get()) : nullptr);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, scalar.empty() ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR, params.get()) != 1)
    crypto_failure("cannot build a P-256 key");
  return Pkey(key);
}

std::string ecdh(EVP_PKEY* own, EVP_PKEY* peer) {
  PkeyCtx ctx(EVP_PKEY_CTX_new(own, nullptr));
  std::size_t size = 0;
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer) != 1 ||
      EVP_PKEY_derive(ctx.get(), nullptr, &size) != 1)
    crypto_failure("ECDH failed");
  std::string secret(size, '\0');
  if (EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(secret.data()), &size) != 1)
    crypto_failure("ECDH failed");
  secret.resize(size);
  return secret;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(32, '\0');
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes(data), data.size(),
            reinterpret_cast<unsigned char*>(out.data()), &size) ||
      size != out.size())
    crypto_failure("HMAC failed");
  return out;
}

// HKDF-SHA256 (RFC 5869) for outputs of at most one block, as RFC 8291 §3.4 writes it out.
std::string hkdf(std::string_view salt, std::string_view ikm, std::string info, std::size_t length) {
  std::string prk = hmac_sha256(salt, ikm);
  Wipe wipe_prk{prk};
  info.push_back('\x01');
  std::string okm = hmac_sha256(prk, info);
  okm.resize(length);
  return okm;
}

std::string aes128gcm_seal(std::string_view key, std::string_view nonce, std::string_view plaintext) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string out(plaintext.size() + kTagSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int n = 0, m = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), o, &n, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + n, &m) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), o + n + m) != 1)
    crypto_failure("AES-128-GCM failed");
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    crypto_failure("no random bytes");
  return out;
}

// A fresh P-256 key pair: (32-byte scalar, 65-byte uncompressed point).
std::pair<std::string, std::string> new_key_pair() {
  Pkey key(EVP_EC_gen("P-256"));
  if (!key) crypto_failure("key generation failed");
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) crypto_failure("no private key");
  Bignum scalar_bn(d);
  std::string scalar(kScalarSize, '\0');
  if (BN_bn2binpad(scalar_bn.get(), reinterpret_cast<unsigned char*>(scalar.data()), kScalarSize) != kScalarSize)
    crypto_failure("private key too long");
  // The point from the scalar rather than from the key's parameters, whose point format is the
  // key's own choice: the uncompressed form is the one the Push API uses.
  std::optional<std::string> point = public_point(scalar);
  if (!point) crypto_failure("generated an invalid key");
  return {std::move(scalar), std::move(*point)};
}

// The JOSE form of an ECDSA signature (RFC 7518 §3.4): r and s, 32 bytes each.
std::string jose_signature(EVP_PKEY* key, std::string_view signing_input) {
  MdCtx md(EVP_MD_CTX_new());
  std::size_t size = 0;
  if (!md || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &size, bytes(signing_input), signing_input.size()) != 1)
    crypto_failure("ES256 signing failed");
  std::string der(size, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(der.data()), &size, bytes(signing_input),
                     signing_input.size()) != 1)
    crypto_failure("ES256 signing failed");
  const unsigned char* p = bytes(der);
  EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(size)));
  if (!sig) crypto_failure("malformed ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(2 * kScalarSize, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, kScalarSize) != kScalarSize || BN_bn2binpad(s, o + kScalarSize, kScalarSize) != kScalarSize)
    crypto_failure("malformed ECDSA signature");
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

}  // namespace

// ---- VAPID --------------------------------------------------------------------------------------------

VapidKeys generate_vapid_keys() {
  auto [scalar, point] = new_key_pair();
  Wipe wipe{scalar};
  return {base64url::encode(scalar), base64url::encode(point)};
}

std::optional<VapidKeys> vapid_keys_from_private(std::string_view private_b64url) {
  std::string scalar;
  Wipe wipe{scalar};
  if (!decode_key(private_b64url, scalar)) return std::nullopt;
  std::optional<std::string> point = public_point(scalar);
  if (!point) return std::nullopt;
  return VapidKeys{base64url::encode(scalar), base64url::encode(*point)};
}

std::optional<std::string> url_origin(std::string_view url) {
  std::optional<http::Url> u = http::parse_url(url);
  if (!u) return std::nullopt;
  for (char& c : u->host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return std::string(u->tls ? "https://" : "http://") + http::host_header_value(*u);
}

std::string vapid_authorization(const VapidKeys& keys, std::string_view endpoint_url, std::string_view subject,
                                std::int64_t now_seconds) {
  std::optional<std::string> aud = url_origin(endpoint_url);
  if (!aud) throw std::invalid_argument("web push: the endpoint is not an http(s) URL");
  if (!starts_with(subject, "mailto:") && !starts_with(subject, "https:"))
    throw std::invalid_argument("web push: the VAPID subject must be a mailto: or https: URL");
  std::string scalar, point;
  Wipe wipe{scalar};
  if (!decode_key(keys.private_key, scalar) || !decode_key(keys.public_key, point))
    throw std::invalid_argument("web push: the VAPID keys are not base64url");
  std::optional<std::string> derived = public_point(scalar);
  if (!derived || *derived != point) throw std::invalid_argument("web push: the VAPID keys are not a P-256 key pair");
  Pkey key = make_key(point, scalar);

  std::string claims = "{\"aud\":";
  append_json_string(claims, *aud);
  claims += ",\"exp\":" + std::to_string(now_seconds + kVapidTokenLifetimeSeconds) + ",\"sub\":";
  append_json_string(claims, subject);
  claims += "}";
  std::string token = base64url::encode(R"({"typ":"JWT","alg":"ES256"})") + "." + base64url::encode(claims);
  token += "." + base64url::encode(jose_signature(key.get(), token));
  return "vapid t=" + token + ", k=" + base64url::encode(point);
}

// ---- Message encryption -------------------------------------------------------------------------------

bool valid_subscription_keys(const SubscriptionKeys& keys) {
  std::string point, auth;
  return decode_key(keys.p256dh, point) && decode_key(keys.auth, auth) && auth.size() == kAuthSize &&
         valid_point(point);
}

std::string encrypt_push_payload(std::string_view plaintext, const SubscriptionKeys& keys) {
  auto [scalar, point] = new_key_pair();
  Wipe wipe{scalar};
  (void)point;
  return encrypt_push_payload(plaintext, keys, scalar, random_bytes(kSaltSize));
}

std::string encrypt_push_payload(std::string_view plaintext, const SubscriptionKeys& keys, std::string_view as_private,
                                 std::string_view salt) {
  if (plaintext.size() > kMaxPushPlaintext)
    throw std::invalid_argument("web push: the payload is longer than " + std::to_string(kMaxPushPlaintext) + " bytes");
  std::string ua_public, auth_secret;
  if (!decode_key(keys.p256dh, ua_public) || !valid_point(ua_public))
    throw std::invalid_argument("web push: p256dh is not a P-256 public key");
  if (!decode_key(keys.auth, auth_secret) || auth_secret.size() != kAuthSize)
    throw std::invalid_argument("web push: auth is not a 16-byte secret");
  if (salt.size() != kSaltSize) throw std::invalid_argument("web push: the salt must be 16 bytes");
  std::optional<std::string> as_public = public_point(as_private);
  if (!as_public) throw std::invalid_argument("web push: the ephemeral key is not a P-256 scalar");

  // RFC 8291 §3.3-3.4: the ECDH secret, combined with the authentication secret, keys RFC 8188.
  Pkey own = make_key(*as_public, as_private);
  Pkey peer = make_key(ua_public);
  std::string ecdh_secret = ecdh(own.get(), peer.get());
  Wipe wipe_ecdh{ecdh_secret};
  std::string key_info = std::string("WebPush: info\0", 14) + ua_public + *as_public;  // the NUL included
  std::string ikm = hkdf(auth_secret, ecdh_secret, std::move(key_info), 32);
  Wipe wipe_ikm{ikm};
  std::string cek = hkdf(salt, ikm, std::string("Content-Encoding: aes128gcm\0", 28), 16);
  Wipe wipe_cek{cek};
  std::string nonce = hkdf(salt, ikm, std::string("Content-Encoding: nonce\0", 24), 12);

  // One record, the last: the plaintext and the delimiter 0x02, no further padding (RFC 8188 §2).
  std::string record(plaintext);
  record.push_back('\x02');
  Wipe wipe_record{record};

  std::string body(salt);
  for (int shift = 24; shift >= 0; shift -= 8) body.push_back(static_cast<char>((kRecordSize >> shift) & 0xff));
  body.push_back(static_cast<char>(kPointSize));
  body += *as_public;
  body += aes128gcm_seal(cek, nonce, record);
  return body;
}

}  // namespace planetude::notify
