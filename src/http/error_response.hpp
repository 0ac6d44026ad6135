// The one place where failures become HTTP: a domain error's kind decides its status (and a
// rate-limited one its Retry-After and RateLimit-* headers); the server's own refusals (405, 413,
// 415, 431, malformed HTTP, overload) use the same error body.
#pragma once
#include <cstdint>
#include <string_view>

#include "core/errors.hpp"
#include "http/message.hpp"

namespace planetude::http {

unsigned status_of(ErrorKind kind);
Response error_response(const DomainError& error);
// An error decided by the HTTP layer itself, e.g. 405 method_not_allowed.
Response error_response(unsigned status, std::string_view code, std::string_view message);
// RateLimit-Limit / -Remaining / -Reset (draft-ietf-httpapi-ratelimit-headers), on answers and refusals alike.
void add_rate_limit_headers(Response& response, std::int64_t limit, std::int64_t remaining, std::int64_t reset_seconds);

}  // namespace planetude::http
