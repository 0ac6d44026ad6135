#include "notify/push_sender.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "http_client/client.hpp"
#include "observability/log.hpp"

namespace planetude::notify {

namespace asio = boost::asio;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxAnswerBody = std::size_t{64} * 1024;
constexpr std::size_t kMaxTopic = 32;

bool base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool valid_urgency(std::string_view u) {
  return u.empty() || u == "very-low" || u == "low" || u == "normal" || u == "high";
}

// The request-target of a push: the endpoint's path and query as the subscription gave them (the
// client's Url drops a trailing slash, which a capability URL may need).
std::string request_target(std::string_view endpoint) {
  auto scheme_end = endpoint.find("://");
  std::string_view rest = endpoint.substr(scheme_end + 3);
  auto start = rest.find_first_of("/?#");
  std::string_view target = start == std::string_view::npos ? std::string_view() : rest.substr(start);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  std::string out(target);
  if (out.empty() || out.front() != '/') out.insert(out.begin(), '/');
  return out;
}

// Why a message cannot be sent at all ("" when it can): the PushResult reason.
std::string message_problem(const PushMessage& m, bool allow_insecure_http) {
  std::optional<http::Url> url = http::parse_url(m.endpoint);
  if (!url) return "invalid_endpoint";
  if (!url->tls && !allow_insecure_http) return "insecure_endpoint";
  if (!valid_subscription_keys(m.keys)) return "invalid_keys";
  if (m.payload.size() > kMaxPushPlaintext || m.ttl_seconds < 0 || !valid_urgency(m.urgency) ||
      m.topic.size() > kMaxTopic || !std::all_of(m.topic.begin(), m.topic.end(), base64url_char))
    return "invalid_message";
  return "";
}

std::optional<std::int64_t> digits_value(std::string_view s) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// An IMF-fixdate (RFC 9110 §5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT", as seconds since the epoch.
std::optional<std::int64_t> imf_fixdate(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || s.substr(25) != " GMT")
    return std::nullopt;
  auto day = digits_value(s.substr(5, 2));
  auto year = digits_value(s.substr(12, 4));
  auto hour = digits_value(s.substr(17, 2));
  auto minute = digits_value(s.substr(20, 2));
  auto second = digits_value(s.substr(23, 2));
  auto month = std::find(kMonths.begin(), kMonths.end(), s.substr(8, 3));
  if (!day || !year || !hour || !minute || !second || month == kMonths.end() || *hour > 23 || *minute > 59 ||
      *second > 60)
    return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(static_cast<int>(*year)),
                                   std::chrono::month(static_cast<unsigned>(month - kMonths.begin() + 1)),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return days * 86400 + *hour * 3600 + *minute * 60 + *second;
}

// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP date.
std::optional<std::chrono::seconds> retry_after_value(std::string_view text, std::int64_t now_seconds) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  if (auto delta = digits_value(text)) return std::chrono::seconds(*delta);
  if (auto when = imf_fixdate(text)) return std::chrono::seconds(std::max<std::int64_t>(0, *when - now_seconds));
  return std::nullopt;
}

std::int64_t system_now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// What may be logged of an error answer: printable ASCII, short, without any part of the endpoint's
// path (some services quote the subscription back).
std::string loggable_excerpt(std::string_view body, std::string_view target) {
  std::string text;
  for (char c : body.substr(0, 300)) text.push_back(c >= 0x20 && c < 0x7f ? c : ' ');
  std::size_t begin = 0;
  while (begin < target.size()) {
    std::size_t end = target.find_first_of("/?&=", begin);
    if (end == std::string_view::npos) end = target.size();
    std::string_view segment = target.substr(begin, end - begin);
    if (segment.size() >= 8)
      for (auto at = text.find(segment); at != std::string::npos; at = text.find(segment, at))
        text.replace(at, segment.size(), "...");
    begin = end + 1;
  }
  if (text.size() > 200) text.resize(200);
  return text;
}

const char* failure_reason(http::ClientFailure kind) {
  switch (kind) {
    case http::ClientFailure::timeout:
    case http::ClientFailure::first_byte_timeout: return "timeout";
    case http::ClientFailure::tls: return "tls";
    case http::ClientFailure::proxy: return "proxy";
    default: return "network";
  }
}

class WebPushSender : public PushSender {
 public:
  WebPushSender(WebPushSettings settings, std::optional<http::Url> proxy)
      : settings_(std::move(settings)), client_(std::move(proxy), settings_.no_proxy) {
    if (!settings_.now_seconds) settings_.now_seconds = system_now_seconds;
  }

