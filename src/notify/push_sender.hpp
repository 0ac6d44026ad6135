// Sending one Web Push message (RFC 8030 §5) to a subscription's push service: encrypted
// (RFC 8291), signed for the application server (RFC 8292), and the service's answer sorted into
// what the caller does next. The interface shows neither the HTTP client nor OpenSSL, so services
// and tests use it as they use llm::LlmProvider.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "notify/web_push.hpp"

namespace planetude::notify {

struct PushMessage {
  std::string endpoint;  // the subscription's URL: a capability, never logged whole
  SubscriptionKeys keys;
  std::string payload;             // JSON text, at most kMaxPushPlaintext bytes
  int ttl_seconds = 0;             // how long the push service keeps the message for an offline device
  std::string urgency = "normal";  // RFC 8030 §5.3: "very-low", "low", "normal" or "high"
  std::string topic;               // optional (RFC 8030 §5.4): at most 32 base64url characters
};

enum class PushOutcome {
  delivered,    // 2xx (201 as RFC 8030 §5 says, 200 or 202 from some): the push service took it
  gone,         // 404 or 410: the subscription is no more; the caller deletes it
  retry_later,  // 429, 5xx, a timeout or a network failure: try again later (retry_after when known)
  rejected,     // another 4xx (400, 403, 413…) or a message that cannot be sent: logged, dropped
};
// "delivered", "gone", "retry_later", "rejected": for logs and metrics.
const char* outcome_label(PushOutcome outcome);

struct PushResult {
  PushOutcome outcome = PushOutcome::rejected;
  unsigned status = 0;  // the push service's HTTP status; 0 when it never answered
  // retry_later: what the service's Retry-After asked for (delta-seconds or an HTTP date), if it did.
  std::optional<std::chrono::seconds> retry_after;
  // Why, in a short stable word: "created", "accepted", "ok", "gone", "not_found", "rate_limited",
  // "server_error", "timeout", "tls", "proxy", "network", "bad_request", "forbidden", "payload_too_large",
  // "client_error", "unexpected_status", "invalid_endpoint", "insecure_endpoint", "invalid_keys",
  // "invalid_message" (the last four: refused before sending).
  std::string reason;
};

class PushSender {
 public:
  virtual ~PushSender() = default;
  // Never throws for what the push service or the network did: every failure is a PushResult.
  // `message` is borrowed until the call ends.
  virtual boost::asio::awaitable<PushResult> send(const PushMessage& message) = 0;
};

struct WebPushSettings {
  VapidKeys vapid;
  std::string subject;  // the VAPID `sub`: "mailto:…" or "https:…"
  // Plain http:// endpoints are refused ("insecure_endpoint") unless this is set: a loopback
  // fake push service in the tests.
  bool allow_insecure_http = false;
  std::chrono::milliseconds timeout{15000};  // the whole call
  std::string https_proxy;                   // an http:// URL, or empty for none (as Config has it)
  std::vector<std::string> no_proxy;         // as Config normalises NO_PROXY
  // Seconds since the epoch, for the VAPID token's `exp`; the system clock when empty.
  std::function<std::int64_t()> now_seconds;
};

// The sender over HTTPS. Throws std::invalid_argument when the VAPID keys are not a valid pair, the
// subject is not a mailto:/https: URL or the proxy is not an http:// URL.
std::unique_ptr<PushSender> make_web_push_sender(WebPushSettings settings);

// The request a push takes, without the network (what make_web_push_sender's sender sends): the
// target (the endpoint's path and query), the headers and the encrypted body. Throws std::invalid_argument for a
// message that cannot be sent (bad endpoint, keys, payload size, urgency or topic).
struct PushRequest {
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
PushRequest build_push_request(const PushMessage& message, const VapidKeys& vapid, std::string_view subject,
                               std::int64_t now_seconds);

// The outcome of an answer: the status and, for a 429 or a 503, its Retry-After header ("" when
// absent). `now_seconds` reads an HTTP-date Retry-After.
PushResult classify_push_answer(unsigned status, std::string_view retry_after, std::int64_t now_seconds);

}  // namespace planetude::notify
