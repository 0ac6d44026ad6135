// What the server knows of one open connection, so that shutdown can close it while it is idle.
#pragma once
#include <boost/asio/post.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>

#include "http/server.hpp"

namespace planetude::http {

struct Server::Connection : std::enable_shared_from_this<Server::Connection> {
  explicit Connection(boost::beast::tcp_stream& s) : stream(s) {}

  boost::beast::tcp_stream& stream;
  std::atomic<bool> idle{true};
  std::atomic<bool> closed{false};

  // Runs on the connection's strand: the stream is only ever touched there.
  void close_if_idle() {
    boost::asio::post(stream.get_executor(), [self = shared_from_this()] {
      if (self->idle && !self->closed) {
        boost::system::error_code ignored;
        self->stream.socket().cancel(ignored);
      }
    });
  }

  void close_now() {
    boost::asio::post(stream.get_executor(), [self = shared_from_this()] {
      if (!self->closed) {
        boost::system::error_code ignored;
        self->stream.socket().close(ignored);
      }
    });
  }
};

}  // namespace planetude::http
