#include "http/client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
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
  req.set(bhttp::field::host, url.host);
  req.set(bhttp::field::user_agent, "planetude/" PLANETUDE_VERSION);
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.prepare_payload();
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
  if (wec) fail(wec, cancel, limits.deadline, "send");

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
  for (const auto& f : parser.get()) out.headers[text::to_lower_ascii(std::string(f.name_string()))] = std::string(f.value());
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
  std::string authority = target.host + ":" + target.port;
  bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, authority, 11};
  req.set(bhttp::field::host, authority);
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [wec, wn] = co_await bhttp::async_write(tcp, req, kTuple);
  if (wec) fail(wec, cancel, limits.deadline, "proxy CONNECT");
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  parser.skip(true);  // a CONNECT answer has no body: the tunnel starts right after the header
  auto [rec, rn] = co_await bhttp::async_read_header(tcp, buffer, parser, kTuple);
  if (rec) fail(rec, cancel, limits.deadline, "proxy CONNECT");
  if (parser.get().result_int() != 200)
    throw ClientError(ClientFailure::proxy, "the proxy refused the tunnel: " + std::to_string(parser.get().result_int()));
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
  std::string_view authority = text.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);  // no credentials
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
    if (u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  } else {
    u.host = std::string(authority);
    u.port = u.tls ? "443" : "80";
  }
  if (u.host.empty()) return std::nullopt;
  u.path = std::string(path);
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  return u;
}

HttpClient::HttpClient(std::optional<Url> proxy)
    : tls_(std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client)), proxy_(std::move(proxy)) {
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

  const bool tunnel = url.tls && proxy_;
  const Url& hop = tunnel ? *proxy_ : url;
  tcp::resolver resolver(executor);
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [rec, endpoints] = co_await resolver.async_resolve(hop.host, hop.port, kTuple);
  if (rec) fail(rec, cancel, limits.deadline, "resolve");
  auto [cec, ep] = co_await tcp.async_connect(endpoints, kTuple);
  if (cec) fail(cec, cancel, limits.deadline, "connect");
  if (tunnel) co_await connect_tunnel(tcp, url, limits, cancel);

  if (!url.tls) co_return co_await exchange(tcp, tcp, url, request, limits, on_data, cancel);

  beast::ssl_stream<beast::tcp_stream&> tls(tcp, *tls_);
  // SNI, and the certificate must name the host we asked for.
  if (!SSL_set_tlsext_host_name(tls.native_handle(), url.host.c_str()))
    throw ClientError(ClientFailure::tls, "cannot set the TLS server name");
  tls.set_verify_callback(asio::ssl::host_name_verification(url.host));
  tcp.expires_after(std::min(left(limits.deadline), limits.first_byte));
  auto [hec] = co_await tls.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    if (cancel && cancel->cancelled()) throw ClientError(ClientFailure::cancelled, "cancelled");
    throw ClientError(hec == beast::error::timeout ? ClientFailure::timeout : ClientFailure::tls, "TLS: " + hec.message());
  }
  ClientResponse response = co_await exchange(tls, tcp, url, request, limits, on_data, cancel);
  // A polite close_notify, bounded: some servers never answer it.
  tcp.expires_after(std::chrono::milliseconds(500));
  auto [sec] = co_await tls.async_shutdown(kTuple);
  (void)sec;  // stream_truncated and timeouts here change nothing: the answer is complete
  co_return response;
}

}  // namespace planetude::http
