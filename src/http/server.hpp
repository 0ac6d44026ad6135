// The HTTP/1.1 server: Beast over Asio with C++20 coroutines, I/O on a few threads, one strand
// per connection. It owns connection limits, timeouts and graceful shutdown; what a request
// means is the router's business.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "http/router.hpp"
#include "middleware/cors.hpp"
#include "observability/metrics.hpp"

namespace planetude::http {

struct ServerSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5000;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 10000;
  std::int64_t request_timeout_ms = 30000;
  std::int64_t idle_timeout_ms = 60000;
  std::int64_t shutdown_timeout_ms = 10000;
  std::size_t io_threads = 1;
  bool production = false;
  std::vector<std::string> cors_origins;
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
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> wait_for_signal();
  boost::asio::awaitable<void> drain();
  boost::asio::awaitable<Response> dispatch(Request& request, const RouteMatch& match);
  void finish(Request& request, Response& response, std::chrono::steady_clock::time_point start);
  // Sends `response` as server-sent events (chunked); false when the connection is no longer usable.
  boost::asio::awaitable<bool> write_event_stream(boost::beast::tcp_stream& stream, Request& request, Response& response);

  ServerSettings settings_;
  const Router& router_;
  metrics::Registry& metrics_;
  middleware::Cors cors_;
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
