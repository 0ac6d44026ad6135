#include "routes/planning_routes.hpp"

#include <boost/json.hpp>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "models/ai_planning.hpp"
#include "models/json_text.hpp"
#include "models/planning.hpp"
#include "routes/authentication.hpp"
#include "routes/conditional_reads.hpp"
#include "routes/query_params.hpp"

namespace planetude::routes {

namespace {
// Typical sizes of a planning's JSON without its sessions, and of one session's: the list's body
// is reserved once instead of doubling a dozen times.
constexpr std::size_t kPlanningJsonBytes = 320;
constexpr std::size_t kSessionJsonBytes = 160;
}  // namespace

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

void PlanningRoutes::add_to(http::Router& router) {
  router.add("GET", "/api/planning", [this](Request& r) { return list(r); });
  router.add("POST", "/api/planning", [this](Request& r) { return create(r); });
  router.add("GET", "/api/planning/:id", [this](Request& r) { return get(r); });
  router.add("PUT", "/api/planning/:id", [this](Request& r) { return replace(r); });
  router.add("DELETE", "/api/planning/:id", [this](Request& r) { return remove(r); });
  router.add("PATCH", "/api/planning/:id/sessions/:sessionId", [this](Request& r) { return patch_session(r); });
  router.add("GET", "/api/planning/:id/ics", [this](Request& r) { return ics(r); });
}

store::PlanningQuery parse_planning_query(const Request& req, const date::time_zone* tz) {
  store::PlanningQuery q;
  std::vector<FieldError> problems;
  if (auto periode = req.query_param("periode")) {
    if (datetime::parse_period(*periode)) q.periode = *periode;
    else problems.push_back({"periode", "doit valoir jour, semaine, mois ou semestre"});
  }
  auto bounds = parse_instant_bounds(req, tz, problems);
  q.from_ms = bounds.from_ms;
  q.to_excl_ms = bounds.to_excl_ms;
  if (auto limit = req.query_param("limit")) {
    if (auto n = parse_limit(*limit)) q.limit = *n;
    else problems.push_back({"limit", kLimitProblem});
  }
  if (auto cursor = req.query_param("cursor")) {
    if (auto c = decode_planning_cursor(*cursor)) q.after = *c;
    else problems.push_back({"cursor", "n'est pas un curseur valide (utilisez nextCursor tel quel)"});
  }
  if (!problems.empty()) throw errors::validation(std::move(problems));
  return q;
}

asio::awaitable<Response> PlanningRoutes::list(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto query = parse_planning_query(req, datetime::zone(who.user.timezone));
  std::string etag = user_data_etag(who.user, req);
  if (auto unchanged = not_modified(req, etag)) co_return std::move(*unchanged);
  PlanningPage page = co_await plannings_.list(who.user.id, std::move(query));
  // Written straight into the body: no JSON tree for a page of up to 100 plannings.
  std::string body;
  std::size_t sessions = 0;
  for (const auto& p : page.items) sessions += p.sessions.size();
  body.reserve(64 + page.items.size() * kPlanningJsonBytes + sessions * kSessionJsonBytes);
  JsonWriter w(body);
  w.begin_object();
  w.key("items");
  w.begin_array();
  for (const auto& p : page.items) models::write_json(w, p);
  w.end_array();
  w.key("nextCursor");
  if (page.next_cursor) w.string(*page.next_cursor);
  else w.null();
  w.end_object();
  co_return with_validators(Response::json_text(200, std::move(body)), etag);
}

asio::awaitable<Response> PlanningRoutes::create(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  json::value body = req.json();
  if (models::is_ai_mode(body)) {
    auto input = models::parse_ai_planning_input(body, datetime::zone(who.user.timezone), who.user.matieres);
    auto planning = co_await ai_plannings_.create(who.user, std::move(input));
    co_return Response::json_text(201, models::json_text(planning));
  }
  auto input = models::parse_planning_input(body, datetime::zone(who.user.timezone), false);
  auto planning = co_await plannings_.create(who.user, std::move(input), "manual");
  co_return Response::json_text(201, models::json_text(planning));
}

asio::awaitable<Response> PlanningRoutes::get(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::string etag = user_data_etag(who.user, req);
  // Read before deciding: a 304 (even to "If-None-Match: *") only for a planning that exists.
  auto planning = co_await plannings_.get(who.user.id, std::string(req.param("id")));
  if (auto unchanged = not_modified(req, etag)) co_return std::move(*unchanged);
  co_return with_validators(Response::json_text(200, models::json_text(planning)), etag);
}

asio::awaitable<Response> PlanningRoutes::replace(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto input = models::parse_planning_input(req.json(), datetime::zone(who.user.timezone), true);
  auto planning = co_await plannings_.replace(who.user, std::string(req.param("id")), std::move(input));
  co_return Response::json_text(200, models::json_text(planning));
}

asio::awaitable<Response> PlanningRoutes::remove(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await plannings_.remove(who.user.id, std::string(req.param("id")));
  co_return Response::no_content();
}

asio::awaitable<Response> PlanningRoutes::patch_session(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto patch = models::parse_session_patch(req.json());
  auto planning = co_await plannings_.patch_session(who.user.id, std::string(req.param("id")),
                                                    std::string(req.param("sessionId")), std::move(patch));
  co_return Response::json_text(200, models::json_text(planning));
}

asio::awaitable<Response> PlanningRoutes::ics(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::string id(req.param("id"));
  std::string body = co_await calendars_.planning_calendar(who.user.id, id);
  auto r = Response::text(200, "text/calendar; charset=utf-8", std::move(body));
  r.with_header("Content-Disposition", "attachment; filename=\"planning-" + id + ".ics\"");
  co_return r;
}

}  // namespace planetude::routes
