// The security headers every response carries (API.md "Operations").
#pragma once
#include "http/message.hpp"

namespace planetude::middleware {

void add_security_headers(http::Response& response, bool production);

}  // namespace planetude::middleware
