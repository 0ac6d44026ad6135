#include "core/clock.hpp"

#include <date/date.h>

#include <chrono>

namespace planetude::clock {

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(Millis ms) {
  date::sys_time<std::chrono::milliseconds> tp{std::chrono::milliseconds{ms}};
  return date::format("%FT%TZ", tp);
}

}  // namespace planetude::clock
