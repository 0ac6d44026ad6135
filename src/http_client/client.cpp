#include "http_client/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/text.hpp"

namespace planetude::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::chrono::milliseconds left(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(ms, std::chrono::milliseconds(1));
}

[[noreturn]] void fail(const boost::system::error_code& ec, const Cancellation* cancel, Clock::time_point deadline,
                       const char* step) {
  if (cancel && cancel->cancelled()) throw ClientError(ClientFailure::cancelled, std::string(step) + ": cancelled");
  if (ec == beast::error::timeout || Clock::now() >= deadline)
    throw ClientError(ClientFailure::timeout, std::string(step) + ": timed out");
  throw ClientError(ClientFailure::network, std::string(step) + ": " + ec.message());
}

// Sends the request and reads the answer on an established stream (plain or TLS).
template <class Stream>
asio::awaitable<ClientResponse> exchange(Stream& stream, beast::tcp_stream& tcp, const Url& url, ClientRequest& request,
                                         const CallLimits& limits, BodySink& on_data, Cancellation* cancel) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), request.target, 11};
  req.set(bhttp::field::host, host_header_value(url));
  req.set(bhttp::field::user_agent, "planetude/" PLANETUDE_VERSION);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.prepare_payload();
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) fail(wec, cancel, limits.deadline, "send");
  // The body (a provider prompt, often ~10 KB) is not kept while a stream lasts. Swapped, not
  // assigned: a moved-from short string would leave the old capacity in place.
  std::string().swap(req.body());

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(limits.max_body);
  auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
  if (hec) {
    if (hec == beast::error::timeout && Clock::now() < limits.deadline)
      throw ClientError(ClientFailure::first_byte_timeout, "no answer before the first-byte timeout");
    fail(hec, cancel, limits.deadline, "read status");
  }
  ClientResponse out;
  out.status = parser.get().result_int();
  for (const auto& f : parser.get())
    out.headers[text::to_lower_ascii(std::string(f.name_string()))] = std::string(f.value());
  bool streaming = on_data && out.status >= 200 && out.status < 300;
  while (!parser.is_done()) {
    tcp.expires_after(left(limits.deadline));
    auto [rec, rn] = co_await bhttp::async_read_some(stream, buffer, parser, kTuple);
    if (rec == bhttp::error::body_limit) throw ClientError(ClientFailure::too_large, "answer too large");
    if (rec) fail(rec, cancel, limits.deadline, "read body");
    if (streaming && !parser.get().body().empty()) {
      std::string piece = std::move(parser.get().body());
      parser.get().body().clear();
      co_await on_data(std::move(piece));
    }
  }
  if (!streaming) out.body = std::move(parser.get().body());
  co_return out;
}

// Opens a tunnel through an HTTP proxy with CONNECT (RFC 9110 §9.3.6).
asio::awaitable<void> connect_tunnel(beast::tcp_stream& tcp, const Url& target, const CallLimits& limits,
                                     Cancellation* cancel) {
  std::string target_authority = authority(target);
  bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, target_authority, 11};
  req.set(bhttp::field::host, target_authority);
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [wec, wn] = co_await bhttp::async_write(tcp, req, kTuple);
  if (wec) fail(wec, cancel, limits.deadline, "proxy CONNECT");
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // a CONNECT answer has no body: the tunnel starts right after the header
  auto [rec, rn] = co_await bhttp::async_read_header(tcp, buffer, parser, kTuple);
  if (rec) fail(rec, cancel, limits.deadline, "proxy CONNECT");
  if (parser.get().result_int() != 200)
    throw ClientError(ClientFailure::proxy,
                      "the proxy refused the tunnel: " + std::to_string(parser.get().result_int()));
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  int n = std::stoi(std::string(port));
  return n > 0 && n <= 65535;
}

// Splits "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 literal (several colons) is a host.
// The brackets are removed; `port` is empty when none is given. False when malformed.
bool split_host_port(std::string_view text, std::string& host, std::string& port) {
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    host = std::string(text.substr(1, close - 1));
    rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return false;
  } else if (auto colon = text.find(':');
             colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    host = std::string(text.substr(0, colon));
    rest = text.substr(colon);
  } else {
    host = std::string(text);
  }
  port = rest.empty() ? std::string() : std::string(rest.substr(1));
  return rest.empty() || valid_port(port);
}

// Hosts are names or addresses; only an IPv6 address holds a colon.
bool is_ipv6_literal(std::string_view host) { return host.find(':') != std::string_view::npos; }

bool is_ipv6_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address_v6(host, ec);
  return !ec;
}

std::string bracketed(const std::string& host) { return is_ipv6_literal(host) ? "[" + host + "]" : host; }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// One NO_PROXY entry against a lower-cased host: addresses compare as addresses ("::1" is
// "0:0::1"), names match themselves and their subdomains.
bool no_proxy_host_matches(std::string entry_host, const std::string& host) {
  if (!entry_host.empty() && entry_host.front() == '.') entry_host.erase(0, 1);
  if (entry_host.empty()) return false;
  if (is_ip_literal(host) || is_ip_literal(entry_host)) {
    boost::system::error_code a_ec, b_ec;
    auto a = asio::ip::make_address(host, a_ec);
    auto b = asio::ip::make_address(entry_host, b_ec);
    return !a_ec && !b_ec && a == b;
  }
  return host == entry_host || ends_with(host, "." + entry_host);
}

}  // namespace

