#include "core/clock.hpp"

#include <date/date.h>

#include <chrono>
#include <cstdio>

namespace planetude::clock {

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_rfc3339(Millis ms) {
  // Written by hand: date::format goes through an ostringstream, and a planning list formats
  // hundreds of these per response.
  using namespace std::chrono;
  date::sys_time<milliseconds> tp{milliseconds{ms}};
  auto day = date::floor<date::days>(tp);
  date::year_month_day ymd(day);
  long long in_day = (tp - day).count();  // 0 .. 86'399'999
  char text[40];
  int n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), in_day / 3'600'000,
                        in_day / 60'000 % 60, in_day / 1000 % 60, in_day % 1000);
  return std::string(text, static_cast<std::size_t>(n));
}

}  // namespace planetude::clock
