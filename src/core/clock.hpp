// Time as the API shows it: milliseconds since the epoch inside, RFC 3339 UTC with milliseconds outside.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace planetude::clock {

using Millis = std::int64_t;

Millis now_ms();
// 2025-12-25T09:00:00.000Z
std::string format_rfc3339(Millis ms);

// The same text in a buffer of its own, for writers that copy it at once (no allocation).
struct Rfc3339 {
  char text[40];
  std::size_t size;
  std::string_view view() const { return {text, size}; }
};
Rfc3339 rfc3339(Millis ms);

}  // namespace planetude::clock