std::optional<Url> parse_url(std::string_view text) {
  Url u;
  if (text.rfind("https://", 0) == 0) {
    u.tls = true;
    text.remove_prefix(8);
  } else if (text.rfind("http://", 0) == 0) {
    text.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  auto slash = text.find('/');
  std::string_view host_port = text.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
  if (auto at = host_port.rfind('@'); at != std::string_view::npos) host_port.remove_prefix(at + 1);  // no credentials
  // Unlike NO_PROXY entries, a URL's IPv6 literal must be bracketed: "::1" alone is refused below.
  const bool bracketed_host = !host_port.empty() && host_port.front() == '[';
  if (!split_host_port(host_port, u.host, u.port) || u.host.empty()) return std::nullopt;
  if (bracketed_host ? !is_ipv6_address(u.host) : is_ipv6_literal(u.host)) return std::nullopt;
  if (u.port.empty()) u.port = u.tls ? "443" : "80";
  u.path = std::string(path);
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  return u;
}

bool is_ip_literal(std::string_view host) {
  boost::system::error_code ec;
  asio::ip::make_address(std::string(host), ec);
  return !ec;
}

std::string authority(const Url& url) { return bracketed(url.host) + ":" + url.port; }

std::string host_header_value(const Url& url) {
  const bool default_port = url.port == (url.tls ? "443" : "80");
  return default_port ? bracketed(url.host) : authority(url);
}

bool bypasses_proxy(const NoProxyList& no_proxy, const Url& url) {
  const std::string host = text::to_lower_ascii(url.host);
  for (const auto& entry : no_proxy) {
    if (entry == "*") return true;
    std::string entry_host, entry_port;
    if (!split_host_port(entry, entry_host, entry_port)) continue;  // malformed: matches nothing
    if (!entry_port.empty() && entry_port != url.port) continue;
    if (no_proxy_host_matches(entry_host, host)) return true;
  }
  return false;
}

HttpClient::HttpClient(std::optional<Url> proxy, NoProxyList no_proxy)
    : tls_(std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client)),
      proxy_(std::move(proxy)),
      no_proxy_(std::move(no_proxy)) {
  tls_->set_default_verify_paths();  // the system CA store
  tls_->set_verify_mode(asio::ssl::verify_peer);
  tls_->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
}

asio::awaitable<ClientResponse> HttpClient::send(Url url, ClientRequest request, CallLimits limits, BodySink on_data,
                                                 Cancellation* cancel) {
  auto executor = co_await asio::this_coro::executor;
  beast::tcp_stream tcp(executor);
  if (cancel) {
    if (cancel->cancelled()) throw ClientError(ClientFailure::cancelled, "cancelled");
    cancel->on_cancel([&tcp] {
      boost::system::error_code ignored;
      tcp.socket().close(ignored);
    });
  }
  struct ClearOnExit {
    Cancellation* c;
    ~ClearOnExit() {
      if (c) c->clear();
    }
  } clear_on_exit{cancel};

  const bool tunnel = url.tls && proxy_ && !bypasses_proxy(no_proxy_, url);
  const Url& hop = tunnel ? *proxy_ : url;
  tcp::resolver resolver(executor);
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [rec, endpoints] = co_await resolver.async_resolve(hop.host, hop.port, kTuple);
  if (rec) fail(rec, cancel, limits.deadline, "resolve");
  auto [cec, ep] = co_await tcp.async_connect(endpoints, kTuple);
  if (cec) fail(cec, cancel, limits.deadline, "connect");
  // A request goes out in a few small writes (TLS records, CONNECT then the request): no Nagle wait.
  boost::system::error_code ignored;
  tcp.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  if (tunnel) co_await connect_tunnel(tcp, url, limits, cancel);

  if (!url.tls) co_return co_await exchange(tcp, tcp, url, request, limits, on_data, cancel);

  beast::ssl_stream<beast::tcp_stream&> tls(tcp, *tls_);
  // SNI names hosts only: RFC 6066 §3 forbids IP addresses there. The certificate must name the host
  // we asked for either way (host_name_verification checks an address against the IP SANs).
  if (!is_ip_literal(url.host) && !SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()))
    throw ClientError(ClientFailure::tls, "cannot set the TLS server name");
  tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    if (cancel && cancel->cancelled()) throw ClientError(ClientFailure::cancelled, "cancelled");
    throw ClientError(hec == beast::error::timeout ? ClientFailure::timeout : ClientFailure::tls,
                      "TLS: " + hec.message());
  }
  ClientResponse response = co_await exchange(tls, tcp, url, request, limits, on_data, cancel);
  // A polite close_notify, bounded: some servers never answer it.
  tcp.expires_after(std::chrono::milliseconds(500));
  auto [sec] = co_await tls.async_shutdown(kTuple);
  (void)sec;  // stream_truncated and timeouts here change nothing: the answer is complete
  co_return response;
}

}  // namespace planetude::http
