// Operations: /healthz, /readyz, /metrics, /api/openapi.json.
#pragma once
#include "core/worker_pool.hpp"
#include "http/router.hpp"
#include "observability/metrics.hpp"
#include "store/store.hpp"

namespace planetude::routes {

class OpsRoutes {
 public:
  OpsRoutes(store::Database& db, WorkerPool& db_pool, metrics::Registry& metrics)
      : db_(db), db_pool_(db_pool), metrics_(metrics) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> readyz(http::Request& req);

  store::Database& db_;
  WorkerPool& db_pool_;
  metrics::Registry& metrics_;
};

}  // namespace planetude::routes
