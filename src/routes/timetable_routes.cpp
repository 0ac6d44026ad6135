#include "routes/timetable_routes.hpp"

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/json_writer.hpp"
#include "core/text.hpp"
#include "routes/authentication.hpp"
#include "routes/query_params.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// Without from/to, a read shows last week to five weeks ahead: what a week or month view needs.
constexpr std::int64_t kDefaultBeforeMs = 7 * kDayMs;
constexpr std::int64_t kDefaultAfterMs = 35 * kDayMs;
constexpr std::size_t kMaxNameLength = 200;

std::optional<std::string> import_name(const Request& req) {
  auto name = req.query_param("nom");
  if (!name) return std::nullopt;
  std::string trimmed = text::trim(*name);
  if (!text::is_valid_utf8(trimmed) || text::has_control_chars(trimmed, false) ||
      text::code_points(trimmed) > kMaxNameLength)
    throw errors::validation({{"nom", "doit être un nom de fichier de 200 caractères au plus"}});
  if (trimmed.empty()) return std::nullopt;
  return trimmed;
}

struct Range {
  std::int64_t from = 0;
  std::int64_t to = 0;  // exclusive
};

Range parse_range(const Request& req, const date::time_zone* tz) {
  const std::int64_t now = clock::now_ms();
  std::vector<FieldError> problems;
  auto bounds = parse_instant_bounds(req, tz, problems);
  Range r{bounds.from_ms.value_or(now - kDefaultBeforeMs), bounds.to_excl_ms.value_or(now + kDefaultAfterMs)};
  if (problems.empty() && r.from >= r.to) problems.push_back({"from", "doit être antérieure à « to »"});
  if (problems.empty() && r.to - r.from > kTimetableMaxRangeMs)
    problems.push_back({"to", "la période demandée ne peut pas dépasser 366 jours"});
  if (!problems.empty()) throw errors::validation(std::move(problems));
  return r;
}

}  // namespace

void TimetableRoutes::add_to(http::Router& router) {
  http::BodyPolicy calendar_body;
  calendar_body.media_type = "text/calendar";
  calendar_body.max_bytes = kTimetableMaxBytes;
  calendar_body.wrong_type_message = "Le corps de la requête doit être un fichier .ics (Content-Type: text/calendar).";
  router.add(
      "PUT", "/api/timetable", [this](Request& r) { return import(r); }, std::move(calendar_body));
  router.add("GET", "/api/timetable", [this](Request& r) { return view(r); });
  router.add("DELETE", "/api/timetable", [this](Request& r) { return remove(r); });
}

asio::awaitable<Response> TimetableRoutes::import(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto name = import_name(req);
  if (req.raw.body().empty())
    throw DomainError(ErrorKind::invalid_input, "ics_invalid",
                      "Le fichier est vide : envoie le fichier .ics de ton emploi du temps.");
  auto summary = co_await timetable_.import(std::move(who.user), std::move(req.raw.body()), std::move(name));
  std::string body;
  JsonWriter w(body);
  models::write_json(w, summary);
  co_return Response::json_text(200, std::move(body));
}

asio::awaitable<Response> TimetableRoutes::view(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  Range range = parse_range(req, datetime::zone(who.user.timezone));
  TimetableView v = co_await timetable_.view(who.user.id, range.from, range.to);
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("import");
  if (v.summary) models::write_json(w, *v.summary);
  else w.null();
  w.key("evenements");
  w.begin_array();
  for (const auto& e : v.events) models::write_json(w, e);
  w.end_array();
  w.end_object();
  auto r = Response::json_text(200, std::move(body));
  r.with_header("Cache-Control", "private, no-cache");
  co_return r;
}

asio::awaitable<Response> TimetableRoutes::remove(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await timetable_.remove(who.user.id);
  co_return Response::no_content();
}

}  // namespace planetude::routes
