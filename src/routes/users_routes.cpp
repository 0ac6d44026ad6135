#include "routes/users_routes.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "models/chat.hpp"
#include "models/json_text.hpp"
#include "models/planning.hpp"
#include "models/progress.hpp"
#include "models/proposal.hpp"
#include "models/timetable.hpp"
#include "models/user.hpp"
#include "routes/authentication.hpp"
#include "routes/conditional_reads.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

void UsersRoutes::add_to(http::Router& router) {
  router.add("GET", "/api/users/me", [this](Request& r) { return get_me(r); });
  router.add("PATCH", "/api/users/me", [this](Request& r) { return patch_me(r); });
  router.add("DELETE", "/api/users/me", [this](Request& r) { return delete_me(r); });
  router.add("PUT", "/api/users/me/password", [this](Request& r) { return change_password(r); });
  router.add("GET", "/api/users/me/export", [this](Request& r) { return export_me(r); });
}

asio::awaitable<Response> UsersRoutes::get_me(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::string etag = user_data_etag(who.user, req);
  if (auto unchanged = not_modified(req, etag)) co_return std::move(*unchanged);
  co_return with_validators(Response::json_text(200, models::json_text(who.user)), etag);
}

asio::awaitable<Response> UsersRoutes::patch_me(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto update = models::parse_profile_update(req.json());
  store::UserRecord user = co_await users_.update_profile(std::move(who.user), std::move(update));
  co_return Response::json_text(200, models::json_text(user));
}

asio::awaitable<Response> UsersRoutes::delete_me(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::string password = models::parse_account_deletion(req.json());
  co_await users_.delete_account(std::move(who.user), std::move(password));
  Response r = Response::no_content();
  r.with_header("Set-Cookie", cleared_session_cookie(production_));
  co_return r;
}

asio::awaitable<Response> UsersRoutes::change_password(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto input = models::parse_password_change(req.json());
  co_await auth_.change_password(std::move(who), std::move(input));
  co_return Response::no_content();
}

asio::awaitable<Response> UsersRoutes::export_me(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  UserExport all = co_await users_.export_all(std::move(who.user));
  json::array plannings, progress, messages, proposals;
  for (const auto& p : all.plannings) plannings.push_back(models::to_json(p));
  for (const auto& e : all.progress) progress.push_back(models::to_json(e));
  for (const auto& m : all.messages) messages.push_back(models::to_json(m));
  for (const auto& p : all.proposals) proposals.push_back(models::to_json(p));
  json::array rest_days;
  for (const auto& d : all.rest_days) rest_days.push_back(json::object{{"date", d.date}, {"type", d.kind}});
  json::value timetable = nullptr;
  if (all.timetable) {
    json::object t = models::to_json(models::TimetableSummary{*all.timetable, {}});
    t.erase("examens");
    json::array events;
    for (const auto& e : all.timetable_events) events.push_back(models::to_json(e));
    t["evenements"] = std::move(events);
    timetable = std::move(t);
  }
  auto r = Response::json(
      200, json::object{
               {"user", models::to_json(all.user)},
               {"plannings", std::move(plannings)},
               {"progress", std::move(progress)},
               {"chat", json::object{{"messages", std::move(messages)}, {"proposals", std::move(proposals)}}},
               {"timetable", std::move(timetable)},
               {"joursRepos", std::move(rest_days)},
               {"exportedAt", clock::format_rfc3339(all.exported_at)},
           });
  r.with_header("Content-Disposition", "attachment; filename=\"planetude-export.json\"");
  r.with_header("Cache-Control", "no-store");
  co_return r;
}

}  // namespace planetude::routes
