#include "routes/auth_routes.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "models/user.hpp"
#include "routes/authentication.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
using http::Request;
using http::Response;

void AuthRoutes::add_to(http::Router& router) {
  router.add("POST", "/api/auth/register", [this](Request& r) { return register_user(r); });
  router.add("POST", "/api/auth/login", [this](Request& r) { return login(r); });
  router.add("POST", "/api/auth/logout", [this](Request& r) { return logout(r); });
}

Response AuthRoutes::session_response(unsigned status, const AuthResult& result) const {
  auto r = Response::json(status, boost::json::object{{"user", models::to_json(result.user)},
                                                      {"token", result.token},
                                                      {"expiresAt", clock::format_rfc3339(result.expires_at_ms)}});
  r.with_header("Set-Cookie", session_cookie(result.token, ttl_, production_));
  r.with_header("Cache-Control", "no-store");
  return r;
}

asio::awaitable<Response> AuthRoutes::register_user(Request& req) {
  auto input = models::parse_register(req.json());
  AuthResult result = co_await auth_.register_user(std::move(input), req.client_ip);
  co_return session_response(201, result);
}

asio::awaitable<Response> AuthRoutes::login(Request& req) {
  auto input = models::parse_login(req.json());
  AuthResult result = co_await auth_.login(std::move(input), req.client_ip);
  co_return session_response(200, result);
}

asio::awaitable<Response> AuthRoutes::logout(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await auth_.logout(std::move(who));
  Response r = Response::no_content();
  r.with_header("Set-Cookie", cleared_session_cookie(production_));
  co_return r;
}

}  // namespace planetude::routes
