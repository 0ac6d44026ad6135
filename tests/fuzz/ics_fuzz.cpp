// ICS writing (services/planning/ics, RFC 5545), checked by reading back what was written. The
// last byte picks one of three checks:
// - escape_text: unescaping gives back the text (its CRLF and lone CR as LF), and the escaped text
//   has no CR or LF left;
// - fold_line: every physical line is at most 75 octets and ends with CRLF, continuation lines
//   start with one space, no CR or LF is left alone, unfolding gives back the line, and a line of
//   valid UTF-8 is never cut inside a character;
// - render of a planning made from the input: the same line rules over the whole calendar, the
//   BEGIN/END pairs, one VEVENT per session, and SUMMARY, DESCRIPTION and X-WR-CALNAME unescape
//   back to the session's subject and notes and the calendar's name.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/planning/ics.hpp"
#include "support/fuzz_support.hpp"

namespace ics = planetude::ics;
using planetude::fuzz::require;

namespace {

// The text as the escaping must keep it: CRLF and a lone CR become LF.
std::string with_lf_newlines(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += '\n';
    } else {
      out += text[i];
    }
  }
  return out;
}

// RFC 5545 §3.3.11, strictly: a backslash is followed by one of \ ; , n N. nullopt otherwise, or
// when a ; or , is left unescaped.
std::optional<std::string> unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ';' || c == ',') return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case ';': out += ';'; break;
      case ',': out += ','; break;
      case 'n':
      case 'N': out += '\n'; break;
      default: return std::nullopt;
    }
  }
  return out;
}

// Checks the physical lines of `folded` and returns the logical lines (unfolded). The first line is
// never a continuation, even when it starts with a space.
std::vector<std::string> unfold(std::string_view folded, bool utf8_input) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < folded.size()) {
    const std::size_t end = folded.find("\r\n", start);
    require(end != std::string_view::npos, "every physical line ends with CRLF");
    const std::string_view physical = folded.substr(start, end - start);
    require(physical.size() <= 75, "a physical line is at most 75 octets");
    require(physical.find_first_of("\r\n") == std::string_view::npos, "no CR or LF is left alone");
    if (!lines.empty() && !physical.empty() && physical.front() == ' ') {
      const std::string_view rest = physical.substr(1);
      require(!rest.empty(), "a continuation line carries something");
      require(!utf8_input || !planetude::fuzz::is_continuation_byte(rest.front()),
              "a fold never cuts a UTF-8 character");
      lines.back().append(rest);
    } else {
      lines.emplace_back(physical);
    }
    start = end + 2;
  }
  return lines;
}

void check_escape(std::string_view text) {
  const std::string escaped = ics::escape_text(text);
  require(escaped.find_first_of("\r\n") == std::string::npos, "escaped text has no CR or LF");
  const std::optional<std::string> back = unescape(escaped);
  require(back && *back == with_lf_newlines(text), "escaped text unescapes back");
}

void check_fold(std::string_view line) {
  if (line.find_first_of("\r\n") != std::string_view::npos) return;  // fold_line is given one content line
  const std::vector<std::string> lines = unfold(ics::fold_line(line), planetude::fuzz::is_valid_utf8(line));
  require(lines.size() == 1 && lines[0] == line, "a folded line unfolds back");
}

// The value after `name:` of the first content line with that name, escaped as written.
std::optional<std::string> property(const std::vector<std::string>& lines, std::size_t from, std::string_view name) {
  for (std::size_t i = from; i < lines.size() && lines[i] != "END:VEVENT"; ++i)
    if (lines[i].size() > name.size() && lines[i].compare(0, name.size(), name) == 0 && lines[i][name.size()] == ':')
      return lines[i].substr(name.size() + 1);
  return std::nullopt;
}

void check_render(FuzzedDataProvider& in) {
  // What reaches the writer went through the validators: valid UTF-8, years 1900 to 9999.
  constexpr std::int64_t kMinMs = -2208988800000;   // 1900-01-01
  constexpr std::int64_t kMaxMs = 253402300799000;  // 9999-12-31T23:59:59Z
  planetude::store::PlanningRecord planning;
  planning.updated_at = in.ConsumeIntegralInRange(kMinMs, kMaxMs);
  ics::CalendarOptions options;
  options.published = in.ConsumeBool();
  options.name = in.ConsumeRandomLengthString(300);
  const auto count = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < count; ++i) {
    planetude::store::SessionRecord s;
    s.id = "0123456789abcdef0123456" + std::to_string(i);
    s.debut = in.ConsumeIntegralInRange(kMinMs, kMaxMs);
    s.fin = in.ConsumeIntegralInRange(kMinMs, kMaxMs);
    s.statut = in.ConsumeBool() ? "rate" : "planifie";
    s.matiere = in.ConsumeRandomLengthString(300);
    if (in.ConsumeBool()) s.notes = in.ConsumeRandomLengthString(3000);
    planning.sessions.push_back(std::move(s));
  }
  bool utf8 = planetude::fuzz::is_valid_utf8(options.name);
  for (const auto& s : planning.sessions)
    utf8 = utf8 && planetude::fuzz::is_valid_utf8(s.matiere) && (!s.notes || planetude::fuzz::is_valid_utf8(*s.notes));
  if (!utf8) return;

  const std::vector<std::string> lines = unfold(ics::render({planning}, options), true);
  require(lines.size() >= 2 && lines.front() == "BEGIN:VCALENDAR" && lines.back() == "END:VCALENDAR",
          "a calendar is one VCALENDAR");
  if (!options.name.empty()) {
    std::optional<std::string> name = property(lines, 0, "X-WR-CALNAME");
    require(name && unescape(*name) == with_lf_newlines(options.name), "the calendar's name reads back");
  }
  std::size_t events = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "BEGIN:VEVENT") continue;
    const auto& s = planning.sessions.at(events++);
    std::optional<std::string> summary = property(lines, i, "SUMMARY");
    require(summary && unescape(*summary) == with_lf_newlines(s.matiere), "SUMMARY reads back as the subject");
    std::optional<std::string> description = property(lines, i, "DESCRIPTION");
    if (s.notes && !s.notes->empty())
      require(description && unescape(*description) == with_lf_newlines(*s.notes),
              "DESCRIPTION reads back as the notes");
    else require(!description, "no DESCRIPTION without notes");
    require(property(lines, i, "DTSTART").value_or("").size() == 16, "DTSTART is a UTC date-time");
  }
  require(events == planning.sessions.size(), "one VEVENT per session");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange(0, 2)) {
    case 0: check_escape(in.ConsumeRemainingBytesAsString()); break;
    case 1: check_fold(in.ConsumeRemainingBytesAsString()); break;
    default: check_render(in); break;
  }
  return 0;
}
