#include "http/cors.hpp"

#include <algorithm>

namespace planetude::http {

bool Cors::is_preflight(const http::Request& request) {
  return request.method() == "OPTIONS" && !request.header("Origin").empty() &&
         !request.header("Access-Control-Request-Method").empty();
}

bool Cors::allowed(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

http::Response Cors::preflight(const http::Request& request, const std::vector<std::string>& methods) const {
  http::Response r = http::Response::no_content();
  r.with_header("Vary", "Origin");
  std::string_view origin = request.header("Origin");
  if (!allowed(origin)) return r;  // no CORS headers: the browser refuses the cross-origin call
  std::string list;
  for (const auto& m : methods) list += (list.empty() ? "" : ", ") + m;
  r.with_header("Access-Control-Allow-Origin", std::string(origin))
      .with_header("Access-Control-Allow-Credentials", "true")
      .with_header("Access-Control-Allow-Methods", list)
      .with_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-Request-Id")
      .with_header("Access-Control-Max-Age", "600");
  return r;
}

void Cors::apply(const http::Request& request, http::Response& response) const {
  std::string_view origin = request.header("Origin");
  if (origins_.empty()) return;
  for (const auto& [name, value] : response.headers)
    if (name == "Access-Control-Allow-Origin" || name == "Vary") return;  // a preflight answer has its own
  response.with_header("Vary", "Origin");
  if (!allowed(origin)) return;
  response.with_header("Access-Control-Allow-Origin", std::string(origin))
      .with_header("Access-Control-Allow-Credentials", "true")
      .with_header("Access-Control-Expose-Headers",
                   "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
}

}  // namespace planetude::http
