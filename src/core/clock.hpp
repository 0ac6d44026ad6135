// Time as the API shows it: milliseconds since the epoch inside, RFC 3339 UTC with milliseconds outside.
#pragma once
#include <cstdint>
#include <string>

namespace planetude::clock {

using Millis = std::int64_t;

Millis now_ms();
// 2025-12-25T09:00:00.000Z
std::string format_rfc3339(Millis ms);

}  // namespace planetude::clock
