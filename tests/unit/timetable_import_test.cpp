// ical/timetable_import: .ics files (tests/data/timetables/, and calendars built here) read into
// busy time — recurrences, exceptions, time zones, all-day events, limits — and exam titles.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "ical/timetable_import.hpp"

namespace ical = planetude::ical;
using ical::BusyEvent;
using ical::ImportError;
using ical::ImportLimits;
using ical::ImportWindow;

namespace {

// An instant from its UTC fields, in ms, computed without the code under test.
std::int64_t utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  using namespace std::chrono;
  const auto t = date::sys_days(date::year{y} / mo / d) + hours(h) + minutes(mi);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

constexpr std::int64_t kHour = 3600 * 1000;

const date::time_zone* paris() { return date::locate_zone("Europe/Paris"); }
const date::time_zone* new_york() { return date::locate_zone("America/New_York"); }

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PLANETUDE_TEST_DATA_DIR) + "/timetables/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A calendar around `body` (VEVENTs written with \n), with CRLF line endings as exporters write.
std::string calendar(const std::string& body) {
  std::string text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//PlanEtude//Tests//FR\n" + body + "END:VCALENDAR\n";
  std::string crlf;
  for (const char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  return crlf;
}

std::string vevent(const std::string& uid, const std::string& lines) {
  return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTAMP:20250101T000000Z\n" + lines + "END:VEVENT\n";
}

std::vector<BusyEvent> read(const std::string& ics, ImportWindow window,
                            const date::time_zone* tz = date::locate_zone("Europe/Paris"), ImportLimits limits = {}) {
  return ical::read_timetable(ics, window, tz, limits);
}

// The code of the ImportError that reading throws ("" when it does not throw).
std::string error_code(const std::string& ics, ImportWindow window, ImportLimits limits = {},
                       std::string* message = nullptr) {
  try {
    (void)ical::read_timetable(ics, window, paris(), limits);
  } catch (const ImportError& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  return "";
}

const ImportWindow kMarch2025{utc(2025, 3, 1), utc(2025, 4, 1)};

// The local clock hour of an instant in `tz`.
long local_hour(std::int64_t ms, const date::time_zone* tz) {
  const auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>{std::chrono::milliseconds{ms}});
  return std::chrono::duration_cast<std::chrono::hours>(local - date::floor<date::days>(local)).count();
}

}  // namespace

// --- weekly-with-exceptions.ics: RRULE, EXDATE, moved and cancelled occurrences, DST --------------

TEST(TimetableImport, WeeklyClassWithHolidaysMovedAndCancelledOccurrences) {
  const auto events = read(fixture("weekly-with-exceptions.ics"), {utc(2024, 9, 1), utc(2025, 1, 1)});
  const std::string algo = "Algorithmique et structures de données avancées - Cours magistral";
  const std::string td = "TD Programmation C++, groupe 2";
  struct Expected {
    std::int64_t debut;
    std::int64_t fin;
    std::string title;
  };
  // Paris is UTC+2 until 27 October 2024, then UTC+1. The class on 21 and 28 October is excluded
  // (holidays), the one of 18 November moved to 19 November 14:00, the one of 2 December cancelled.
  const std::vector<Expected> expected = {
      {utc(2024, 10, 7, 6), utc(2024, 10, 7, 8), algo},
      {utc(2024, 10, 14, 6), utc(2024, 10, 14, 8), algo},
      {utc(2024, 10, 17, 11, 30), utc(2024, 10, 17, 13, 30), td},
      {utc(2024, 10, 24, 11, 30), utc(2024, 10, 24, 13, 30), td},
      {utc(2024, 10, 31, 12, 30), utc(2024, 10, 31, 14, 30), td},
      {utc(2024, 11, 4, 7), utc(2024, 11, 4, 9), algo},
      {utc(2024, 11, 7, 12, 30), utc(2024, 11, 7, 14, 30), td},
      {utc(2024, 11, 11, 7), utc(2024, 11, 11, 9), algo},
      {utc(2024, 11, 14, 12, 30), utc(2024, 11, 14, 14, 30), td},
      {utc(2024, 11, 19, 13), utc(2024, 11, 19, 15), algo + " (déplacé)"},
      {utc(2024, 11, 21, 12, 30), utc(2024, 11, 21, 14, 30), td},
      {utc(2024, 11, 25, 7), utc(2024, 11, 25, 9), algo},
      {utc(2024, 12, 9, 7), utc(2024, 12, 9, 9), algo},
      {utc(2024, 12, 16, 7), utc(2024, 12, 16, 9), algo},
  };
  ASSERT_EQ(events.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(events[i].debut, expected[i].debut);
    EXPECT_EQ(events[i].fin, expected[i].fin);
    EXPECT_EQ(events[i].title, expected[i].title);
    EXPECT_FALSE(events[i].all_day);
  }
  EXPECT_EQ(events[0].location, "Amphi Turing (Bâtiment A)");
  EXPECT_EQ(events[2].location, "Salle C012 - Informatique");
  EXPECT_EQ(events[9].location, "Salle B204");  // the moved occurrence's own room
}

