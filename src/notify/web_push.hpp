// Web Push cryptography, no network: VAPID keys and the `Authorization: vapid` header (RFC 8292),
// and the `aes128gcm` message encryption a push subscription asks for (RFC 8291 over RFC 8188).
// Keys travel as base64url without padding, as browsers and the Push API spell them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace planetude::notify {

// The application server's key pair (P-256). The public key is what the web app hands to
// PushManager.subscribe as `applicationServerKey`.
struct VapidKeys {
  std::string private_key;  // base64url of the 32-byte scalar
  std::string public_key;   // base64url of the 65-byte uncompressed point (0x04 || X || Y)
};

VapidKeys generate_vapid_keys();
// Derives the public key; nullopt when the text is not base64url of a 32-byte scalar in [1, n-1].
std::optional<VapidKeys> vapid_keys_from_private(std::string_view private_b64url);

// The origin of an http(s) URL (RFC 6454 §6.2): scheme://host[:port], the host lower-cased, an
// IPv6 literal in brackets, the port only when it is not the scheme's default; nullopt when the
// text is not an http(s) URL. The `aud` of a VAPID token, and what logs show of an endpoint.
std::optional<std::string> url_origin(std::string_view url);

// How long a VAPID token is valid (RFC 8292 §2: at most 24 hours).
inline constexpr std::int64_t kVapidTokenLifetimeSeconds = std::int64_t{12} * 60 * 60;

// The `Authorization` header value for a push to `endpoint_url` (RFC 8292 §3):
// "vapid t=<JWT>, k=<public key>". The JWT is ES256 (the signature is JOSE's raw r || s), with the
// claims `aud` (the endpoint's origin), `exp` (now + 12 h) and `sub` (`subject`).
// Throws std::invalid_argument when the endpoint is not an http(s) URL, the subject is not a
// `mailto:` or `https:` URL, or the keys are not a valid pair.
std::string vapid_authorization(const VapidKeys& keys, std::string_view endpoint_url, std::string_view subject,
                                std::int64_t now_seconds);

// A subscription's keys, as PushSubscription.toJSON() gives them.
struct SubscriptionKeys {
  std::string p256dh;  // base64url of the user agent's 65-byte uncompressed P-256 point
  std::string auth;    // base64url of the 16-byte authentication secret
};

// p256dh decodes to a point on P-256 (uncompressed form), auth to 16 bytes.
bool valid_subscription_keys(const SubscriptionKeys& keys);

// The largest plaintext one push message carries (RFC 8291 §4: 4096 - 86 - 1 - 16).
inline constexpr std::size_t kMaxPushPlaintext = 3993;

// The body of a push message, `Content-Encoding: aes128gcm` (RFC 8291 §3-4, RFC 8188 §2): a header
// salt(16) || rs(4) = 4096 || idlen(1) = 65 || keyid = a fresh ephemeral public key, then one record
// (the plaintext, the padding delimiter 0x02, the 16-byte tag). Throws std::invalid_argument when the
// keys are not valid or the plaintext is longer than kMaxPushPlaintext.
std::string encrypt_push_payload(std::string_view plaintext, const SubscriptionKeys& keys);

// The same with the ephemeral key and the salt chosen by the caller, so that a test reproduces
// RFC 8291 Appendix A: `as_private` is the raw 32-byte scalar, `salt` 16 raw bytes. Never reuse
// either in production: each message needs its own.
std::string encrypt_push_payload(std::string_view plaintext, const SubscriptionKeys& keys, std::string_view as_private,
                                 std::string_view salt);

}  // namespace planetude::notify
