// The HTTP/1.1 server: Beast over Asio with C++20 coroutines, I/O on a few threads, one strand
// per connection. It owns connection limits, timeouts and graceful shutdown; what a request
// means is the router's business.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/ip_ranges.hpp"
#include "http/cors.hpp"
#include "http/cross_origin.hpp"
#include "http/router.hpp"
#include "observability/metrics.hpp"

namespace planetude::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5000;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  std::size_t max_connections = 10000;
  std::int64_t request_timeout_ms = 30000;
  std::int64_t idle_timeout_ms = 60000;
  std::int64_t shutdown_timeout_ms = 10000;
  std::size_t io_threads = 1;
  bool production = false;
  std::vector<std::string> cors_origins;
  // Origins besides the request's own allowed to write with the session cookie (PUBLIC_URL's).
  std::vector<std::string> trusted_origins;
  // Peers whose X-Forwarded-For names the client (http/client_address.hpp).
  IpRanges trusted_proxies;
};

class Server {
 public:
  Server(ServerSettings settings, const Router& router, metrics::Registry& metrics);
  ~Server();

  // Binds and listens; returns the port (useful with port 0).
  std::uint16_t listen();
  // Serves on `io_threads` threads until SIGTERM/SIGINT (or stop()), then drains and returns.
  void run();
  // Starts a graceful shutdown from any thread.
  void stop();

  struct Connection;

 private:
  // One connection, request after request; each step below is one stage of a request.
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> refuse_overloaded(boost::beast::tcp_stream& stream);
  // False when the client left or stayed silent past its timeout.
  boost::asio::awaitable<bool> wait_for_request(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                                                Connection& state, bool first);
  // Parses the header, bounding its total size; an error means the request cannot be served.
  boost::asio::awaitable<boost::system::error_code> read_head(
      boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
      boost::beast::http::request_parser<boost::beast::http::empty_body>& parser);
  // 431 or 400 for a header that could not be read (nothing for a client that hung up); to a HEAD
  // request (when its request line could be read), without the body.
  boost::asio::awaitable<void> answer_unreadable(boost::beast::tcp_stream& stream, boost::system::error_code ec,
                                                 const std::string& client_ip,
                                                 std::chrono::steady_clock::time_point start, bool head_request);
  // Fills path, query and route template; the match says which handler, or 404/405.
  RouteMatch route(Request& request) const;
  // 404, 405, a CORS preflight or 413 (declared size): answers decided before reading any body.
  std::optional<Response> refusal_before_body(
      const Request& request, const RouteMatch& match,
      const boost::beast::http::request_parser<boost::beast::http::empty_body>& parser) const;
  // Reads the body (after 100-continue when asked); false when the connection must close.
  boost::asio::awaitable<bool> read_body(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer,
                                         boost::beast::http::request_parser<boost::beast::http::empty_body>& head,
                                         Request& request, std::size_t limit,
                                         std::chrono::steady_clock::time_point start);
  // The largest body the matched route takes.
  std::size_t body_limit(const RouteMatch& match) const;
  // Logs and writes the answer; true when the connection stays open for another request.
  boost::asio::awaitable<bool> send(boost::beast::tcp_stream& stream, Request& request, Response& response,
                                    std::chrono::steady_clock::time_point start, unsigned version, bool keep_alive);
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> wait_for_signal();
  boost::asio::awaitable<void> drain();
  boost::asio::awaitable<Response> dispatch(Request& request, const RouteMatch& match);
  void finish(Request& request, Response& response, std::chrono::steady_clock::time_point start);
  // Sends `response` as server-sent events (chunked); false when the connection is no longer usable.
  boost::asio::awaitable<bool> write_event_stream(boost::beast::tcp_stream& stream, Request& request,
                                                  Response& response);

  ServerSettings settings_;
  const Router& router_;
  metrics::Registry& metrics_;
  Cors cors_;
  CrossOriginGuard cross_origin_;
  std::atomic<bool> draining_{false};
  std::atomic<std::size_t> open_connections_{0};
  std::mutex connections_mu_;
  std::set<std::shared_ptr<Connection>> connections_;
  // Declared after what connection coroutines touch: when the io_context is destroyed, the
  // coroutine frames it still holds are destroyed too, and their guards need the registry.
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace planetude::http
