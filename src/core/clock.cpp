#include "core/clock.hpp"

#include <date/date.h>

#include <algorithm>
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

Rfc3339 rfc3339(Millis ms) {
  // Written by hand: date::format goes through an ostringstream and snprintf parses its format at
  // each call, and a planning list formats hundreds of these per response.
  using namespace std::chrono;
  Rfc3339 out{};
  date::sys_time<milliseconds> tp{milliseconds{ms}};
  auto day = date::floor<date::days>(tp);
  date::year_month_day ymd(day);
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    // Beyond four digits: date's spelling (at most 30 characters for any 64-bit millisecond count).
    std::string text = date::format("%FT%TZ", tp);
    out.size = std::min(text.size(), sizeof out.text);
    std::copy_n(text.data(), out.size, out.text);
    return out;
  }
  const long long in_day = (tp - day).count();  // 0 .. 86'399'999
  char* p = put_digits(out.text, year, 4);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  p = put_digits(p, static_cast<unsigned>(ymd.day()), 2);
  *p++ = 'T';
  p = put_digits(p, in_day / 3'600'000, 2);
  *p++ = ':';
  p = put_digits(p, in_day / 60'000 % 60, 2);
  *p++ = ':';
  p = put_digits(p, in_day / 1000 % 60, 2);
  *p++ = '.';
  p = put_digits(p, in_day % 1000, 3);
  *p++ = 'Z';
  out.size = static_cast<std::size_t>(p - out.text);
  return out;
}

std::string format_rfc3339(Millis ms) { return std::string(rfc3339(ms).view()); }

}  // namespace planetude::clock
