// iCalendar (RFC 5545) for plannings and the calendar feed: CRLF line endings, lines folded at
// 75 octets (never inside a UTF-8 character), TEXT values escaped, times in UTC.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace planetude::ics {

struct CalendarOptions {
  std::string name;        // X-WR-CALNAME
  bool published = false;  // a subscribed feed: adds REFRESH-INTERVAL and X-PUBLISHED-TTL
};

// One VEVENT per session of each planning.
std::string render(const std::vector<store::PlanningRecord>& plannings, const CalendarOptions& options);

// Exposed for tests.
std::string escape_text(std::string_view value);
std::string fold_line(std::string_view line);  // with the trailing CRLF
std::string format_utc(std::int64_t ms);       // 20251225T090000Z

}  // namespace planetude::ics
