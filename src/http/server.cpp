#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <thread>

#include "http/connection_state.hpp"
#include "observability/log.hpp"

namespace planetude::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// Who may write with the session cookie besides the page's own origin: the CORS allowlist (its
// pages already read the API with credentials) and the public URL.
std::vector<std::string> trusted_origins(const ServerSettings& s) {
  std::vector<std::string> all = s.cors_origins;
  all.insert(all.end(), s.trusted_origins.begin(), s.trusted_origins.end());
  return all;
}
}  // namespace

Server::Server(ServerSettings settings, const Router& router, metrics::Registry& metrics)
    : settings_(std::move(settings)),
      router_(router),
      metrics_(metrics),
      cors_(settings_.cors_origins),
      cross_origin_(trusted_origins(settings_)),
      ioc_(static_cast<int>(settings_.io_threads)),
      acceptor_(ioc_) {}

Server::~Server() = default;

std::uint16_t Server::listen() {
  tcp::endpoint endpoint(asio::ip::make_address(settings_.host), settings_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  return acceptor_.local_endpoint().port();
}

void Server::run() {
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
  asio::co_spawn(ioc_, wait_for_signal(), asio::detached);
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < settings_.io_threads; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
}

void Server::stop() { asio::co_spawn(ioc_, drain(), asio::detached); }

asio::awaitable<void> Server::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), asio::as_tuple(asio::use_awaitable));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors, say: log, breathe, go on accepting.
      log::warn("accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(ioc_, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    // Streamed replies are many small writes: Nagle's algorithm would hold each behind the
    // client's delayed ACK (up to 40 ms a delta).
    boost::system::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::wait_for_signal() {
  asio::signal_set signals(ioc_, SIGINT, SIGTERM);
  auto [ec, signo] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec) co_return;
  log::info("shutdown_requested", {{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"}});
  co_await drain();
}

asio::awaitable<void> Server::drain() {
  if (draining_.exchange(true)) co_return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  // Idle connections close now; busy ones close after the response they are working on.
  {
    std::lock_guard lock(connections_mu_);
    for (const auto& c : connections_) c->close_if_idle();
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(settings_.shutdown_timeout_ms);
  asio::steady_timer timer(ioc_);
  while (open_connections_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (open_connections_.load() > 0) {
    log::warn("shutdown_timeout", {{"open_connections", static_cast<std::uint64_t>(open_connections_.load())}});
    // Past the deadline: close what is left, and give the coroutines a moment to unwind.
    {
      std::lock_guard lock(connections_mu_);
      for (const auto& c : connections_) c->close_now();
    }
    auto grace = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (open_connections_.load() > 0 && std::chrono::steady_clock::now() < grace) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
  ioc_.stop();
}

}  // namespace planetude::http
