// services/ics: RFC 5545 text escaping, line folding at 75 octets (never inside a UTF-8
// character), UTC times, and the calendar document (behaviour.md "Plannings", ICS).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/planning/ics.hpp"
#include "store/records.hpp"

namespace ics = planetude::ics;
namespace store = planetude::store;

namespace {

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Physical lines of `text`, which must end with CRLF; fails on a bare CR or LF.
std::vector<std::string> physical_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t crlf = text.find("\r\n", start);
    if (crlf == std::string::npos) {
      ADD_FAILURE() << "text does not end with CRLF: " << text.substr(start);
      break;
    }
    std::string line = text.substr(start, crlf - start);
    EXPECT_EQ(line.find('\r'), std::string::npos) << "bare CR in " << line;
    EXPECT_EQ(line.find('\n'), std::string::npos) << "bare LF in " << line;
    lines.push_back(std::move(line));
    start = crlf + 2;
  }
  return lines;
}

// RFC 5545 §3.1 unfolding: remove every CRLF followed by one space.
std::string unfold(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

// A line of text is whole UTF-8 characters: it neither starts with a continuation byte nor ends
// inside a multi-byte character.
bool whole_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k)
      if (!is_continuation_byte(s[i + k])) return false;
    i += len;
  }
  return true;
}

// Checks every rule of a folded line and that unfolding gives `original` back.
void expect_well_folded(const std::string& original, const std::string& folded) {
  ASSERT_GE(folded.size(), 2u);
  EXPECT_EQ(folded.substr(folded.size() - 2), "\r\n");
  auto lines = physical_lines(folded);
  ASSERT_FALSE(lines.empty());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_LE(lines[i].size(), 75u) << "line " << i;
    std::string content = lines[i];
    if (i > 0) {
      ASSERT_FALSE(content.empty()) << "line " << i;
      EXPECT_EQ(content[0], ' ') << "line " << i;
      content.erase(0, 1);
      EXPECT_FALSE(content.empty()) << "empty continuation line " << i;
    }
    EXPECT_TRUE(whole_utf8(content)) << "line " << i << " splits a UTF-8 character";
  }
  EXPECT_EQ(unfold(folded), original + "\r\n");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// escape_text

TEST(IcsEscape, SpecialCharacters) {
  EXPECT_EQ(ics::escape_text("a\\b"), "a\\\\b");
  EXPECT_EQ(ics::escape_text("a;b"), "a\\;b");
  EXPECT_EQ(ics::escape_text("a,b"), "a\\,b");
  EXPECT_EQ(ics::escape_text("a\nb"), "a\\nb");
  EXPECT_EQ(ics::escape_text("a\r\nb"), "a\\nb");
  EXPECT_EQ(ics::escape_text("a\rb"), "a\\nb");
}

TEST(IcsEscape, ColonAndOrdinaryTextUntouched) {
  EXPECT_EQ(ics::escape_text("Maths: chapitre 3"), "Maths: chapitre 3");
  EXPECT_EQ(ics::escape_text("Révisions d'été \"bac\""), "Révisions d'été \"bac\"");
  EXPECT_EQ(ics::escape_text(""), "");
}

TEST(IcsEscape, Sequences) {
  EXPECT_EQ(ics::escape_text("\r\r\n"), "\\n\\n");
  EXPECT_EQ(ics::escape_text("\n\r"), "\\n\\n");
  EXPECT_EQ(ics::escape_text("\r\n\r\n"), "\\n\\n");
  EXPECT_EQ(ics::escape_text("\\n"), "\\\\n");  // a backslash then the letter n
  EXPECT_EQ(ics::escape_text("1,2;3\\4\n5:6"), "1\\,2\\;3\\\\4\\n5:6");
  EXPECT_EQ(ics::escape_text("fin\r"), "fin\\n");
}

// ---------------------------------------------------------------------------------------------
// fold_line

TEST(IcsFold, ShortAndEmptyLines) {
  EXPECT_EQ(ics::fold_line(""), "\r\n");
  EXPECT_EQ(ics::fold_line("VERSION:2.0"), "VERSION:2.0\r\n");
}

TEST(IcsFold, SeventyFiveOctetsUnchanged) {
  std::string line = repeat("a", 75);
  EXPECT_EQ(ics::fold_line(line), line + "\r\n");
}

TEST(IcsFold, SeventySixOctetsFolded) {
  std::string line = repeat("a", 75) + "b";
  EXPECT_EQ(ics::fold_line(line), repeat("a", 75) + "\r\n b\r\n");
}

