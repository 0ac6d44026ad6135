// /api/planning: list, create, read, replace, delete, patch one session, and the .ics export.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/planning/ai_planning_service.hpp"
#include "services/planning/calendar_service.hpp"
#include "services/planning/planning_service.hpp"

namespace planetude::routes {

class PlanningRoutes {
 public:
  PlanningRoutes(AuthService& auth, PlanningService& plannings, AiPlanningService& ai_plannings,
                 CalendarService& calendars)
      : auth_(auth), plannings_(plannings), ai_plannings_(ai_plannings), calendars_(calendars) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> list(http::Request& req);
  boost::asio::awaitable<http::Response> create(http::Request& req);
  boost::asio::awaitable<http::Response> get(http::Request& req);
  boost::asio::awaitable<http::Response> replace(http::Request& req);
  boost::asio::awaitable<http::Response> remove(http::Request& req);
  boost::asio::awaitable<http::Response> patch_session(http::Request& req);
  boost::asio::awaitable<http::Response> ics(http::Request& req);

  AuthService& auth_;
  PlanningService& plannings_;
  AiPlanningService& ai_plannings_;
  CalendarService& calendars_;
};

// Reads periode, from, to, limit and cursor of GET /api/planning; throws 400 naming the parameter.
store::PlanningQuery parse_planning_query(const http::Request& req, const date::time_zone* tz);

}  // namespace planetude::routes
