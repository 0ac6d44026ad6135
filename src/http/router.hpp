// A constant table of routes (method, pattern, handler). Patterns are literal segments and
// `:name` parameters, e.g. "/api/planning/:id/sessions/:sessionId".
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace planetude::http {

// What a route accepts as a request body: its media type (charset, when given, must be UTF-8) and
// its size (0: the server's max_body_bytes).
struct BodyPolicy {
  std::string media_type = "application/json";
  std::size_t max_bytes = 0;
  std::string wrong_type_message = "Le corps de la requête doit être en JSON (Content-Type: application/json).";
};

struct Route {
  std::string method;
  std::string pattern;
  Handler handler;
  std::vector<std::string> segments;
  BodyPolicy body;
};

struct RouteMatch {
  const Route* route = nullptr;      // set when path and method match
  std::vector<std::string> allowed;  // methods of the path when only the path matches (405)
  std::string pattern;               // the matched path's template, for logs and metrics
  std::map<std::string, std::string, std::less<>> params;
};

class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler, BodyPolicy body = {});
  // Answers GET and HEAD on paths that no route has (the web app's client-side routes); logged
  // and counted under `label`. Other methods there still get 404.
  void set_fallback(std::string label, Handler handler);
  // A GET route also matches HEAD; `allowed` then lists HEAD beside GET.
  RouteMatch match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::optional<Route> fallback_;
};

}  // namespace planetude::http