  asio::awaitable<PushResult> send(const PushMessage& message) override {
    const std::string origin = url_origin(message.endpoint).value_or("(not a URL)");
    if (std::string problem = message_problem(message, settings_.allow_insecure_http); !problem.empty()) {
      PushResult refused{PushOutcome::rejected, 0, std::nullopt, problem};
      log::warn("push_send", {{"origin", origin}, {"outcome", outcome_label(refused.outcome)}, {"reason", problem}});
      co_return refused;
    }
    PushRequest built = build_push_request(message, settings_.vapid, settings_.subject, settings_.now_seconds());
    http::ClientRequest request;
    request.method = "POST";
    request.target = built.target;
    request.headers = std::move(built.headers);
    request.body = std::move(built.body);
    const auto start = Clock::now();
    http::CallLimits limits{start + settings_.timeout, settings_.timeout, kMaxAnswerBody};

    PushResult result;
    std::string detail;
    try {
      http::ClientResponse answer =
          co_await client_.send(*http::parse_url(message.endpoint), std::move(request), limits, {}, nullptr);
      auto retry_after = answer.headers.find("retry-after");
      result = classify_push_answer(answer.status, retry_after == answer.headers.end() ? "" : retry_after->second,
                                    settings_.now_seconds());
      if (result.outcome != PushOutcome::delivered) detail = loggable_excerpt(answer.body, built.target);
    } catch (const http::ClientError& e) {
      result = {PushOutcome::retry_later, 0, std::nullopt, failure_reason(e.kind())};
      detail = e.what();
    }

    boost::json::object fields{
        {"origin", origin},
        {"outcome", outcome_label(result.outcome)},
        {"reason", result.reason},
        {"status", result.status},
        {"latency_ms", std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()},
    };
    if (result.retry_after) fields["retry_after_s"] = result.retry_after->count();
    if (!detail.empty()) fields["detail"] = detail;
    if (result.outcome == PushOutcome::delivered || result.outcome == PushOutcome::gone)
      log::info("push_send", std::move(fields));
    else log::warn("push_send", std::move(fields));
    co_return result;
  }

 private:
  WebPushSettings settings_;
  http::HttpClient client_;
};

}  // namespace

const char* outcome_label(PushOutcome outcome) {
  switch (outcome) {
    case PushOutcome::delivered: return "delivered";
    case PushOutcome::gone: return "gone";
    case PushOutcome::retry_later: return "retry_later";
    case PushOutcome::rejected: return "rejected";
  }
  return "rejected";
}

PushRequest build_push_request(const PushMessage& message, const VapidKeys& vapid, std::string_view subject,
                               std::int64_t now_seconds) {
  if (std::string problem = message_problem(message, true); !problem.empty())
    throw std::invalid_argument("web push: the message cannot be sent (" + problem + ")");
  PushRequest r;
  r.target = request_target(message.endpoint);
  r.body = encrypt_push_payload(message.payload, message.keys);
  r.headers = {
      {"TTL", std::to_string(message.ttl_seconds)},
      {"Urgency", message.urgency.empty() ? "normal" : message.urgency},
  };
  if (!message.topic.empty()) r.headers.emplace_back("Topic", message.topic);
  r.headers.emplace_back("Content-Encoding", "aes128gcm");
  r.headers.emplace_back("Content-Type", "application/octet-stream");
  r.headers.emplace_back("Authorization", vapid_authorization(vapid, message.endpoint, subject, now_seconds));
  return r;
}

PushResult classify_push_answer(unsigned status, std::string_view retry_after, std::int64_t now_seconds) {
  PushResult r;
  r.status = status;
  if (status >= 200 && status < 300) {
    r.outcome = PushOutcome::delivered;
    r.reason = status == 201 ? "created" : status == 202 ? "accepted" : "ok";
  } else if (status == 404 || status == 410) {
    r.outcome = PushOutcome::gone;
    r.reason = status == 410 ? "gone" : "not_found";
  } else if (status == 429 || (status >= 500 && status < 600)) {
    r.outcome = PushOutcome::retry_later;
    r.reason = status == 429 ? "rate_limited" : "server_error";
    r.retry_after = retry_after_value(retry_after, now_seconds);
  } else {
    r.outcome = PushOutcome::rejected;
    r.reason = status == 400                    ? "bad_request"
               : status == 401 || status == 403 ? "forbidden"
               : status == 413                  ? "payload_too_large"
               : status >= 400 && status < 500  ? "client_error"
                                                : "unexpected_status";
  }
  return r;
}

std::unique_ptr<PushSender> make_web_push_sender(WebPushSettings settings) {
  std::optional<VapidKeys> keys = vapid_keys_from_private(settings.vapid.private_key);
  if (!keys || keys->public_key != settings.vapid.public_key)
    throw std::invalid_argument("web push: the VAPID keys are not a P-256 key pair");
  if (settings.subject.rfind("mailto:", 0) != 0 && settings.subject.rfind("https:", 0) != 0)
    throw std::invalid_argument("web push: the VAPID subject must be a mailto: or https: URL");
  std::optional<http::Url> proxy;
  if (!settings.https_proxy.empty()) {
    proxy = http::parse_url(settings.https_proxy);
    if (!proxy || proxy->tls) throw std::invalid_argument("web push: HTTPS_PROXY is not an http:// URL");
  }
  return std::make_unique<WebPushSender>(std::move(settings), std::move(proxy));
}

}  // namespace planetude::notify
