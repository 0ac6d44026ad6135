// Dates, times and time zones (core/datetime, Hinnant date/tz on the system tzdata). The last byte
// picks one of three checks:
// - a date-time text: when parse_datetime accepts it, its instant written back as
//   "YYYY-MM-DDTHH:MM:SS.mmmZ" parses to the same instant, and the text has the documented shape;
// - a date text: when parse_date accepts it, format_date writes back exactly the same text;
// - a zone name with a day and an instant from the input: when the tz database knows the name, the
//   day's first instant lies on that day (or the next, when a zone skipped the whole day), the
//   instant written by format_local parses back to the same second, and a period added always ends
//   after it starts.
#include <fuzzer/FuzzedDataProvider.h>

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/datetime.hpp"
#include "support/fuzz_support.hpp"

namespace datetime = planetude::datetime;
using planetude::fuzz::require;
using std::chrono::milliseconds;

namespace {

// What the validators let through: years 1900 to 9999.
constexpr datetime::Millis kMinMs = -2208988800000;   // 1900-01-01T00:00:00Z
constexpr datetime::Millis kMaxMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

std::string utc_text(datetime::Millis ms) {
  return date::format("%FT%TZ", date::sys_time<milliseconds>(milliseconds(ms)));
}

void check_datetime(std::string_view text) {
  std::optional<datetime::Millis> ms = datetime::parse_datetime(text);
  if (!ms) return;
  require(text.size() >= 17 && (text[10] == 'T' || text[10] == 't'), "a date-time has a date, T and a time");
  require(text.back() == 'Z' || text.back() == 'z' || text[text.size() - 6] == '+' || text[text.size() - 6] == '-',
          "a date-time ends with its offset");
  // The offset moves a date of year 1900 or 9999 by at most a day.
  require(*ms >= kMinMs - 86400000 && *ms <= kMaxMs + 86400000, "a date-time lies within the years allowed");
  if (*ms < kMinMs || *ms > kMaxMs) return;  // its UTC year is out of the four-digit range
  std::optional<datetime::Millis> again = datetime::parse_datetime(utc_text(*ms));
  require(again && *again == *ms, "an instant written in UTC reads back the same");
}

void check_date(std::string_view text) {
  std::optional<date::year_month_day> day = datetime::parse_date(text);
  if (!day) return;
  require(day->ok() && static_cast<int>(day->year()) >= 1900, "a date is a real day from 1900");
  require(datetime::format_date(*day) == text, "a date written back is the same text");
}

void check_zone(FuzzedDataProvider& in) {
  const auto days = in.ConsumeIntegralInRange(-25567, 2932896);  // 1900-01-01 to 9999-12-31
  const auto instant = in.ConsumeIntegralInRange(kMinMs + 86400000LL * 200, kMaxMs - 86400000LL * 200);
  const auto period = static_cast<datetime::Period>(in.ConsumeIntegralInRange(0, 3));
  const std::string name = in.ConsumeRemainingBytesAsString();
  const date::time_zone* tz = nullptr;
  try {
    tz = datetime::zone(name);
  } catch (const std::runtime_error&) {
    return;
  }

  const date::year_month_day day{date::sys_days{date::days{days}}};
  const date::year_month_day first = datetime::local_day(datetime::start_of_day(day, tz), tz);
  require(first == day || first == datetime::add_days(day, 1), "a day's first instant lies on that day");

  const std::string local = datetime::format_local(instant, tz);
  std::optional<datetime::Millis> back = datetime::parse_datetime(local);
  require(back.has_value(), "format_local writes a date-time parse_datetime reads");
  require(*back == instant - (instant % 1000 + 1000) % 1000, "format_local's text reads back to the same second");

  require(datetime::add_period(instant, period, tz) > instant, "a period ends after it starts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0: check_datetime(in.ConsumeRemainingBytesAsString()); break;
    case 1: check_date(in.ConsumeRemainingBytesAsString()); break;
    default: check_zone(in); break;
  }
  return 0;
}
