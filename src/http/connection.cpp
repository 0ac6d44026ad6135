// One HTTP/1.1 connection: wait for a request, read its header (so routing, size and type are
// decided before any body is read), read the body, dispatch, answer; repeat while keep-alive allows.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include <cmath>

#include "core/errors.hpp"
#include "http/client_address.hpp"
#include "http/connection_state.hpp"
#include "http/content_type.hpp"
#include "http/error_response.hpp"
#include "http/framing.hpp"
#include "http/request_id.hpp"
#include "http/security_headers.hpp"
#include "http/server.hpp"
#include "observability/log.hpp"

namespace planetude::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using HeadParser = bhttp::request_parser<bhttp::empty_body>;

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
  // RFC 9110 §8.6: a 1xx, 204 or 304 answer has no Content-Length (Beast 1.81 sets it to 0).
  if (r.status == 204 || r.status == 304 || r.status < 200) res.content_length(boost::none);
  return res;
}

// Writes an answer; to a HEAD request, its header only (RFC 9110 §9.3.2), whatever the status.
asio::awaitable<boost::system::error_code> write_answer(beast::tcp_stream& stream,
                                                        bhttp::response<bhttp::string_body>& wire, bool head) {
  boost::system::error_code ec;
  if (head) {
    bhttp::response_serializer<bhttp::string_body> header_only(wire);
    std::tie(ec, std::ignore) = co_await bhttp::async_write_header(stream, header_only, kTuple);
  } else {
    std::tie(ec, std::ignore) = co_await bhttp::async_write(stream, wire, kTuple);
  }
  co_return ec;
}

bool has_body(const HeadParser& p) { return p.chunked() || (p.content_length() && *p.content_length() > 0); }

