#include "routes/progress_routes.hpp"

#include <boost/json.hpp>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "models/json_text.hpp"
#include "models/progress.hpp"
#include "routes/authentication.hpp"
#include "routes/conditional_reads.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

void ProgressRoutes::add_to(http::Router& router) {
  router.add("POST", "/api/progress", [this](Request& r) { return create(r); });
  router.add("GET", "/api/progress", [this](Request& r) { return report(r); });
  router.add("DELETE", "/api/progress/:id", [this](Request& r) { return remove(r); });
}

asio::awaitable<Response> ProgressRoutes::create(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto input = models::parse_progress_input(req.json());
  auto entry = co_await progress_.record(who.user, std::move(input));
  co_return Response::json_text(201, models::json_text(entry));
}

asio::awaitable<Response> ProgressRoutes::report(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::vector<FieldError> problems;
  auto day = [&](const char* name) -> std::optional<std::string> {
    auto value = req.query_param(name);
    if (value && !datetime::parse_date(*value)) {
      problems.push_back({name, "doit être une date réelle au format AAAA-MM-JJ"});
      return std::nullopt;
    }
    return value;
  };
  auto from = day("from");
  auto to = day("to");
  if (!problems.empty()) throw errors::validation(std::move(problems));
  // The summary (streaks, this week) and the default period depend on the date, so does the tag.
  std::string etag = user_data_etag(who.user, req, ProgressService::today_for(who.user));
  if (auto unchanged = not_modified(req, etag)) co_return std::move(*unchanged);
  ProgressReport report = co_await progress_.report(who.user, std::move(from), std::move(to));
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("entries");
  w.begin_array();
  for (const auto& e : report.entries) models::write_json(w, e);
  w.end_array();
  w.key("summary");
  w.raw(json::serialize(models::progress_summary(report.entries, report.active_days, report.rest_days, report.today)));
  w.end_object();
  co_return with_validators(Response::json_text(200, std::move(body)), etag);
}

asio::awaitable<Response> ProgressRoutes::remove(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await progress_.remove(who.user.id, std::string(req.param("id")));
  co_return Response::no_content();
}

}  // namespace planetude::routes
