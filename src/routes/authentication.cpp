#include "routes/authentication.hpp"

#include "core/errors.hpp"
#include "core/text.hpp"

namespace planetude::routes {

std::optional<std::string> request_token(const http::Request& request) {
  std::string_view authorization = request.header("Authorization");
  if (!authorization.empty()) {
    if (authorization.size() > 7 && text::iequals(authorization.substr(0, 7), "bearer ")) {
      std::string token = text::trim(authorization.substr(7));
      if (!token.empty()) return token;
    }
    return std::nullopt;  // a malformed Authorization header is not silently replaced by the cookie
  }
  auto cookie = request.cookie("token");
  if (cookie && !cookie->empty()) return cookie;
  return std::nullopt;
}

boost::asio::awaitable<AuthContext> require_user(AuthService& auth, const http::Request& request) {
  auto token = request_token(request);
  if (!token) throw errors::unauthenticated();
  co_return co_await auth.authenticate(std::move(*token));
}

std::string session_cookie(const std::string& token, std::int64_t max_age_seconds, bool production) {
  return "token=" + token + "; Max-Age=" + std::to_string(max_age_seconds) + "; Path=/; HttpOnly; SameSite=Lax" +
         (production ? "; Secure" : "");
}

std::string cleared_session_cookie(bool production) {
  return std::string("token=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax") +
         (production ? "; Secure" : "");
}

}  // namespace planetude::routes
