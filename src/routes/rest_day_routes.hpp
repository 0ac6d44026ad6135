// Rest days: GET and POST /api/rest-days, DELETE /api/rest-days/:date.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/progress/rest_day_service.hpp"

namespace planetude::routes {

class RestDayRoutes {
 public:
  RestDayRoutes(AuthService& auth, RestDayService& rest_days) : auth_(auth), rest_days_(rest_days) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> list(http::Request& req);
  boost::asio::awaitable<http::Response> mark(http::Request& req);
  boost::asio::awaitable<http::Response> unmark(http::Request& req);

  AuthService& auth_;
  RestDayService& rest_days_;
};

}  // namespace planetude::routes
