// /api/users/me and its sub-resources: profile, password, export, deletion.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/accounts/user_service.hpp"

namespace planetude::routes {

class UsersRoutes {
 public:
  UsersRoutes(AuthService& auth, UserService& users, bool production)
      : auth_(auth), users_(users), production_(production) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> get_me(http::Request& req);
  boost::asio::awaitable<http::Response> patch_me(http::Request& req);
  boost::asio::awaitable<http::Response> delete_me(http::Request& req);
  boost::asio::awaitable<http::Response> change_password(http::Request& req);
  boost::asio::awaitable<http::Response> export_me(http::Request& req);

  AuthService& auth_;
  UserService& users_;
  bool production_;
};

}  // namespace planetude::routes
