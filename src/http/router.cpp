#include "http/router.hpp"

#include <algorithm>

namespace planetude::http {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto slash = path.find('/', i);
    out.emplace_back(path.substr(i, slash == std::string_view::npos ? std::string_view::npos : slash - i));
    if (slash == std::string_view::npos) break;
    i = slash;
  }
  return out;
}

bool match_segments(const Route& r, const std::vector<std::string>& parts,
                    std::map<std::string, std::string, std::less<>>& params) {
  if (r.segments.size() != parts.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = r.segments[i];
    if (!seg.empty() && seg[0] == ':') {
      if (parts[i].empty()) return false;
      params[seg.substr(1)] = parts[i];
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler, BodyPolicy body) {
  Route r{std::move(method), std::move(pattern), std::move(handler), {}, std::move(body)};
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

void Router::set_fallback(std::string label, Handler handler) {
  fallback_ = Route{"GET", std::move(label), std::move(handler), {}, {}};
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch m;
  // "//api" or "/api//users" are not our paths; one trailing slash is tolerated, as Express does.
  if (path.empty() || path[0] != '/' || path.find("//") != std::string_view::npos) return m;
  auto parts = split_path(path);
  for (const auto& r : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!match_segments(r, parts, params)) continue;
    // HEAD is GET without the body (RFC 9110 §9.3.2): every GET route answers it.
    if (r.method == method || (method == "HEAD" && r.method == "GET")) {
      m.route = &r;
      m.pattern = r.pattern;
      m.params = std::move(params);
      m.allowed.clear();
      return m;
    }
    m.pattern = r.pattern;
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) m.allowed.push_back(r.method);
    if (r.method == "GET" && std::find(m.allowed.begin(), m.allowed.end(), "HEAD") == m.allowed.end())
      m.allowed.emplace_back("HEAD");
  }
  if (m.allowed.empty() && fallback_ && (method == "GET" || method == "HEAD")) {
    m.route = &*fallback_;
    m.pattern = fallback_->pattern;
  }
  return m;
}

}  // namespace planetude::http
