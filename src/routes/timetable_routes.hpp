// The school timetable: PUT /api/timetable (a text/calendar body), GET and DELETE.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/planning/timetable_service.hpp"

namespace planetude::routes {

class TimetableRoutes {
 public:
  TimetableRoutes(AuthService& auth, TimetableService& timetable) : auth_(auth), timetable_(timetable) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> import(http::Request& req);
  boost::asio::awaitable<http::Response> view(http::Request& req);
  boost::asio::awaitable<http::Response> remove(http::Request& req);

  AuthService& auth_;
  TimetableService& timetable_;
};

}  // namespace planetude::routes