TEST(TimetableImport, WeeklyClassStaysAtItsLocalHourAcrossTheDstChange) {
  const auto events = read(fixture("weekly-with-exceptions.ics"), {utc(2024, 9, 1), utc(2025, 1, 1)});
  int before = 0;
  int after = 0;
  for (const BusyEvent& e : events) {
    if (e.title != "Algorithmique et structures de données avancées - Cours magistral") continue;
    EXPECT_EQ(local_hour(e.debut, paris()), 8);
    EXPECT_EQ(e.fin - e.debut, 2 * kHour);
    (e.debut < utc(2024, 10, 27) ? before : after) += 1;
  }
  EXPECT_EQ(before, 2);
  EXPECT_EQ(after, 5);
}

TEST(TimetableImport, WindowCutsTheRecurrence) {
  // 4 to 18 November: two Mondays and two Thursdays; the class moved to the 19th is outside.
  const auto events = read(fixture("weekly-with-exceptions.ics"), {utc(2024, 11, 4), utc(2024, 11, 18)});
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events.front().debut, utc(2024, 11, 4, 7));
  EXPECT_EQ(events.back().debut, utc(2024, 11, 14, 12, 30));
}

TEST(TimetableImport, TruncatedFileIsInvalid) {
  const std::string full = fixture("weekly-with-exceptions.ics");
  EXPECT_EQ(error_code(full.substr(0, full.size() / 2), kMarch2025), "ics_invalid");
  EXPECT_EQ(error_code(full.substr(0, full.rfind("END:VCALENDAR")), kMarch2025), "ics_invalid");
}

// --- all-day.ics ----------------------------------------------------------------------------------

TEST(TimetableImport, AllDayEventsAreWholeLocalDays) {
  const auto events = read(fixture("all-day.ics"), {utc(2025, 1, 1), utc(2025, 4, 1)});
  ASSERT_EQ(events.size(), 5u);  // the birthday is TRANSP:TRANSPARENT: not busy
  for (const BusyEvent& e : events) EXPECT_TRUE(e.all_day) << e.title;

  EXPECT_EQ(events[0].title, "Partiel de maths");
  EXPECT_EQ(events[0].debut, utc(2025, 1, 14, 23));  // midnight in Paris (UTC+1)
  EXPECT_EQ(events[0].fin, utc(2025, 1, 15, 23));
  EXPECT_EQ(events[0].location, "");
  EXPECT_TRUE(ical::looks_like_exam(events[0].title));

  EXPECT_EQ(events[1].title, "Journée portes ouvertes");  // no DTEND: one day; title trimmed
  EXPECT_EQ(events[1].debut, utc(2025, 1, 24, 23));
  EXPECT_EQ(events[1].fin, utc(2025, 1, 25, 23));

  EXPECT_EQ(events[2].title, "Voyage scolaire à Berlin");  // 3 to 7 February (DTEND excluded)
  EXPECT_EQ(events[2].location, "Berlin, Allemagne");
  EXPECT_EQ(events[2].debut, utc(2025, 2, 2, 23));
  EXPECT_EQ(events[2].fin, utc(2025, 2, 7, 23));

  EXPECT_EQ(events[3].title, "Bac blanc de philosophie");  // DURATION:P2D
  EXPECT_EQ(events[3].debut, utc(2025, 3, 9, 23));
  EXPECT_EQ(events[3].fin, utc(2025, 3, 11, 23));
  EXPECT_TRUE(ical::looks_like_exam(events[3].title));

  // 29 and 30 March: the clocks go forward on the 30th, so the two days last 47 hours.
  EXPECT_EQ(events[4].title, "Stage d'orientation (week-end)");
  EXPECT_EQ(events[4].debut, utc(2025, 3, 28, 23));
  EXPECT_EQ(events[4].fin, utc(2025, 3, 30, 22));
  EXPECT_FALSE(ical::looks_like_exam(events[4].title));
}

TEST(TimetableImport, AllDayEventsFollowTheStudentsZone) {
  const auto events = read(fixture("all-day.ics"), {utc(2025, 1, 1), utc(2025, 2, 1)}, new_york());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].debut, utc(2025, 1, 15, 5));  // midnight in New York (UTC-5)
  EXPECT_EQ(events[0].fin, utc(2025, 1, 16, 5));
}

// --- other-zone.ics -------------------------------------------------------------------------------

