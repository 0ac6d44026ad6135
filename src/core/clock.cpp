#include "core/clock.hpp"

#include <date/date.h>

#include <chrono>

namespace planetude::clock {

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// Writes `value` (>= 0) as exactly `width` decimal digits, zero-padded, at `out`.
char* put_digits(char* out, long long value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + width;
}

}  // namespace

std::string format_rfc3339(Millis ms) {
  // Written by hand: date::format goes through an ostringstream and snprintf parses its format at
  // each call, and a planning list formats hundreds of these per response.
  using namespace std::chrono;
  date::sys_time<milliseconds> tp{milliseconds{ms}};
  auto day = date::floor<date::days>(tp);
  date::year_month_day ymd(day);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return date::format("%FT%TZ", tp);  // beyond four digits: date's spelling
  const long long in_day = (tp - day).count();                     // 0 .. 86'399'999
  std::string text(24, '\0');
  char* out = put_digits(text.data(), year, 4);
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.month()), 2);
  *out++ = '-';
  out = put_digits(out, static_cast<unsigned>(ymd.day()), 2);
  *out++ = 'T';
  out = put_digits(out, in_day / 3'600'000, 2);
  *out++ = ':';
  out = put_digits(out, in_day / 60'000 % 60, 2);
  *out++ = ':';
  out = put_digits(out, in_day / 1000 % 60, 2);
  *out++ = '.';
  out = put_digits(out, in_day % 1000, 3);
  *out = 'Z';
  return text;
}

}  // namespace planetude::clock