TEST(IcsFold, ContinuationLinesHold74OctetsAfterTheSpace) {
  std::string line = repeat("x", 75 + 74);
  EXPECT_EQ(ics::fold_line(line), repeat("x", 75) + "\r\n " + repeat("x", 74) + "\r\n");
  line += "y";
  EXPECT_EQ(ics::fold_line(line), repeat("x", 75) + "\r\n " + repeat("x", 74) + "\r\n y\r\n");
  expect_well_folded(line, ics::fold_line(line));
}

TEST(IcsFold, LongAsciiLine) {
  std::string line = "DESCRIPTION:";
  for (int i = 0; i < 100; ++i) line += std::to_string(i) + " ";
  std::string folded = ics::fold_line(line);
  expect_well_folded(line, folded);
  // Folding uses whole lines: every physical line but the last is 75 octets.
  auto lines = physical_lines(folded);
  for (std::size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 75u) << i;
}

TEST(IcsFold, CharacterEndingExactlyAtOctet75) {
  std::string line = repeat("a", 73) + "é";  // 75 octets
  EXPECT_EQ(ics::fold_line(line), line + "\r\n");
  line = repeat("a", 74) + "é";  // 76 octets: the é would straddle octet 75, so it moves down whole
  EXPECT_EQ(ics::fold_line(line), repeat("a", 74) + "\r\n é\r\n");
}

TEST(IcsFold, NeverSplitsTwoByteCharacters) {
  for (std::size_t prefix = 0; prefix < 3; ++prefix) {
    std::string line = repeat("a", prefix) + repeat("é", 100);
    expect_well_folded(line, ics::fold_line(line));
  }
}

TEST(IcsFold, NeverSplitsThreeByteCharacters) {
  for (std::size_t prefix = 0; prefix < 4; ++prefix) {
    std::string line = "SUMMARY:" + repeat("a", prefix) + repeat("€", 80);
    expect_well_folded(line, ics::fold_line(line));
  }
}

TEST(IcsFold, NeverSplitsFourByteCharacters) {
  for (std::size_t prefix = 0; prefix < 5; ++prefix) {
    std::string line = repeat("a", prefix) + repeat("😀", 60);
    std::string folded = ics::fold_line(line);
    expect_well_folded(line, folded);
    // The first line stops before the emoji that would cross octet 75.
    auto lines = physical_lines(folded);
    ASSERT_GE(lines.size(), 2u);
    EXPECT_GT(lines[0].size(), 71u);
  }
}

// Found by tests/fuzz/ics_fuzz: a run of 75 or more UTF-8 continuation bytes (text that is not
// UTF-8) left no character start to fold before, and fold_line never returned. It now cuts at the
// limit there; lines stay within 75 octets and unfold back.
TEST(IcsFold, TextThatIsNotUtf8StillFolds) {
  for (const std::string& line :
       {repeat("\x80", 200), "SUMMARY:" + repeat("\xbf", 80), repeat("a", 70) + repeat("\x8d", 90)}) {
    std::string folded = ics::fold_line(line);
    EXPECT_EQ(unfold(folded), line + "\r\n");
    for (const auto& physical : physical_lines(folded)) EXPECT_LE(physical.size(), 75u);
  }
}

TEST(IcsFold, MixedText) {
  std::string line = "DESCRIPTION:" + repeat("Révisé à 😀 l'été, € ", 20);
  expect_well_folded(line, ics::fold_line(line));
}

// ---------------------------------------------------------------------------------------------
// format_utc

TEST(IcsTime, BasicFormatInUtc) {
  EXPECT_EQ(ics::format_utc(1766653200000), "20251225T090000Z");  // 2025-12-25T09:00:00Z
  EXPECT_EQ(ics::format_utc(1766653200999), "20251225T090000Z");  // milliseconds dropped
  EXPECT_EQ(ics::format_utc(1766653259000), "20251225T090059Z");
  EXPECT_EQ(ics::format_utc(0), "19700101T000000Z");
  EXPECT_EQ(ics::format_utc(951782400000), "20000229T000000Z");
  EXPECT_EQ(ics::format_utc(-1), "19691231T235959Z");
  EXPECT_EQ(ics::format_utc(-1000), "19691231T235959Z");
  EXPECT_EQ(ics::format_utc(-1500), "19691231T235958Z");
}

// ---------------------------------------------------------------------------------------------
// render