TEST(TimetableImport, EventsInOtherZones) {
  const auto events = read(fixture("other-zone.ics"), {utc(2024, 10, 1), utc(2025, 4, 1)});
  ASSERT_EQ(events.size(), 6u);
  // Weekly in New York (VTIMEZONE of the file): EDT (UTC-4) until 3 November, then EST (UTC-5),
  // while Paris changed on 27 October.
  EXPECT_EQ(events[0].debut, utc(2024, 10, 22, 13));
  EXPECT_EQ(events[1].debut, utc(2024, 10, 29, 13));
  EXPECT_EQ(events[2].debut, utc(2024, 11, 5, 14));
  EXPECT_EQ(events[2].fin, utc(2024, 11, 5, 15));
  EXPECT_EQ(events[2].title, "Office hours - Pr. Johnson");
  // 10 March 2025, 10:00 in New York, already on summer time (UTC-4).
  EXPECT_EQ(events[3].debut, utc(2025, 3, 10, 14));
  EXPECT_EQ(events[3].fin, utc(2025, 3, 10, 15, 30));
  // A folded line cut in the middle of a UTF-8 character, as Google Calendar writes them.
  EXPECT_EQ(events[3].title, "Séminaire d'échange franco-américain : présentation des projets de fin d'année");
  // TZID=Asia/Tokyo without a VTIMEZONE: the IANA zone (UTC+9).
  EXPECT_EQ(events[4].title, "Réunion projet avec l'université de Tokyo");
  EXPECT_EQ(events[4].debut, utc(2025, 3, 12, 9));
  EXPECT_EQ(events[4].fin, utc(2025, 3, 12, 10, 30));
  // A floating time: the student's zone (Paris, UTC+1 on 14 March).
  EXPECT_EQ(events[5].title, "Préparation du dossier (heure locale)");
  EXPECT_EQ(events[5].debut, utc(2025, 3, 14, 8));
  EXPECT_EQ(events[5].fin, utc(2025, 3, 14, 10));
}

TEST(TimetableImport, FloatingTimesFollowTheStudentsZoneOnly) {
  const auto events = read(fixture("other-zone.ics"), {utc(2025, 3, 1), utc(2025, 4, 1)}, new_york());
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].debut, utc(2025, 3, 10, 14));  // zoned: unchanged
  EXPECT_EQ(events[1].debut, utc(2025, 3, 12, 9));
  EXPECT_EQ(events[2].debut, utc(2025, 3, 14, 13));  // 09:00 in New York (UTC-4)
}

