#include "middleware/errors.hpp"

#include <boost/json.hpp>

namespace planetude::middleware {

http::Response error_response(const ApiError& e) {
  boost::json::object error{{"code", e.code()}, {"message", e.message()}};
  if (!e.details().empty()) {
    boost::json::array details;
    for (const auto& d : e.details()) details.push_back(boost::json::object{{"path", d.path}, {"message", d.message}});
    error["details"] = std::move(details);
  }
  auto r = http::Response::json(static_cast<unsigned>(e.status()), boost::json::object{{"error", std::move(error)}});
  for (const auto& [name, value] : e.headers()) r.with_header(name, value);
  return r;
}

}  // namespace planetude::middleware
