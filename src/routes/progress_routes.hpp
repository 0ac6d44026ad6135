// /api/progress: record work, read it back with its summary, delete an entry.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/progress/progress_service.hpp"

namespace planetude::routes {

class ProgressRoutes {
 public:
  ProgressRoutes(AuthService& auth, ProgressService& progress) : auth_(auth), progress_(progress) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> create(http::Request& req);
  boost::asio::awaitable<http::Response> report(http::Request& req);
  boost::asio::awaitable<http::Response> remove(http::Request& req);

  AuthService& auth_;
  ProgressService& progress_;
};

}  // namespace planetude::routes
