#include "routes/rest_day_routes.hpp"

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "models/rest_day.hpp"
#include "routes/authentication.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

// A list covers at most a little more than a year (what may be marked: 31 days back, 366 ahead).
constexpr int kMaxListDays = 400;

std::string days_json(const std::vector<store::RestDayRecord>& days, int days_off_left) {
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("jours");
  w.begin_array();
  for (const auto& d : days) models::write_json(w, d);
  w.end_array();
  w.field("joursOffRestants", std::int64_t{days_off_left});
  w.field("joursOffParMois", std::int64_t{kDaysOffPerMonth});
  w.end_object();
  return body;
}

}  // namespace

void RestDayRoutes::add_to(http::Router& router) {
  router.add("GET", "/api/rest-days", [this](Request& r) { return list(r); });
  router.add("POST", "/api/rest-days", [this](Request& r) { return mark(r); });
  router.add("DELETE", "/api/rest-days/:date", [this](Request& r) { return unmark(r); });
}

asio::awaitable<Response> RestDayRoutes::list(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto today = datetime::local_day(clock::now_ms(), datetime::zone(who.user.timezone));
  std::vector<FieldError> problems;
  auto day = [&](const char* name, date::year_month_day fallback) {
    auto value = req.query_param(name);
    if (!value) return fallback;
    auto parsed = datetime::parse_date(*value);
    if (!parsed) problems.push_back({name, "doit être une date réelle au format AAAA-MM-JJ"});
    return parsed.value_or(fallback);
  };
  auto from = day("from", datetime::add_days(today, -kRestDaysBack));
  auto to = day("to", datetime::add_days(today, kRestDaysAhead));
  if (problems.empty() && date::sys_days(to) < date::sys_days(from))
    problems.push_back({"from", "doit être antérieure ou égale à « to »"});
  if (problems.empty() && (date::sys_days(to) - date::sys_days(from)).count() > kMaxListDays)
    problems.push_back({"to", "la période demandée ne peut pas dépasser 400 jours"});
  if (!problems.empty()) throw errors::validation(std::move(problems));
  RestDaysView v = co_await rest_days_.list(who.user, datetime::format_date(from), datetime::format_date(to));
  auto r = Response::json_text(200, days_json(v.days, v.days_off_left_this_month));
  r.with_header("Cache-Control", "private, no-cache");
  co_return r;
}

asio::awaitable<Response> RestDayRoutes::mark(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto input = models::parse_rest_day_input(req.json());
  auto user = who.user;
  // A named argument: GCC 12 destroys a braced temporary passed to a coroutine twice.
  RestDaySpan span{input.type, input.du, input.au};
  auto marked = co_await rest_days_.mark(std::move(who.user), std::move(span));
  RestDaysView v = co_await rest_days_.list(user, input.du, input.au);
  co_return Response::json_text(201, days_json(marked, v.days_off_left_this_month));
}

asio::awaitable<Response> RestDayRoutes::unmark(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await rest_days_.unmark(who.user.id, std::string(req.param("date")));
  co_return Response::no_content();
}

}  // namespace planetude::routes
