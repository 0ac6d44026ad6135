#include "routes/ops_routes.hpp"

#include <boost/json.hpp>

#include "core/errors.hpp"
#include "resources/openapi.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {
asio::awaitable<Response> ready(Response r) { co_return r; }
}  // namespace

void OpsRoutes::add_to(http::Router& router) {
  router.add("GET", "/healthz", [](Request&) {
    return ready(Response::json(200, boost::json::object{{"status", "ok"}}));
  });
  router.add("GET", "/readyz", [this](Request& r) { return readyz(r); });
  router.add("GET", "/metrics", [this](Request&) {
    return ready(Response::text(200, "text/plain; version=0.0.4; charset=utf-8", metrics_.render()));
  });
  router.add("GET", "/api/openapi.json", [](Request&) {
    return ready(Response::text(200, "application/json; charset=utf-8", std::string(resources::openapi_document())));
  });
}

asio::awaitable<Response> OpsRoutes::readyz(Request&) {
  bool ok = co_await ready_();
  if (!ok) throw errors::unavailable("not_ready", "La base de données ne répond pas.");
  co_return Response::json(200, boost::json::object{{"status", "ok"}});
}

}  // namespace planetude::routes