TEST(TimetableImport, ZoneNamesWithoutVtimezone) {
  const std::string ics =
      calendar(vevent("mars",
                      "DTSTART;TZID=Mars/Olympus_Mons:20250305T100000\nDTEND;TZID=Mars/Olympus_Mons:20250305T110000\n"
                      "SUMMARY:Zone inconnue\n") +
               vevent("prefixed",
                      "DTSTART;TZID=/freeassociation.sourceforge.net/Tzfile/America/New_York:20250306T100000\n"
                      "DTEND;TZID=/freeassociation.sourceforge.net/Tzfile/America/New_York:20250306T110000\n"
                      "SUMMARY:Zone préfixée\n") +
               vevent("utc", "DTSTART:20250307T100000Z\nDTEND:20250307T110000Z\nSUMMARY:UTC\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].debut, utc(2025, 3, 5, 9));   // unknown zone: floating, read in Paris
  EXPECT_EQ(events[1].debut, utc(2025, 3, 6, 15));  // New York, UTC-5 until 9 March
  EXPECT_EQ(events[2].debut, utc(2025, 3, 7, 10));
}

// --- Many events ----------------------------------------------------------------------------------

namespace {

// 2,000 one-off classes as an ENT exports them: 8 a day from 6 January 2025, 50 minutes each.
std::string big_calendar(int count) {
  std::ostringstream body;
  for (int i = 0; i < count; ++i) {
    const int day = i / 8;
    const int slot = i % 8;
    const auto start = date::sys_days(date::year{2025} / 1 / 6) + date::days{day} + std::chrono::hours{7 + slot};
    const auto fmt = [](auto t) { return date::format("%Y%m%dT%H%M%SZ", t); };
    body << "BEGIN:VEVENT\nUID:cours-" << i << "@ent.example.fr\nDTSTAMP:20250101T000000Z\n"
         << "DTSTART:" << fmt(start) << "\nDTEND:" << fmt(start + std::chrono::minutes{50}) << "\n"
         << "SUMMARY:Cours n°" << i << " - Mathématiques\nLOCATION:Salle " << 100 + slot << "\nEND:VEVENT\n";
  }
  return calendar(body.str());
}

}  // namespace

TEST(TimetableImport, TwoThousandEvents) {
  const std::string ics = big_calendar(2000);
  const ImportWindow year{utc(2025, 1, 1), utc(2026, 1, 1)};
  const auto events = read(ics, year);
  ASSERT_EQ(events.size(), 2000u);
  EXPECT_EQ(events.front().debut, utc(2025, 1, 6, 7));
  EXPECT_EQ(events.front().title, "Cours n°0 - Mathématiques");
  EXPECT_EQ(events.back().debut, utc(2025, 9, 12, 14));  // 6 January + 249 days, last slot
  EXPECT_EQ(events.back().fin, events.back().debut + 50 * 60 * 1000);
  for (std::size_t i = 1; i < events.size(); ++i) ASSERT_LT(events[i - 1].debut, events[i].debut);

  EXPECT_EQ(read(ics, year, paris(), ImportLimits{std::size_t{2} * 1024 * 1024, 2000}).size(), 2000u);
  std::string message;
  EXPECT_EQ(error_code(ics, year, ImportLimits{std::size_t{2} * 1024 * 1024, 1999}, &message), "ics_too_many_events");
  EXPECT_NE(message.find("1999"), std::string::npos) << message;
  // A window of the first 10 days: 80 classes.
  EXPECT_EQ(read(ics, {utc(2025, 1, 6), utc(2025, 1, 16)}).size(), 80u);
}

TEST(TimetableImport, TooManyOccurrencesIsAnErrorNotATruncation) {
  const std::string ics = calendar(
      vevent("daily", "DTSTART:20240101T080000Z\nDTEND:20240101T090000Z\nRRULE:FREQ=DAILY\nSUMMARY:Permanence\n"));
  EXPECT_EQ(read(ics, kMarch2025).size(), 31u);
  EXPECT_EQ(error_code(ics, kMarch2025, ImportLimits{1024 * 1024, 30}), "ics_too_many_events");
  EXPECT_EQ(error_code(ics, {utc(2025, 1, 1), utc(2026, 1, 1)}, ImportLimits{1024 * 1024, 100}), "ics_too_many_events");
}

// --- Malformed input ------------------------------------------------------------------------------

TEST(TimetableImport, NotACalendarIsInvalid) {
  std::string message;
  EXPECT_EQ(error_code("Bonjour, voici mon emploi du temps : lundi maths, mardi anglais.", kMarch2025, {}, &message),
            "ics_invalid");
  EXPECT_NE(message.find("ENT"), std::string::npos) << message;
  EXPECT_EQ(error_code("", kMarch2025), "ics_invalid");
  EXPECT_EQ(error_code(" \r\n\r\n", kMarch2025), "ics_invalid");
  EXPECT_EQ(error_code("{\"events\": []}", kMarch2025), "ics_invalid");
  // A VEVENT alone, outside any VCALENDAR.
  EXPECT_EQ(error_code("BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250303T100000Z\r\nEND:VEVENT\r\n", kMarch2025),
            "ics_invalid");
  // Mismatched END.
  EXPECT_EQ(error_code("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", kMarch2025), "ics_invalid");
}

TEST(TimetableImport, BinaryGarbageIsInvalid) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  EXPECT_EQ(error_code(garbage, kMarch2025), "ics_invalid");
  EXPECT_EQ(error_code(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), kMarch2025), "ics_invalid");
}

TEST(TimetableImport, TooLargeIsRefusedBeforeParsing) {
  const std::string ics = big_calendar(20);
  std::string message;
  EXPECT_EQ(error_code(ics, kMarch2025, ImportLimits{ics.size() - 1, 5000}, &message), "ics_too_large");
  EXPECT_NE(message.find("Ko"), std::string::npos) << message;
  EXPECT_EQ(error_code(ics, kMarch2025, ImportLimits{ics.size(), 5000}), "");
  // Checked before parsing: garbage that is too big is too big, not invalid.
  EXPECT_EQ(error_code(std::string(3 * 1024 * 1024, '\x01'), kMarch2025), "ics_too_large");
}

TEST(TimetableImport, EmptyCalendarHasNoEvents) {
  EXPECT_TRUE(read(calendar(""), kMarch2025).empty());
  // Lines libical cannot read are skipped, not fatal.
  EXPECT_TRUE(read(calendar("ceci n'est pas une ligne\n"), kMarch2025).empty());
}

// --- Recurrence edge cases ------------------------------------------------------------------------

