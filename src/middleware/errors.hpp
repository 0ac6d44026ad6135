// The one place where errors become API.md's error shape.
#pragma once
#include "core/errors.hpp"
#include "http/message.hpp"

namespace planetude::middleware {

http::Response error_response(const ApiError& error);

}  // namespace planetude::middleware
