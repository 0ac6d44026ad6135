// POST /api/auth/register, /api/auth/login, /api/auth/logout.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"

namespace planetude::routes {

class AuthRoutes {
 public:
  AuthRoutes(AuthService& auth, std::int64_t token_ttl_seconds, bool production)
      : auth_(auth), ttl_(token_ttl_seconds), production_(production) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> register_user(http::Request& req);
  boost::asio::awaitable<http::Response> login(http::Request& req);
  boost::asio::awaitable<http::Response> logout(http::Request& req);
  http::Response session_response(unsigned status, const AuthResult& result) const;

  AuthService& auth_;
  std::int64_t ttl_;
  bool production_;
};

}  // namespace planetude::routes