TEST(TimetableImport, EndlessRuleStopsAtTheWindow) {
  // Since September 2019, Mondays and Wednesdays at 08:00 in Paris (an IANA name, no VTIMEZONE).
  const std::string ics =
      calendar(vevent("sport",
                      "DTSTART;TZID=Europe/Paris:20190902T080000\nDTEND;TZID=Europe/Paris:20190902T100000\n"
                      "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\nSUMMARY:EPS\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 9u);  // 3, 5, 10, 12, 17, 19, 24, 26 and 31 March
  EXPECT_EQ(events.front().debut, utc(2025, 3, 3, 7));
  EXPECT_EQ(events.back().debut, utc(2025, 3, 31, 6));  // after the change to summer time
  for (const BusyEvent& e : events) EXPECT_EQ(local_hour(e.debut, paris()), 8);
  // Far in the future too.
  EXPECT_EQ(read(ics, {utc(2030, 3, 4), utc(2030, 3, 11)}).size(), 2u);
}

TEST(TimetableImport, IntervalRulesKeepTheirPhaseFarFromDtstart) {
  const std::string ics =
      calendar(vevent("every-other-tuesday",
                      "DTSTART:20230103T100000Z\nDTEND:20230103T110000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU\n"
                      "SUMMARY:Tutorat\n") +
               vevent("every-5-hours",
                      "DTSTART:20250101T000000Z\nDURATION:PT30M\nRRULE:FREQ=HOURLY;INTERVAL=5\nSUMMARY:Relevé\n"));
  const auto tuesdays = read(ics, kMarch2025);
  std::vector<std::int64_t> tutorat;
  for (const BusyEvent& e : tuesdays) {
    if (e.title == "Tutorat") tutorat.push_back(e.debut);
  }
  EXPECT_EQ(tutorat, (std::vector<std::int64_t>{utc(2025, 3, 11, 10), utc(2025, 3, 25, 10)}));

  // 1 March 00:00 is 1,416 hours after 1 January: the occurrences of that day are at 04, 09, 14, 19.
  const auto hourly = read(ics, {utc(2025, 3, 1), utc(2025, 3, 2)});
  std::vector<std::int64_t> starts;
  for (const BusyEvent& e : hourly) starts.push_back(e.debut);
  EXPECT_EQ(starts, (std::vector<std::int64_t>{utc(2025, 3, 1, 4), utc(2025, 3, 1, 9), utc(2025, 3, 1, 14),
                                               utc(2025, 3, 1, 19)}));
}

TEST(TimetableImport, UntilIsReadInTheEventsZone) {
  const std::string ics = calendar(
      // UNTIL in UTC: 22:30Z is 23:30 in Paris on 4 March, so the 4 March occurrence is the last.
      vevent("late",
             "DTSTART;TZID=Europe/Paris:20250303T233000\nDURATION:PT15M\n"
             "RRULE:FREQ=DAILY;UNTIL=20250304T223000Z\nSUMMARY:Appel\n") +
      // UNTIL as a date: that whole day.
      vevent("date-until",
             "DTSTART;TZID=Europe/Paris:20250310T180000\nDURATION:PT1H\n"
             "RRULE:FREQ=DAILY;UNTIL=20250312\nSUMMARY:Soutien\n"));
  const auto events = read(ics, kMarch2025);
  int appel = 0;
  int soutien = 0;
  for (const BusyEvent& e : events) (e.title == "Appel" ? appel : soutien) += 1;
  EXPECT_EQ(appel, 2);
  EXPECT_EQ(soutien, 3);
}

TEST(TimetableImport, OvernightOccurrenceEndsAtItsLocalHourAcrossTheDstChange) {
  // Saturdays 22:00 to Sundays 06:00 in Paris; on the night of 29 to 30 March the clocks go
  // forward, so that occurrence lasts 7 hours and still ends at 06:00.
  const std::string ics =
      calendar(vevent("night",
                      "DTSTART;TZID=Europe/Paris:20250322T220000\nDTEND;TZID=Europe/Paris:20250323T060000\n"
                      "RRULE:FREQ=WEEKLY;COUNT=3\nSUMMARY:Internat - surveillance\n"));
  const auto events = read(ics, {utc(2025, 3, 1), utc(2025, 4, 10)});
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].debut, utc(2025, 3, 22, 21));
  EXPECT_EQ(events[0].fin, utc(2025, 3, 23, 5));
  EXPECT_EQ(events[1].debut, utc(2025, 3, 29, 21));
  EXPECT_EQ(events[1].fin, utc(2025, 3, 30, 4));
  EXPECT_EQ(events[2].debut, utc(2025, 4, 5, 20));
  EXPECT_EQ(events[2].fin, utc(2025, 4, 6, 4));
}

