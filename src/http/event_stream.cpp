// Server-sent events over HTTP/1.1 chunked encoding: the headers first, then one chunk per event.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <cerrno>

#include "core/errors.hpp"
#include "http/error_response.hpp"
#include "http/server.hpp"
#include "observability/log.hpp"

namespace planetude::http {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

class ChunkedEventSink : public EventSink {
 public:
  ChunkedEventSink(boost::beast::tcp_stream& stream, std::chrono::milliseconds write_timeout)
      : stream_(stream), write_timeout_(write_timeout) {}

  asio::awaitable<bool> send(std::string event, std::string data) override {
    if (broken_) co_return false;
    // One event: "event: NAME\ndata: JSON\n\n" (JSON holds no raw newline, so one data line).
    std::string text = "event: " + event + "\ndata: " + data + "\n\n";
    stream_.expires_after(write_timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(text)), kTuple);
    if (ec) hang_up();
    co_return !broken_;
  }

  Cancellation& cancellation() override { return cancel_; }

  void hang_up() {
    broken_ = true;
    if (!cancel_.cancelled()) cancel_.cancel();
  }

  asio::awaitable<bool> finish() {
    if (broken_) co_return false;
    stream_.expires_after(write_timeout_);
    auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk_last(), kTuple);
    co_return !ec;
  }

  bool broken() const { return broken_; }

 private:
  boost::beast::tcp_stream& stream_;
  std::chrono::milliseconds write_timeout_;
  bool broken_ = false;
  Cancellation cancel_;
};

// Watches the client's socket while the answer streams: readable with nothing to read means the
// client closed, so what the stream waits on (an AI provider) is cancelled at once.
struct HangUpWatch {
  bool finished = false;
};

asio::awaitable<void> watch_for_hang_up(boost::beast::tcp_stream& stream, ChunkedEventSink& sink,
                                        std::shared_ptr<HangUpWatch> watch) {
  for (;;) {
    auto [ec] = co_await stream.socket().async_wait(asio::ip::tcp::socket::wait_read, kTuple);
    if (watch->finished) co_return;  // the stream is over; `stream` and `sink` may be gone
    if (ec) {
      sink.hang_up();
      co_return;
    }
    // The peek must never block the strand: readiness can be reported with nothing to read (a
    // stale event), and Asio's synchronous receive would then poll without end, stalling the
    // whole stream until the client gives up. A non-blocking peek says "nothing yet": keep watching.
    char byte;
    ssize_t got = ::recv(stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
    if (got <= 0) {  // 0: the client closed; < 0: the connection broke
      sink.hang_up();
      co_return;
    }
    // The client sent more (a pipelined request): it is still there. Look again later.
    asio::steady_timer pause(stream.get_executor(), std::chrono::milliseconds(100));
    co_await pause.async_wait(kTuple);
    if (watch->finished) co_return;
  }
}

}  // namespace

asio::awaitable<bool> Server::write_event_stream(boost::beast::tcp_stream& stream, Request& req, Response& res) {
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), req.raw.version()};
  head.set(bhttp::field::content_type, "text/event-stream; charset=utf-8");
  head.set(bhttp::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");  // proxies must not hold events back
  for (const auto& [name, value] : res.headers) head.insert(name, value);
  head.chunked(true);
  head.keep_alive(req.raw.keep_alive());
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  auto timeout = std::chrono::milliseconds(settings_.request_timeout_ms);
  stream.expires_after(timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(stream, serializer, kTuple);
  if (hec) co_return false;

  ChunkedEventSink sink(stream, timeout);
  auto watch = std::make_shared<HangUpWatch>();
  asio::co_spawn(stream.get_executor(), watch_for_hang_up(stream, sink, watch), asio::detached);
  struct StopWatch {
    std::shared_ptr<HangUpWatch> watch;
    boost::beast::tcp_stream& stream;
    ~StopWatch() {
      watch->finished = true;
      boost::system::error_code ignored;
      stream.socket().cancel(ignored);  // wakes the watcher, which then leaves without touching anything
    }
  } stop_watch{watch, stream};
  bool failed = false;
  try {
    co_await res.stream(sink);
  } catch (const DomainError& e) {
    log::warn("stream_failed", {{"request_id", req.request_id}, {"code", e.code()}});
    failed = true;
  } catch (const std::exception& e) {
    log::error("stream_failed", {{"request_id", req.request_id}, {"error", e.what()}});
    failed = true;
  }
  if (failed) {
    // The status line is gone already: report the server's own failure as an `error` event.
    Response error = error_response(errors::internal());
    co_await sink.send("error", std::move(error.body));
  }
  co_return co_await sink.finish();
}

}  // namespace planetude::http
