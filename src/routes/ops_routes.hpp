// Operations: /healthz, /readyz, /metrics, /api/openapi.json.
#pragma once
#include <functional>

#include "http/router.hpp"
#include "observability/metrics.hpp"

namespace planetude::routes {

// Whether the server can serve requests now (the database answers); passed in by the app.
using ReadinessCheck = std::function<boost::asio::awaitable<bool>()>;

class OpsRoutes {
 public:
  OpsRoutes(ReadinessCheck ready, metrics::Registry& metrics) : ready_(std::move(ready)), metrics_(metrics) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> readyz(http::Request& req);

  ReadinessCheck ready_;
  metrics::Registry& metrics_;
};

}  // namespace planetude::routes