TEST(TimetableImport, RdateAndExdate) {
  const std::string ics = calendar(vevent("rdates",
                                          "DTSTART:20250303T080000Z\nDTEND:20250303T090000Z\nRRULE:FREQ=DAILY;COUNT=3\n"
                                          "EXDATE:20250304T080000Z\nRDATE:20250310T080000Z,20250311T080000Z\n"
                                          "RDATE;VALUE=PERIOD:20250320T140000Z/PT3H\nSUMMARY:Oral\n"));
  const auto events = read(ics, kMarch2025);
  std::vector<std::int64_t> starts;
  for (const BusyEvent& e : events) starts.push_back(e.debut);
  EXPECT_EQ(starts, (std::vector<std::int64_t>{utc(2025, 3, 3, 8), utc(2025, 3, 5, 8), utc(2025, 3, 10, 8),
                                               utc(2025, 3, 11, 8), utc(2025, 3, 20, 14)}));
  EXPECT_EQ(events.back().fin, utc(2025, 3, 20, 17));  // the PERIOD's own length
  EXPECT_EQ(events.front().fin, utc(2025, 3, 3, 9));
}

TEST(TimetableImport, PathologicalRulesEndQuickly) {
  const auto started = std::chrono::steady_clock::now();
  // Rules that never match: only DTSTART remains.
  const std::string never = calendar(
      vevent("a", "DTSTART:20250303T080000Z\nDURATION:PT1H\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=4\nSUMMARY:A\n") +
      vevent("b", "DTSTART:20250304T080000Z\nDURATION:PT1H\nRRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\nSUMMARY:B\n") +
      vevent("c", "DTSTART:20250305T080000Z\nDURATION:PT1H\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30\nSUMMARY:C\n") +
      vevent("d", "DTSTART:20250306T080000Z\nDURATION:PT1H\nRRULE:FREQ=MONTHLY;BYDAY=6MO\nSUMMARY:D\n"));
  EXPECT_EQ(read(never, kMarch2025).size(), 4u);
  // (libical would search such rules up to the year 20000, for about a second each.)
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(500));
  // Every second since 2000, without end or with a huge COUNT: refused, not looped over.
  const std::string secondly =
      calendar(vevent("s", "DTSTART:20000101T000000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY\nSUMMARY:S\n"));
  EXPECT_EQ(error_code(secondly, {utc(2025, 3, 1), utc(2025, 3, 2)}), "ics_too_many_events");
  const std::string counted = calendar(
      vevent("s", "DTSTART:20000101T000000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY;COUNT=2000000000\nSUMMARY:S\n"));
  EXPECT_EQ(error_code(counted, kMarch2025), "ics_too_many_events");
  // Every second of February, from March: libical would search a year of seconds in one call.
  const std::string february =
      calendar(vevent("f", "DTSTART:20250314T090000Z\nDURATION:PT1S\nRRULE:FREQ=SECONDLY;BYMONTH=2\nSUMMARY:F\n"));
  EXPECT_EQ(error_code(february, {utc(2025, 1, 1), utc(2026, 6, 1)}), "ics_too_many_events");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  // A filtered rule under a day that stays reasonable is read: every day at 08:00, by the minute.
  const std::string by_minute = calendar(
      vevent("m", "DTSTART:20250101T080000Z\nDURATION:PT1H\nRRULE:FREQ=MINUTELY;BYHOUR=8;BYMINUTE=0\nSUMMARY:M\n"));
  const auto mornings = read(by_minute, kMarch2025);
  ASSERT_EQ(mornings.size(), 31u);
  EXPECT_EQ(mornings.front().debut, utc(2025, 3, 1, 8));
  EXPECT_EQ(mornings.back().debut, utc(2025, 3, 31, 8));
}

TEST(TimetableImport, CostlyTimeZonesAreNotExpanded) {
  // libical expands a VTIMEZONE's rules into every change since their DTSTART: a zone changing
  // every minute (or hour) is dropped, its TZID read as an IANA name, or else as floating time.
  const auto zone = [](const std::string& tzid, const std::string& freq) {
    return "BEGIN:VTIMEZONE\nTZID:" + tzid + "\nBEGIN:STANDARD\nDTSTART:19700101T000000\nRRULE:FREQ=" + freq +
           "\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0300\nEND:STANDARD\nEND:VTIMEZONE\n";
  };
  const auto started = std::chrono::steady_clock::now();
  const std::string ics =
      calendar(zone("Europe/Paris", "MINUTELY") + zone("Fuseau du lycée", "HOURLY") +
               vevent("paris", "DTSTART;TZID=Europe/Paris:20250303T100000\nDTEND;TZID=Europe/Paris:20250303T110000\n") +
               vevent("custom", "DTSTART;TZID=Fuseau du lycée:20250304T100000\nDURATION:PT1H\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].debut, utc(2025, 3, 3, 9));  // the real Europe/Paris
  EXPECT_EQ(events[1].debut, utc(2025, 3, 4, 9));  // floating, in the student's zone
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));

  // A sound zone is used as the file defines it (here a fixed UTC+3)…
  const std::string fixed = calendar(zone("Fuseau du lycée", "YEARLY") +
                                     vevent("custom", "DTSTART;TZID=Fuseau du lycée:20250304T100000\nDURATION:PT1H\n"));
  EXPECT_EQ(read(fixed, kMarch2025).at(0).debut, utc(2025, 3, 4, 7));
  // …but not looked up for times far in the future (libical would expand it again for each).
  std::string far_body;
  for (int i = 0; i < 300; ++i) {
    far_body += vevent("far-" + std::to_string(i),
                       "DTSTART;TZID=Fuseau du lycée:" + std::to_string(2600 + i) +
                           "0304T100000\nDURATION:PT1H\nRRULE:FREQ=YEARLY;UNTIL=99991231T235959Z\n");
  }
  const auto far_started = std::chrono::steady_clock::now();
  EXPECT_EQ(read(calendar(zone("Fuseau du lycée", "YEARLY") + far_body), kMarch2025).size(), 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - far_started, std::chrono::seconds(2));
}

