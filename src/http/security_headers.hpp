// The security headers every response carries (docs/api.md).
#pragma once
#include "http/message.hpp"

namespace planetude::http {

void add_security_headers(http::Response& response, bool production);

}  // namespace planetude::http
