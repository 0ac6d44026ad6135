// The calendar feed: POST/DELETE /api/users/me/calendar-feed, and GET /cal/<secret>.ics, which
// calendar apps fetch without a token.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/planning/calendar_service.hpp"

namespace planetude::routes {

class CalendarRoutes {
 public:
  CalendarRoutes(AuthService& auth, CalendarService& calendars, std::string public_url)
      : auth_(auth), calendars_(calendars), public_url_(std::move(public_url)) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> create_feed(http::Request& req);
  boost::asio::awaitable<http::Response> delete_feed(http::Request& req);
  boost::asio::awaitable<http::Response> feed(http::Request& req);
  std::string origin(const http::Request& req) const;

  AuthService& auth_;
  CalendarService& calendars_;
  std::string public_url_;
};

}  // namespace planetude::routes