// --- Lengths, status, window ----------------------------------------------------------------------

TEST(TimetableImport, ZeroLengthEventsAreDropped) {
  const std::string ics =
      calendar(vevent("no-end", "DTSTART:20250303T100000Z\nSUMMARY:Sans fin\n") +
               vevent("same", "DTSTART:20250303T110000Z\nDTEND:20250303T110000Z\nSUMMARY:Instantané\n") +
               vevent("zero-duration", "DTSTART:20250303T120000Z\nDURATION:PT0S\nSUMMARY:Durée nulle\n") +
               vevent("backwards", "DTSTART:20250303T130000Z\nDTEND:20250303T120000Z\nSUMMARY:À l'envers\n") +
               vevent("duration", "DTSTART:20250303T140000Z\nDURATION:PT1H30M\nSUMMARY:Avec durée\n") +
               vevent("date", "DTSTART;VALUE=DATE:20250304\nSUMMARY:Journée\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].title, "Avec durée");
  EXPECT_EQ(events[0].fin - events[0].debut, 90 * 60 * 1000);
  EXPECT_EQ(events[1].title, "Journée");
  EXPECT_TRUE(events[1].all_day);
  EXPECT_EQ(events[1].debut, utc(2025, 3, 3, 23));
  EXPECT_EQ(events[1].fin, utc(2025, 3, 4, 23));
}

TEST(TimetableImport, CancelledAndTransparentEventsAreNotBusy) {
  const std::string ics = calendar(
      vevent("cancelled", "DTSTART:20250303T100000Z\nDTEND:20250303T110000Z\nSTATUS:CANCELLED\nSUMMARY:Annulé\n") +
      vevent("free", "DTSTART:20250303T100000Z\nDTEND:20250303T110000Z\nTRANSP:TRANSPARENT\nSUMMARY:Libre\n") +
      vevent("busy", "DTSTART:20250303T100000Z\nDTEND:20250303T110000Z\nTRANSP:OPAQUE\nSUMMARY:Occupé\n") +
      "BEGIN:VTODO\nUID:todo\nDTSTAMP:20250101T000000Z\nDTSTART:20250303T100000Z\nDUE:20250303T120000Z\n"
      "SUMMARY:Devoir\nEND:VTODO\n"
      "BEGIN:VJOURNAL\nUID:journal\nDTSTAMP:20250101T000000Z\nDTSTART:20250303T100000Z\nSUMMARY:Notes\n"
      "END:VJOURNAL\n");
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].title, "Occupé");
}

