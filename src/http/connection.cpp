// One HTTP/1.1 connection: read a request (header first, so routing, size and type are decided
// before any body is read), dispatch it, write the answer, repeat while keep-alive allows.
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <cmath>

#include "core/errors.hpp"
#include "http/connection_state.hpp"
#include "http/server.hpp"
#include "middleware/content_type.hpp"
#include "middleware/errors.hpp"
#include "middleware/request_id.hpp"
#include "middleware/security_headers.hpp"
#include "observability/log.hpp"

namespace planetude::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Keeps the count of open connections and the shutdown registry right, however the coroutine ends.
struct ConnectionGuard {
  std::atomic<std::size_t>& open;
  std::mutex& mu;
  std::set<std::shared_ptr<Server::Connection>>& registry;
  std::shared_ptr<Server::Connection> self;
  ~ConnectionGuard() {
    {
      std::lock_guard lock(mu);
      registry.erase(self);
    }
    self->closed = true;
    --open;
  }
};

bhttp::response<bhttp::string_body> to_wire(Response& r, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.status), version};
  if (!r.content_type.empty()) res.set(bhttp::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers) res.insert(name, value);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

bool has_body(const bhttp::request_parser<bhttp::empty_body>& p) {
  return p.chunked() || (p.content_length() && *p.content_length() > 0);
}