namespace {

store::SessionRecord session(const std::string& id, const std::string& matiere, std::int64_t debut, std::int64_t fin,
                             const std::string& statut = "planifie", std::optional<std::string> notes = std::nullopt) {
  store::SessionRecord s;
  s.id = id;
  s.matiere = matiere;
  s.debut = debut;
  s.fin = fin;
  s.statut = statut;
  s.notes = std::move(notes);
  return s;
}

constexpr std::int64_t k0900 = 1766653200000;  // 2025-12-25T09:00:00Z
constexpr std::int64_t kHour = 3600 * 1000;

std::vector<store::PlanningRecord> sample() {
  store::PlanningRecord a;
  a.id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  a.user_id = "bbbbbbbbbbbbbbbbbbbbbbbb";
  a.periode = "jour";
  a.updated_at = k0900 - 24 * kHour + 123;  // 2025-12-24T09:00:00.123Z
  a.sessions = {session("111111111111111111111111", "Maths, physique; chimie\\", k0900, k0900 + kHour),
                session("222222222222222222222222", "Histoire", k0900 + 2 * kHour, k0900 + 3 * kHour + 1800 * 1000,
                        "rate", std::string("chapitre 1\nchapitre 2, relire")),
                session("333333333333333333333333", repeat("é", 100), k0900 + 4 * kHour, k0900 + 5 * kHour, "termine",
                        std::string(""))};
  store::PlanningRecord b;
  b.id = "cccccccccccccccccccccccc";
  b.user_id = "bbbbbbbbbbbbbbbbbbbbbbbb";
  b.periode = "semaine";
  b.updated_at = k0900;
  b.sessions = {session("444444444444444444444444", "Anglais", k0900 + 24 * kHour, k0900 + 25 * kHour, "en_cours")};
  return {a, b};
}

// The logical (unfolded) lines of a rendered calendar.
std::vector<std::string> logical_lines(const std::string& text) { return physical_lines(unfold(text)); }

// The logical lines of each VEVENT, in order.
std::vector<std::vector<std::string>> events(const std::vector<std::string>& lines) {
  std::vector<std::vector<std::string>> out;
  bool inside = false;
  for (const auto& l : lines) {
    if (l == "BEGIN:VEVENT") {
      EXPECT_FALSE(inside) << "nested VEVENT";
      inside = true;
      out.emplace_back();
    } else if (l == "END:VEVENT") {
      EXPECT_TRUE(inside) << "END:VEVENT without BEGIN";
      inside = false;
    } else if (inside) {
      out.back().push_back(l);
    }
  }
  EXPECT_FALSE(inside) << "unterminated VEVENT";
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::size_t count_prefix(const std::vector<std::string>& lines, const std::string& prefix) {
  return static_cast<std::size_t>(
      std::count_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; }));
}

}  // namespace

TEST(IcsRender, CalendarFrameAndLineEndings) {
  std::string text = ics::render(sample(), {});
  ASSERT_GE(text.size(), 2u);
  EXPECT_EQ(text.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_EQ(text.substr(text.size() - 15), "END:VCALENDAR\r\n");

  // Every physical line ends with CRLF and is at most 75 octets, whole UTF-8 characters each.
  auto physical = physical_lines(text);
  for (const auto& l : physical) {
    EXPECT_LE(l.size(), 75u) << l;
    EXPECT_TRUE(whole_utf8(l[0] == ' ' ? l.substr(1) : l)) << l;
  }

  auto lines = logical_lines(text);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_EQ(count_prefix(lines, "BEGIN:VCALENDAR"), 1u);
  EXPECT_EQ(count_prefix(lines, "END:VCALENDAR"), 1u);
  EXPECT_TRUE(has(lines, "VERSION:2.0"));
  ASSERT_EQ(count_prefix(lines, "PRODID:"), 1u);
  auto prodid =
      std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("PRODID:", 0) == 0; });
  EXPECT_GT(prodid->size(), 7u) << "empty PRODID";
}

TEST(IcsRender, OneEventPerSession) {
  auto lines = logical_lines(ics::render(sample(), {}));
  auto evs = events(lines);
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_EQ(count_prefix(lines, "BEGIN:VEVENT"), 4u);
  EXPECT_EQ(count_prefix(lines, "END:VEVENT"), 4u);
  const char* uids[] = {"UID:111111111111111111111111@planetude", "UID:222222222222222222222222@planetude",
                        "UID:333333333333333333333333@planetude", "UID:444444444444444444444444@planetude"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_TRUE(has(evs[i], uids[i])) << i;
    EXPECT_EQ(count_prefix(evs[i], "UID:"), 1u) << i;
    EXPECT_EQ(count_prefix(evs[i], "DTSTAMP:"), 1u) << i;
    EXPECT_EQ(count_prefix(evs[i], "DTSTART:"), 1u) << i;
    EXPECT_EQ(count_prefix(evs[i], "DTEND:"), 1u) << i;
    EXPECT_EQ(count_prefix(evs[i], "SUMMARY:"), 1u) << i;
  }
}

