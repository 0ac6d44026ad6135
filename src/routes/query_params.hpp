// Query parameters shared by the list routes.
#pragma once
#include <date/tz.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/errors.hpp"
#include "http/message.hpp"

namespace planetude::routes {

// The `from` and `to` of a read over time. Each is a date (YYYY-MM-DD, midnight in the user's zone;
// a date `to` includes its whole day) or a date-time with an offset (a `to` date-time is included).
struct InstantBounds {
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_excl_ms;
};
// Adds a problem per malformed bound, and one when `from` is not before `to`.
InstantBounds parse_instant_bounds(const http::Request& req, const date::time_zone* tz,
                                   std::vector<FieldError>& problems);

// A page size: 1 to 100 written in plain digits; nullopt for anything else.
std::optional<std::size_t> parse_limit(std::string_view text);
inline constexpr const char* kLimitProblem = "doit être un entier entre 1 et 100";

}  // namespace planetude::routes