bool carries_body_checked_for_type(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

asio::awaitable<void> Server::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto state = std::make_shared<Connection>(stream);
  ++open_connections_;
  {
    std::lock_guard lock(connections_mu_);
    connections_.insert(state);
  }
  ConnectionGuard guard{open_connections_, connections_mu_, connections_, state};

  boost::system::error_code ep_ec;
  auto peer = stream.socket().remote_endpoint(ep_ec);
  std::string client_ip = ep_ec ? std::string("unknown") : peer.address().to_string();

  if (open_connections_.load() > settings_.max_connections) {
    Response busy = middleware::error_response(ApiError(503, "overloaded", "Le serveur est saturé. Réessayez dans un instant."));
    busy.with_header("Retry-After", "1");
    middleware::add_security_headers(busy, settings_.production);
    auto wire = to_wire(busy, 11, false);
    stream.expires_after(milliseconds(1000));
    co_await bhttp::async_write(stream, wire, kTuple);
    stream.socket().shutdown(tcp::socket::shutdown_send, ep_ec);
    co_return;
  }

  beast::flat_buffer buffer;
  bool first = true;
  while (!draining_) {
    // Wait for the next request: the first has REQUEST_TIMEOUT_MS to arrive whole, later ones may
    // idle for IDLE_TIMEOUT_MS before their first byte.
    if (buffer.size() == 0) {
      state->idle = true;
      stream.expires_after(milliseconds(first ? settings_.request_timeout_ms : settings_.idle_timeout_ms));
      if (draining_) break;
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) break;
      buffer.commit(n);
    }
    state->idle = false;
    // From its first byte on, a request has REQUEST_TIMEOUT_MS to arrive whole.
    if (!first) stream.expires_after(milliseconds(settings_.request_timeout_ms));
    first = false;

    bhttp::request_parser<bhttp::empty_body> header_parser;
    header_parser.header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
    header_parser.body_limit(boost::none);
    // Beast 1.81 applies header_limit to each parse step, and a step consumes whole fields, so a
    // client could send headers without end. Feed the parser here and bound the total instead.
    boost::system::error_code hec;
    std::size_t header_bytes = 0;
    for (;;) {
      if (buffer.size() > 0) {
        std::size_t used = header_parser.put(buffer.data(), hec);
        buffer.consume(used);
        header_bytes += used;
        if (header_parser.is_header_done()) {
          hec = header_bytes > settings_.max_header_bytes ? bhttp::error::header_limit : boost::system::error_code{};
          break;
        }
        if (hec && hec != bhttp::error::need_more) break;
        hec = {};
      }
      if (header_bytes + buffer.size() > settings_.max_header_bytes) {
        hec = bhttp::error::header_limit;
        break;
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
      if (ec) {
        hec = ec;
        break;
      }
      buffer.commit(n);
    }
    auto start = std::chrono::steady_clock::now();
    if (hec == bhttp::error::header_limit) {
      Request req;
      req.request_id = middleware::request_id_for({});
      req.client_ip = client_ip;
      Response r = middleware::error_response(
          ApiError(431, "headers_too_large", "Les en-têtes de la requête sont trop volumineux."));
      finish(req, r, start);
      auto wire = to_wire(r, 11, false);
      co_await bhttp::async_write(stream, wire, kTuple);
      break;
    }
    if (hec) {
      if (hec != beast::error::timeout && hec != bhttp::error::end_of_stream && hec != asio::error::eof &&
          hec != asio::error::operation_aborted && hec != asio::error::connection_reset) {
        // Not HTTP: say so once and hang up.
        Request req;
        req.request_id = middleware::request_id_for({});
        req.client_ip = client_ip;
        Response r = middleware::error_response(ApiError(400, "bad_request", "Requête HTTP invalide."));
        finish(req, r, start);
        auto wire = to_wire(r, 11, false);
        co_await bhttp::async_write(stream, wire, kTuple);
      }
      break;
    }

    Request req;
    req.client_ip = client_ip;
    const auto& head = header_parser.get();
    req.request_id = middleware::request_id_for(std::string_view(head["X-Request-Id"]));
    std::string_view target(head.target().data(), head.target().size());
    auto url = boost::urls::parse_origin_form(target);
    RouteMatch match;
    if (url) {
      req.path = url->path();
      for (auto p : url->params()) req.query.emplace_back(p.key, p.has_value ? p.value : std::string());
      match = router_.match(std::string_view(head.method_string().data(), head.method_string().size()), req.path);
    }
    req.raw.method_string(head.method_string());
    req.raw.target(head.target());
    req.raw.version(head.version());
    for (const auto& f : head) req.raw.insert(f.name_string(), f.value());
    bool body_pending = has_body(header_parser);
    bool keep_alive = head.keep_alive();
    Response early;
    bool answered_early = false;

    // Routing first (API.md: 404 and 405 are decided before anything else), then the body's size.
    if (!match.route) {
      if (req.raw.method() == bhttp::verb::options && middleware::Cors::is_preflight(req) && !match.allowed.empty()) {
        early = cors_.preflight(req, match.allowed);
      } else if (!match.allowed.empty()) {
        std::string allow;
        for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
        early = middleware::error_response(ApiError(405, "method_not_allowed", "Méthode non autorisée sur cette ressource."));
        early.with_header("Allow", allow);
      } else {
        early = middleware::error_response(errors::not_found());
      }
      answered_early = true;
    } else if (header_parser.content_length() && *header_parser.content_length() > settings_.max_body_bytes) {
      early = middleware::error_response(ApiError(413, "payload_too_large", "Le corps de la requête est trop volumineux."));
      answered_early = true;
    }
    if (answered_early) {
      if (req.route.empty()) req.route = match.pattern;
      // An unread body would be taken for the next request: close instead.
      if (body_pending) keep_alive = false;
      finish(req, early, start);
      auto wire = to_wire(early, head.version(), keep_alive && !draining_);
      stream.expires_after(milliseconds(settings_.request_timeout_ms));
      auto [wec, wn] = co_await bhttp::async_write(stream, wire, kTuple);
      if (wec || !keep_alive) break;
      continue;
    }

    if (body_pending && beast::iequals(head[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.version()};
      auto [cec, cn] = co_await bhttp::async_write(stream, go_on, kTuple);
      if (cec) break;
    }
    bhttp::request_parser<bhttp::string_body> parser(std::move(header_parser));
    parser.body_limit(settings_.max_body_bytes);
    auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    req.route = match.route->pattern;
    if (bec == bhttp::error::body_limit) {
      Response r = middleware::error_response(ApiError(413, "payload_too_large", "Le corps de la requête est trop volumineux."));
      finish(req, r, start);
      auto wire = to_wire(r, 11, false);
      co_await bhttp::async_write(stream, wire, kTuple);
      break;
    }
    if (bec) break;
    req.raw = parser.release();
    req.params = std::move(match.params);

    Response res = co_await dispatch(req, match);
    keep_alive = req.raw.keep_alive() && !draining_;
    finish(req, res, start);
    if (res.stream) {
      bool ok = co_await write_event_stream(stream, req, res);
      if (!ok || !keep_alive || draining_) break;
      continue;
    }
    auto wire = to_wire(res, req.raw.version(), keep_alive);
    stream.expires_after(milliseconds(settings_.request_timeout_ms));
    auto [wec, wn] = co_await bhttp::async_write(stream, wire, kTuple);
    if (wec || !keep_alive) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<Response> Server::dispatch(Request& req, const RouteMatch& match) {
  try {
    std::string_view method = req.method();
    if (carries_body_checked_for_type(method) && !req.raw.body().empty() &&
        !middleware::is_json_content_type(req.header("Content-Type")))
      throw ApiError(415, "unsupported_media_type", "Le corps de la requête doit être en JSON (Content-Type: application/json).");
    co_return co_await match.route->handler(req);
  } catch (const ApiError& e) {
    co_return middleware::error_response(e);
  } catch (const std::exception& e) {
    log::error("unhandled_exception", {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    co_return middleware::error_response(errors::internal());
  }
}

void Server::finish(Request& req, Response& res, std::chrono::steady_clock::time_point start) {
  middleware::add_security_headers(res, settings_.production);
  cors_.apply(req, res);
  res.with_header("X-Request-Id", req.request_id);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string method(req.method().empty() ? "UNKNOWN" : req.method());
  std::string route = req.route.empty() ? "unmatched" : req.route;
  metrics_.http_requests.add({method, route, std::to_string(res.status)});
  metrics_.http_duration.observe({method, route}, seconds);
  log::info("request", {{"method", method},
                        {"route", route},
                        {"status", res.status},
                        {"duration_ms", std::round(seconds * 1e6) / 1e3},
                        {"request_id", req.request_id}});
}

}  // namespace planetude::http
