#include "services/planning/ics.hpp"

#include <date/date.h>

namespace planetude::ics {

std::string escape_text(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\r':
        if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  std::string out;
  std::size_t limit = 75;  // octets on the first line; continuation lines spend one on the space
  while (line.size() > limit) {
    std::size_t cut = limit;
    // Step back to the start of a UTF-8 character (continuation bytes are 10xxxxxx); text that is
    // not UTF-8 may have none in reach, and is cut at the limit.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
    if (cut == 0) cut = limit;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = 74;
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string format_utc(std::int64_t ms) {
  date::sys_seconds t{std::chrono::seconds{ms / 1000 - (ms % 1000 < 0 ? 1 : 0)}};
  return date::format("%Y%m%dT%H%M%SZ", t);
}

std::string render(const std::vector<store::PlanningRecord>& plannings, const CalendarOptions& options) {
  std::string out;
  auto line = [&out](std::string_view text) { out += fold_line(text); };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//PlanÉtude//PlanÉtude//FR");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  if (!options.name.empty()) line("X-WR-CALNAME:" + escape_text(options.name));
  if (options.published) {
    line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    line("X-PUBLISHED-TTL:PT1H");
  }
  for (const auto& p : plannings) {
    for (const auto& s : p.sessions) {
      line("BEGIN:VEVENT");
      line("UID:" + s.id + "@planetude");
      line("DTSTAMP:" + format_utc(p.updated_at));
      line("DTSTART:" + format_utc(s.debut));
      line("DTEND:" + format_utc(s.fin));
      line("SUMMARY:" + escape_text(s.matiere));
      if (s.notes && !s.notes->empty()) line("DESCRIPTION:" + escape_text(*s.notes));
      if (s.statut == "rate") line("STATUS:CANCELLED");
      line("END:VEVENT");
    }
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace planetude::ics
