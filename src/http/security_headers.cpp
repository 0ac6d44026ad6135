#include "http/security_headers.hpp"

namespace planetude::http {

namespace {
bool has_header(const http::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return true;
  return false;
}
}  // namespace

void add_security_headers(http::Response& r, bool production) {
  r.with_header("X-Content-Type-Options", "nosniff")
      .with_header("Referrer-Policy", "no-referrer")
      .with_header("X-Frame-Options", "DENY");
  // The API serves data, never pages: nothing may be loaded or framed from its responses. The
  // web app's pages bring their own policy.
  if (!has_header(r, "Content-Security-Policy"))
    r.with_header("Content-Security-Policy",
                  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
  r.with_header("Cross-Origin-Opener-Policy", "same-origin").with_header("Cross-Origin-Resource-Policy", "same-origin");
  if (production) r.with_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

}  // namespace planetude::http
