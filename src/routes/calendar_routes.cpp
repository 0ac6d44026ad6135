#include "routes/calendar_routes.hpp"

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "routes/authentication.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
using http::Request;
using http::Response;

void CalendarRoutes::add_to(http::Router& router) {
  router.add("POST", "/api/users/me/calendar-feed", [this](Request& r) { return create_feed(r); });
  router.add("DELETE", "/api/users/me/calendar-feed", [this](Request& r) { return delete_feed(r); });
  router.add("GET", "/cal/:file", [this](Request& r) { return feed(r); });
}

std::string CalendarRoutes::origin(const Request& req) const {
  if (!public_url_.empty()) return public_url_;
  std::string_view host = req.header("Host");
  bool sane = !host.empty() && host.size() <= 255;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      sane = false;
  return "http://" + (sane ? std::string(host) : std::string("localhost"));
}

asio::awaitable<Response> CalendarRoutes::create_feed(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::string secret = co_await calendars_.create_feed(who.user.id);
  auto r = Response::json(201, boost::json::object{{"url", origin(req) + "/cal/" + secret + ".ics"}});
  r.with_header("Cache-Control", "no-store");
  co_return r;
}

asio::awaitable<Response> CalendarRoutes::delete_feed(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await calendars_.delete_feed(who.user.id);
  co_return Response::no_content();
}

asio::awaitable<Response> CalendarRoutes::feed(Request& req) {
  std::string_view file = req.param("file");
  constexpr std::string_view kSuffix = ".ics";
  if (file.size() <= kSuffix.size() || file.substr(file.size() - kSuffix.size()) != kSuffix) throw errors::not_found();
  auto calendar = co_await calendars_.feed(std::string(file.substr(0, file.size() - kSuffix.size())));
  if (!calendar) throw errors::not_found();
  auto r = Response::text(200, "text/calendar; charset=utf-8", std::move(*calendar));
  r.with_header("Cache-Control", "private, max-age=300");
  co_return r;
}

}  // namespace planetude::routes
