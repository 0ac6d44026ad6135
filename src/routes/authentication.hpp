// Authentication of a request: the token comes from `Authorization: Bearer …` or the `token` cookie.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "http/message.hpp"
#include "services/accounts/auth_service.hpp"

namespace planetude::routes {

std::optional<std::string> request_token(const http::Request& request);
// Throws 401 unless the request carries a valid token.
boost::asio::awaitable<AuthContext> require_user(AuthService& auth, const http::Request& request);

// Set-Cookie values for the session cookie (HttpOnly; SameSite=Lax; Path=/; Secure in production).
std::string session_cookie(const std::string& token, std::int64_t max_age_seconds, bool production);
std::string cleared_session_cookie(bool production);

}  // namespace planetude::routes