bool carries_body_checked_for_type(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// Read errors that only mean the client went away or stayed silent: nothing to answer.
bool is_hang_up(const boost::system::error_code& ec) {
  return ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::operation_aborted || ec == asio::error::connection_reset;
}

std::string peer_address(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  auto peer = stream.socket().remote_endpoint(ec);
  return ec ? std::string("unknown") : peer.address().to_string();
}

Response payload_too_large() {
  return error_response(413, "payload_too_large", "Le corps de la requête est trop volumineux.");
}

// Every X-Forwarded-For line, in order, as one list (RFC 9110 §5.3).
std::string forwarded_for(const HeadParser::value_type& head) {
  std::string out;
  auto [it, end] = head.equal_range("X-Forwarded-For");
  for (; it != end; ++it) {
    if (!out.empty()) out += ", ";
    out += it->value();
  }
  return out;
}

// The request a handler sees, built from the parsed header (the body comes later).
Request request_from(const HeadParser::value_type& head, const std::string& peer, const IpRanges& trusted_proxies) {
  Request req;
  req.client_ip = trusted_proxies.empty() ? peer : client_address(peer, forwarded_for(head), trusted_proxies);
  req.request_id = request_id_for(std::string_view(head["X-Request-Id"]));
  req.raw.method_string(head.method_string());
  req.raw.target(head.target());
  req.raw.version(head.version());
  for (const auto& f : head) req.raw.insert(f.name_string(), f.value());
  return req;
}

// A request that cannot be matched to a route or parsed gets an id for its log line anyway.
Request unparsed_request(std::string client_ip) {
  Request req;
  req.request_id = request_id_for({});
  req.client_ip = std::move(client_ip);
  return req;
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
  std::string client_ip = peer_address(stream);

  if (open_connections_.load() > settings_.max_connections) {
    co_await refuse_overloaded(stream);
    co_return;
  }

  beast::flat_buffer buffer;
  bool first = true;
  while (!draining_) {
    if (!co_await wait_for_request(stream, buffer, *state, first)) break;
    first = false;
    auto start = std::chrono::steady_clock::now();

    HeadParser head_parser;
    boost::system::error_code ec = co_await read_head(stream, buffer, head_parser);
    if (ec) {
      // The request line may have been read: a HEAD request gets no body, even then.
      co_await answer_unreadable(stream, ec, client_ip, start, head_parser.get().method() == bhttp::verb::head);
      break;
    }
    Request req = request_from(head_parser.get(), client_ip, settings_.trusted_proxies);
    if (auto refused = framing_refusal(head_parser.get())) {
      // The body's length is unknown or the header is unusable: answer, then close.
      co_await send(stream, req, *refused, start, head_parser.get().version(), false);
      break;
    }
    RouteMatch match = route(req);
    if (auto early = refusal_before_body(req, match, head_parser)) {
      // An unread body would be taken for the next request: close instead.
      bool keep_alive = head_parser.get().keep_alive() && !has_body(head_parser);
      if (!co_await send(stream, req, *early, start, head_parser.get().version(), keep_alive)) break;
      continue;
    }
    if (!co_await read_body(stream, buffer, head_parser, req, body_limit(match), start)) break;
    req.params = std::move(match.params);

    Response res = co_await dispatch(req, match);
    bool keep_alive = req.raw.keep_alive() && !draining_;
    if (res.stream) {
      finish(req, res, start);
      bool ok = co_await write_event_stream(stream, req, res);
      if (!ok || !keep_alive || draining_) break;
      continue;
    }
    if (!co_await send(stream, req, res, start, req.raw.version(), keep_alive)) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Server::refuse_overloaded(beast::tcp_stream& stream) {
  Response busy = error_response(503, "overloaded", "Le serveur est saturé. Réessayez dans un instant.");
  busy.with_header("Retry-After", "1");
  add_security_headers(busy, settings_.production);
  auto wire = to_wire(busy, 11, false);
  stream.expires_after(milliseconds(1000));
  co_await bhttp::async_write(stream, wire, kTuple);
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<bool> Server::wait_for_request(beast::tcp_stream& stream, beast::flat_buffer& buffer, Connection& state,
                                               bool first) {
  // The first request has REQUEST_TIMEOUT_MS to arrive whole; later ones may idle for
  // IDLE_TIMEOUT_MS before their first byte (a pipelined request may already be buffered).
  if (buffer.size() == 0) {
    state.idle = true;
    stream.expires_after(milliseconds(first ? settings_.request_timeout_ms : settings_.idle_timeout_ms));
    if (draining_) co_return false;
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
    if (ec) co_return false;
    buffer.commit(n);
  }
  state.idle = false;
  // From its first byte on, a request has REQUEST_TIMEOUT_MS to arrive whole.
  if (!first) stream.expires_after(milliseconds(settings_.request_timeout_ms));
  co_return true;
}

asio::awaitable<boost::system::error_code> Server::read_head(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                             HeadParser& parser) {
  parser.header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
  parser.body_limit(boost::none);
  // Beast 1.81 applies header_limit to each parse step, and a step consumes whole fields, so a
  // client could send headers without end. Feed the parser here and bound the total instead.
  std::size_t header_bytes = 0;
  char last_byte = '\0';
  for (;;) {
    if (buffer.size() > 0) {
      boost::system::error_code ec;
      std::size_t used = parser.put(buffer.data(), ec);
      std::string_view parsed(static_cast<const char*>(buffer.data().data()), used);
      if (starts_folded_line(last_byte, parsed)) co_return bhttp::error::bad_field;
      if (used > 0) last_byte = parsed.back();
      buffer.consume(used);
      header_bytes += used;
      if (parser.is_header_done())
        co_return header_bytes > settings_.max_header_bytes ? bhttp::error::header_limit : boost::system::error_code{};
      if (ec && ec != bhttp::error::need_more) co_return ec;
    }
    if (header_bytes + buffer.size() > settings_.max_header_bytes) co_return bhttp::error::header_limit;
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kTuple);
    if (ec) co_return ec;
    buffer.commit(n);
  }
}

asio::awaitable<void> Server::answer_unreadable(beast::tcp_stream& stream, boost::system::error_code ec,
                                                const std::string& client_ip,
                                                std::chrono::steady_clock::time_point start, bool head_request) {
  Response r;
  if (ec == bhttp::error::header_limit)
    r = error_response(431, "headers_too_large", "Les en-têtes de la requête sont trop volumineux.");
  else if (!is_hang_up(ec))
    r = error_response(400, "bad_request", "Requête HTTP invalide.");  // not HTTP: say so once and hang up
  else co_return;
  Request req = unparsed_request(client_ip);
  finish(req, r, start);
  auto wire = to_wire(r, 11, false);
  co_await write_answer(stream, wire, head_request);
}

RouteMatch Server::route(Request& req) const {
  auto target = parse_target(std::string_view(req.raw.target().data(), req.raw.target().size()));
  if (!target) return {};
  req.path = std::move(target->path);
  req.query = std::move(target->query);
  if (target->authority) req.raw.set(bhttp::field::host, *target->authority);
  RouteMatch match = router_.match(req.method(), req.path);
  req.route = match.route ? match.route->pattern : match.pattern;
  return match;
}

std::optional<Response> Server::refusal_before_body(const Request& req, const RouteMatch& match,
                                                    const HeadParser& parser) const {
  // Routing first (404 and 405 are decided before anything else), then the body's size.
  if (!match.route) {
    if (req.raw.method() == bhttp::verb::options && Cors::is_preflight(req) && !match.allowed.empty())
      return cors_.preflight(req, match.allowed);
    if (match.allowed.empty()) return error_response(errors::not_found());
    std::string allow;
    for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = error_response(405, "method_not_allowed", "Méthode non autorisée sur cette ressource.");
    r.with_header("Allow", allow);
    return r;
  }
  if (parser.content_length() && *parser.content_length() > body_limit(match)) return payload_too_large();
  return std::nullopt;
}

std::size_t Server::body_limit(const RouteMatch& match) const {
  if (match.route && match.route->body.max_bytes > 0) return match.route->body.max_bytes;
  return settings_.max_body_bytes;
}

asio::awaitable<bool> Server::read_body(beast::tcp_stream& stream, beast::flat_buffer& buffer, HeadParser& head,
                                        Request& req, std::size_t limit, std::chrono::steady_clock::time_point start) {
  const auto& fields = head.get();
  if (has_body(head) && beast::iequals(fields[bhttp::field::expect], "100-continue")) {
    bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, fields.version()};
    auto [ec, n] = co_await bhttp::async_write(stream, go_on, kTuple);
    if (ec) co_return false;
  }
  bhttp::request_parser<bhttp::string_body> parser(std::move(head));
  parser.body_limit(limit);
  auto [ec, n] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
  if (ec == bhttp::error::body_limit) {
    Response r = payload_too_large();
    finish(req, r, start);
    auto wire = to_wire(r, 11, false);
    co_await write_answer(stream, wire, req.raw.method() == bhttp::verb::head);
    co_return false;
  }
  if (ec) co_return false;
  // Keep what the header step derived (route, request id, the Host an absolute-form target
  // gave) and take the whole message.
  std::optional<std::string> host;
  if (req.raw.count(bhttp::field::host) > 0) host = std::string(req.raw[bhttp::field::host]);
  req.raw = parser.release();
  if (host) req.raw.set(bhttp::field::host, *host);
  co_return true;
}

asio::awaitable<bool> Server::send(beast::tcp_stream& stream, Request& req, Response& res,
                                   std::chrono::steady_clock::time_point start, unsigned version, bool keep_alive) {
  keep_alive = keep_alive && !draining_;
  finish(req, res, start);
  auto wire = to_wire(res, version, keep_alive);
  stream.expires_after(milliseconds(settings_.request_timeout_ms));
  // To HEAD: the header of the GET answer, Content-Length included, and never a body.
  auto ec = co_await write_answer(stream, wire, req.raw.method() == bhttp::verb::head);
  co_return !ec && keep_alive;
}

asio::awaitable<Response> Server::dispatch(Request& req, const RouteMatch& match) {
  try {
    if (cross_origin_.refuses(req))
      co_return error_response(403, "cross_origin_request",
                               "Requête refusée : elle vient d'un autre site que PlanÉtude.");
    if (carries_body_checked_for_type(req.method()) && !req.raw.body().empty() &&
        !has_media_type(req.header("Content-Type"), match.route->body.media_type))
      co_return error_response(415, "unsupported_media_type", match.route->body.wrong_type_message);
    co_return co_await match.route->handler(req);
  } catch (const DomainError& e) {
    co_return error_response(e);
  } catch (const std::exception& e) {
    log::error("unhandled_exception", {{"request_id", req.request_id}, {"route", req.route}, {"error", e.what()}});
    co_return error_response(errors::internal());
  }
}

void Server::finish(Request& req, Response& res, std::chrono::steady_clock::time_point start) {
  add_security_headers(res, settings_.production);
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
