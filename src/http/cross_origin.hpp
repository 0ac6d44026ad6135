// Cross-site request forgery defence on top of SameSite=Lax: a state-changing request that a
// browser authenticates with the `token` cookie must come from a trusted origin.
#pragma once
#include <string>
#include <vector>

#include "http/message.hpp"

namespace planetude::http {

class CrossOriginGuard {
 public:
  // `trusted_origins`: the origins (scheme://host[:port]) besides the request's own that may
  // write with the cookie: PUBLIC_URL's and CORS_ORIGIN's.
  explicit CrossOriginGuard(std::vector<std::string> trusted_origins);

  // True when the request must be refused: an unsafe method (POST, PUT, PATCH, DELETE), the
  // `token` cookie without an Authorization header, and an Origin that is neither the request's
  // own (its Host) nor trusted — or, without Origin, `Sec-Fetch-Site: cross-site | same-site`.
  // Requests without these browser headers (scripts, mobile apps) are not a browser's forgery.
  bool refuses(const Request& request) const;

 private:
  bool trusted(std::string_view origin, std::string_view host) const;
  std::vector<std::string> trusted_;
};

}  // namespace planetude::http
