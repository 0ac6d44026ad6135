#include "http/message.hpp"

#include <boost/json/serializer.hpp>

#include "core/json_input.hpp"

namespace planetude::http {

std::string_view Request::header(std::string_view name) const {
  auto it = raw.find(boost::beast::string_view(name.data(), name.size()));
  if (it == raw.end()) return {};
  auto v = it->value();
  return {v.data(), v.size()};
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::string_view Request::param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<std::string> Request::cookie(std::string_view name) const {
  std::string_view all = header("Cookie");
  while (!all.empty()) {
    auto semi = all.find(';');
    std::string_view pair = all.substr(0, semi);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
    if (semi == std::string_view::npos) break;
    all.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

boost::json::value Request::json() const { return json_input::parse_body(raw.body()); }

namespace {

// boost::json::serialize grows its string with resize(), zero-filling every new byte before it
// writes it; a planning list is tens of kilobytes. Chunks through a stack buffer instead.
std::string serialize_body(const boost::json::value& value) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  char buffer[16 * 1024];
  std::string out;
  while (!serializer.done()) {
    boost::json::string_view part = serializer.read(buffer, sizeof buffer);
    out.append(part.data(), part.size());
  }
  return out;
}

}  // namespace

Response Response::json(unsigned status, const boost::json::value& value) {
  return Response{status, "application/json; charset=utf-8", serialize_body(value), {}, {}};
}

Response Response::json_text(unsigned status, std::string body) {
  return Response{status, "application/json; charset=utf-8", std::move(body), {}, {}};
}

Response Response::no_content() { return Response{204, "", "", {}, {}}; }

Response Response::text(unsigned status, std::string content_type, std::string body) {
  return Response{status, std::move(content_type), std::move(body), {}, {}};
}

}  // namespace planetude::http