TEST(IcsRender, TimesInUtcBasicFormat) {
  auto evs = events(logical_lines(ics::render(sample(), {})));
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_TRUE(has(evs[0], "DTSTART:20251225T090000Z"));
  EXPECT_TRUE(has(evs[0], "DTEND:20251225T100000Z"));
  EXPECT_TRUE(has(evs[0], "DTSTAMP:20251224T090000Z"));  // the planning's updatedAt
  EXPECT_TRUE(has(evs[1], "DTSTART:20251225T110000Z"));
  EXPECT_TRUE(has(evs[1], "DTEND:20251225T123000Z"));
  EXPECT_TRUE(has(evs[3], "DTSTART:20251226T090000Z"));
  EXPECT_TRUE(has(evs[3], "DTEND:20251226T100000Z"));
  EXPECT_TRUE(has(evs[3], "DTSTAMP:20251225T090000Z"));
}

TEST(IcsRender, SummaryEscapedAndFolded) {
  std::string text = ics::render(sample(), {});
  auto evs = events(logical_lines(text));
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_TRUE(has(evs[0], "SUMMARY:Maths\\, physique\\; chimie\\\\"));
  EXPECT_TRUE(has(evs[1], "SUMMARY:Histoire"));
  // 8 + 200 octets: folded in the document, whole again once unfolded.
  EXPECT_TRUE(has(evs[2], "SUMMARY:" + repeat("é", 100)));
  EXPECT_EQ(text.find("SUMMARY:" + repeat("é", 100)), std::string::npos);
}

TEST(IcsRender, DescriptionOnlyWhenNotesArePresent) {
  auto evs = events(logical_lines(ics::render(sample(), {})));
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_EQ(count_prefix(evs[0], "DESCRIPTION"), 0u);
  EXPECT_TRUE(has(evs[1], "DESCRIPTION:chapitre 1\\nchapitre 2\\, relire"));
  EXPECT_EQ(count_prefix(evs[3], "DESCRIPTION"), 0u);
}

TEST(IcsRender, CancelledOnlyForRate) {
  auto evs = events(logical_lines(ics::render(sample(), {})));
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_EQ(count_prefix(evs[0], "STATUS"), 0u);            // planifie
  EXPECT_TRUE(has(evs[1], "STATUS:CANCELLED"));             // rate
  EXPECT_EQ(count_prefix(evs[2], "STATUS:CANCELLED"), 0u);  // termine
  EXPECT_EQ(count_prefix(evs[3], "STATUS:CANCELLED"), 0u);  // en_cours
}

TEST(IcsRender, RefreshHintsOnlyWhenPublished) {
  auto plain = logical_lines(ics::render(sample(), {}));
  EXPECT_EQ(count_prefix(plain, "REFRESH-INTERVAL"), 0u);
  EXPECT_EQ(count_prefix(plain, "X-PUBLISHED-TTL"), 0u);

  ics::CalendarOptions options;
  options.published = true;
  auto published = logical_lines(ics::render(sample(), options));
  EXPECT_TRUE(has(published, "REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
  EXPECT_TRUE(has(published, "X-PUBLISHED-TTL:PT1H"));
  EXPECT_EQ(count_prefix(published, "REFRESH-INTERVAL"), 1u);
  EXPECT_EQ(count_prefix(published, "X-PUBLISHED-TTL"), 1u);
  // They belong to the calendar, not to an event.
  for (const auto& ev : events(published)) {
    EXPECT_EQ(count_prefix(ev, "REFRESH-INTERVAL"), 0u);
    EXPECT_EQ(count_prefix(ev, "X-PUBLISHED-TTL"), 0u);
  }
}

TEST(IcsRender, CalendarNameEscaped) {
  ics::CalendarOptions options;
  options.name = "PlanÉtude, Alice; 2025";
  auto lines = logical_lines(ics::render(sample(), options));
  EXPECT_TRUE(has(lines, "X-WR-CALNAME:PlanÉtude\\, Alice\\; 2025"));
}

TEST(IcsRender, NoPlanningsIsAnEmptyCalendar) {
  ics::CalendarOptions options;
  options.published = true;
  std::string text = ics::render({}, options);
  auto lines = logical_lines(text);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  EXPECT_TRUE(has(lines, "VERSION:2.0"));
  EXPECT_EQ(count_prefix(lines, "BEGIN:VEVENT"), 0u);
  EXPECT_TRUE(has(lines, "REFRESH-INTERVAL;VALUE=DURATION:PT1H"));
  // A planning without sessions adds nothing either.
  store::PlanningRecord empty;
  empty.id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  EXPECT_EQ(ics::render({empty}, options), text);
}
