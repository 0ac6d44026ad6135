#include "http/error_response.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace planetude::http {

namespace json = boost::json;

namespace {

Response error_body(unsigned status, std::string_view code, std::string_view message,
                    const std::vector<FieldError>& details) {
  json::object error{{"code", code}, {"message", message}};
  if (!details.empty()) {
    json::array list;
    for (const auto& d : details) list.push_back(json::object{{"path", d.path}, {"message", d.message}});
    error["details"] = std::move(list);
  }
  return Response::json(status, json::object{{"error", std::move(error)}});
}

}  // namespace

unsigned status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return 400;
    case ErrorKind::unauthenticated: return 401;
    case ErrorKind::not_found: return 404;
    case ErrorKind::conflict: return 409;
    case ErrorKind::rate_limited: return 429;
    case ErrorKind::unavailable: return 503;
    case ErrorKind::internal: return 500;
  }
  return 500;
}

Response error_response(const DomainError& e) {
  Response r = error_body(status_of(e.kind()), e.code(), e.message(), e.details());
  if (e.retry()) {
    std::int64_t reset = std::max<std::int64_t>(1, e.retry()->reset_seconds);
    r.with_header("Retry-After", std::to_string(reset));
    add_rate_limit_headers(r, e.retry()->limit, 0, reset);
  }
  return r;
}

Response error_response(unsigned status, std::string_view code, std::string_view message) {
  return error_body(status, code, message, {});
}

void add_rate_limit_headers(Response& r, std::int64_t limit, std::int64_t remaining, std::int64_t reset_seconds) {
  r.with_header("RateLimit-Limit", std::to_string(limit))
      .with_header("RateLimit-Remaining", std::to_string(remaining))
      .with_header("RateLimit-Reset", std::to_string(std::max<std::int64_t>(reset_seconds, 0)));
}

}  // namespace planetude::http