TEST(TimetableImport, OccurrencesOverlappingTheWindowAreKept) {
  const std::string ics =
      calendar(vevent("before", "DTSTART:20250228T220000Z\nDTEND:20250301T000000Z\nSUMMARY:Finit au début\n") +
               vevent("across", "DTSTART:20250228T230000Z\nDTEND:20250301T010000Z\nSUMMARY:À cheval\n") +
               vevent("last", "DTSTART:20250331T230000Z\nDTEND:20250401T010000Z\nSUMMARY:Dernier\n") +
               vevent("after", "DTSTART:20250401T000000Z\nDTEND:20250401T010000Z\nSUMMARY:Après\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].title, "À cheval");
  EXPECT_EQ(events[0].debut, utc(2025, 2, 28, 23));  // kept whole
  EXPECT_EQ(events[1].title, "Dernier");
}

TEST(TimetableImport, SortedWithExactDuplicatesOnce) {
  const std::string ics =
      calendar(vevent("b", "DTSTART:20250303T080000Z\nDTEND:20250303T100000Z\nSUMMARY:Physique\n") +
               vevent("a", "DTSTART:20250303T080000Z\nDTEND:20250303T100000Z\nSUMMARY:Chimie\n") +
               vevent("c", "DTSTART:20250303T080000Z\nDTEND:20250303T090000Z\nSUMMARY:Physique\n") +
               vevent("d", "DTSTART:20250303T070000Z\nDTEND:20250303T120000Z\nSUMMARY:Zoologie\n") +
               vevent("dup", "DTSTART:20250303T080000Z\nDTEND:20250303T100000Z\nSUMMARY:Physique\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].title, "Zoologie");
  EXPECT_EQ(events[1].title, "Physique");  // 08:00–09:00 before 08:00–10:00
  EXPECT_EQ(events[1].fin, utc(2025, 3, 3, 9));
  EXPECT_EQ(events[2].title, "Chimie");  // same times: by title
  EXPECT_EQ(events[3].title, "Physique");
  EXPECT_EQ(events[3].fin, utc(2025, 3, 3, 10));
}

TEST(TimetableImport, SeveralCalendarsInOneFile) {
  const std::string ics = calendar(vevent("1", "DTSTART:20250303T080000Z\nDTEND:20250303T090000Z\nSUMMARY:Premier\n")) +
                          calendar(vevent("2", "DTSTART:20250304T080000Z\nDTEND:20250304T090000Z\nSUMMARY:Second\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].title, "Second");
}

// --- Titles ---------------------------------------------------------------------------------------

TEST(TimetableImport, TitlesAndLocationsAreCleaned) {
  std::string long_title;
  for (int i = 0; i < 250; ++i) long_title += "é";
  const std::string ics =
      calendar(vevent("1", "DTSTART:20250303T080000Z\nDTEND:20250303T090000Z\nSUMMARY:   \n") +
               vevent("2",
                      "DTSTART:20250303T090000Z\nDTEND:20250303T100000Z\nSUMMARY:Maths\\nSalle B\tgroupe\x07 2 \n"
                      "LOCATION: \\, B12 \n") +
               vevent("3", "DTSTART:20250303T100000Z\nDTEND:20250303T110000Z\nSUMMARY:" + long_title +
                               "\nLOCATION:" + long_title + "\n") +
               vevent("4", "DTSTART:20250303T110000Z\nDTEND:20250303T120000Z\nSUMMARY:Contr\xf4le d'histoire\n") +
               vevent("5", "DTSTART:20250303T120000Z\nDTEND:20250303T130000Z\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].title, "Cours");  // blank
  EXPECT_EQ(events[0].location, "");
  EXPECT_EQ(events[1].title, "Maths Salle B groupe 2");
  EXPECT_EQ(events[1].location, ", B12");
  std::string cut;
  for (int i = 0; i < 200; ++i) cut += "é";
  EXPECT_EQ(events[2].title, cut);  // 200 characters, 400 bytes
  EXPECT_EQ(events[2].location, cut);
  EXPECT_EQ(events[3].title, "Contrôle d'histoire");  // Latin-1 read as such
  EXPECT_EQ(events[4].title, "Cours");                // no SUMMARY
}

TEST(TimetableImport, MovedOccurrenceWithoutTitleOrEndKeepsTheSeries) {
  const std::string ics = calendar(vevent("serie",
                                          "DTSTART:20250303T080000Z\nDTEND:20250303T093000Z\nRRULE:FREQ=DAILY;COUNT=3\n"
                                          "SUMMARY:Anglais\nLOCATION:Salle 12\n") +
                                   vevent("serie", "RECURRENCE-ID:20250304T080000Z\nDTSTART:20250304T150000Z\n"));
  const auto events = read(ics, kMarch2025);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].debut, utc(2025, 3, 4, 15));
  EXPECT_EQ(events[1].fin, utc(2025, 3, 4, 16, 30));
  EXPECT_EQ(events[1].title, "Anglais");
  EXPECT_EQ(events[1].location, "Salle 12");
}

// --- looks_like_exam ------------------------------------------------------------------------------

TEST(TimetableImport, LooksLikeExam) {
  for (const char* title : {"Contrôle de physique",
                            "CONTRÔLE commun",
                            "controle",
                            "Examen final",
                            "exam d'anglais",
                            "Examens blancs",
                            "DS de maths",
                            "ds n°3",
                            "DS2 Physique",
                            "Révisions – DS",
                            "(DS)",
                            "Partiel d'économie",
                            "Partiels S1",
                            "Interro surprise",
                            "Épreuve anticipée de français",
                            "EPREUVE orale",
                            "Bac blanc",
                            "bac-blanc de philo",
                            "BAC BLANC",
                            "Concours blanc",
                            "Contro\xcc\x82le (accent combinant)",
                            "l'examen"}) {
    EXPECT_TRUE(ical::looks_like_exam(title)) << title;
  }
  for (const char* title : {"Cours de maths", "Ads et marketing", "Examination des données", "Bacon", "DSI", "Dessin",
                            "Contrôleur de gestion", "Bac de sable", "Concourse", "", "TD 3", "Blanc bac"}) {
    EXPECT_FALSE(ical::looks_like_exam(title)) << title;
  }
}
