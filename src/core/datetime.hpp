// Dates and times as docs/api.md defines them: date-time input with an offset, `YYYY-MM-DD` dates,
// and calendar arithmetic in the user's IANA time zone (Hinnant date/tz on the system tzdata).
#pragma once
#include <date/date.h>
#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace planetude::datetime {

using Millis = std::int64_t;  // since the Unix epoch, UTC

// `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM` (`T` and `Z` in either case).
std::optional<Millis> parse_datetime(std::string_view text);
// `YYYY-MM-DD`, a real calendar day.
std::optional<date::year_month_day> parse_date(std::string_view text);
std::string format_date(const date::year_month_day& day);
// The local time with its offset, to the second: "2025-03-10T14:00:00+01:00" (what people and
// language models read and write best).
std::string format_local(Millis instant, const date::time_zone* tz);

// The time zone of that IANA name; throws std::runtime_error when unknown.
const date::time_zone* zone(std::string_view name);
// The first instant of `day` in `tz` (midnight, or the end of a DST gap that swallows it).
Millis start_of_day(const date::year_month_day& day, const date::time_zone* tz);
date::year_month_day local_day(Millis instant, const date::time_zone* tz);
date::year_month_day add_days(const date::year_month_day& day, int days);

enum class Period { jour, semaine, mois, semestre };
std::optional<Period> parse_period(std::string_view name);
const char* period_name(Period p);
// The same local clock time 1 day, 7 days, 1 month or 6 months later; a day the target month
// lacks is clamped to its last day (31 January + 1 month = 28/29 February).
Millis add_period(Millis start, Period period, const date::time_zone* tz);

}  // namespace planetude::datetime
