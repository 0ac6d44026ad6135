// models/progress: the two input forms of POST /api/progress and the summary of GET /api/progress
// (docs/api.md; behaviour.md "Progress").
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "models/progress.hpp"
#include "store/records.hpp"

namespace json = boost::json;
namespace models = planetude::models;
namespace store = planetude::store;
using planetude::DomainError;

namespace {

const char* kPlanning = "0123456789abcdef01234567";
const char* kSession = "fedcba9876543210fedcba98";

DomainError error_of(const json::value& body) {
  try {
    models::parse_progress_input(body);
  } catch (const DomainError& e) {
    return e;
  }
  ADD_FAILURE() << "parse_progress_input accepted " << json::serialize(body);
  return DomainError(planetude::ErrorKind::internal, "none", "none");
}

std::vector<std::string> sorted_paths(const DomainError& e) {
  std::vector<std::string> out;
  for (const auto& d : e.details()) out.push_back(d.path);
  std::sort(out.begin(), out.end());
  return out;
}

void expect_problems(const json::value& body, std::vector<std::string> paths) {
  DomainError e = error_of(body);
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input) << json::serialize(body);
  EXPECT_EQ(e.code(), "validation_failed") << json::serialize(body);
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(sorted_paths(e), paths) << json::serialize(body);
}

void expect_not_found(const json::value& body) {
  DomainError e = error_of(body);
  EXPECT_EQ(e.kind(), planetude::ErrorKind::not_found) << json::serialize(body);
  EXPECT_EQ(e.code(), "not_found") << json::serialize(body);
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

json::object linked_body() { return json::object{{"planningId", kPlanning}, {"sessionId", kSession}}; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Linked form

TEST(ProgressInputLinked, BothIds) {
  auto in = models::parse_progress_input(linked_body());
  ASSERT_TRUE(in.linked.has_value());
  EXPECT_FALSE(in.free.has_value());
  EXPECT_EQ(in.linked->planning_id, kPlanning);
  EXPECT_EQ(in.linked->session_id, kSession);
  EXPECT_FALSE(in.linked->temps_etudie.has_value());
  EXPECT_EQ(in.linked->notes, "");
}

TEST(ProgressInputLinked, OptionalMinutesAndNotes) {
  auto body = linked_body();
  body["tempsEtudie"] = 45;
  body["notes"] = "  exercices 1 à 5\nà revoir  ";
  auto in = models::parse_progress_input(body);
  ASSERT_TRUE(in.linked.has_value());
  EXPECT_EQ(in.linked->temps_etudie, 45);
  EXPECT_EQ(in.linked->notes, "exercices 1 à 5\nà revoir");

  for (int bad : {0, 1441, -5}) {
    body["tempsEtudie"] = bad;
    expect_problems(body, {"tempsEtudie"});
  }
  body["tempsEtudie"] = 1440;
  EXPECT_EQ(models::parse_progress_input(body).linked->temps_etudie, 1440);
  body["tempsEtudie"] = 1;
  EXPECT_EQ(models::parse_progress_input(body).linked->temps_etudie, 1);
}

TEST(ProgressInputLinked, BothIdsAreRequiredTogether) {
  expect_problems(json::object{{"planningId", kPlanning}}, {"sessionId"});
  expect_problems(json::object{{"sessionId", kSession}}, {"planningId"});
  expect_problems(json::object{{"planningId", kPlanning}, {"sessionId", nullptr}}, {"sessionId"});
  expect_problems(json::object{{"planningId", nullptr}, {"sessionId", kSession}, {"tempsEtudie", 30}}, {"planningId"});
}

TEST(ProgressInputLinked, MalformedIdsAreNotFound) {
  for (json::value bad :
       {json::value("xyz"), json::value("0123456789ABCDEF01234567"), json::value("0123456789abcdef0123456"),
        json::value("0123456789abcdef012345678"), json::value("0123456789abcdef0123456g"), json::value(""),
        json::value(5), json::value(json::array{}), json::value(json::object{})}) {
    auto body = linked_body();
    body["planningId"] = bad;
    expect_not_found(body);
    body = linked_body();
    body["sessionId"] = bad;
    expect_not_found(body);
  }
}

TEST(ProgressInputLinked, FreeFormFieldsAreRefused) {
  for (auto [key, value] : std::vector<std::pair<std::string, json::value>>{
           {"date", "2025-12-25"}, {"matiere", "Maths"}, {"sessionsCompletees", 1}, {"couleur", "bleu"}}) {
    auto body = linked_body();
    body[key] = value;
    expect_problems(body, {key});
  }
}

// ---------------------------------------------------------------------------------------------
// Free form

TEST(ProgressInputFree, MinimalBodyHasDefaults) {
  auto in = models::parse_progress_input(json::object{{"tempsEtudie", 30}});
  ASSERT_TRUE(in.free.has_value());
  EXPECT_FALSE(in.linked.has_value());
  EXPECT_FALSE(in.free->date.has_value());
  EXPECT_EQ(in.free->sessions_completees, 0);
  EXPECT_EQ(in.free->temps_etudie, 30);
  EXPECT_EQ(in.free->notes, "");
  EXPECT_FALSE(in.free->matiere.has_value());
}

TEST(ProgressInputFree, NullIdsMeanTheFreeForm) {
  auto in = models::parse_progress_input(
      json::object{{"planningId", nullptr}, {"sessionId", nullptr}, {"tempsEtudie", 30}, {"date", "2025-12-25"}});
  ASSERT_TRUE(in.free.has_value());
  EXPECT_FALSE(in.linked.has_value());
  EXPECT_EQ(in.free->date, "2025-12-25");
  // And the free form's rules then apply.
  expect_problems(json::object{{"planningId", nullptr}, {"sessionId", nullptr}}, {"tempsEtudie"});
}

TEST(ProgressInputFree, EveryField) {
  auto in = models::parse_progress_input(json::object{{"date", "2024-02-29"},
                                                      {"sessionsCompletees", 3},
                                                      {"tempsEtudie", 90},
                                                      {"notes", " bien "},
                                                      {"matiere", " Maths "}});
  ASSERT_TRUE(in.free.has_value());
  EXPECT_EQ(in.free->date, "2024-02-29");
  EXPECT_EQ(in.free->sessions_completees, 3);
  EXPECT_EQ(in.free->temps_etudie, 90);
  EXPECT_EQ(in.free->notes, "bien");
  EXPECT_EQ(in.free->matiere, "Maths");
}

TEST(ProgressInputFree, TempsEtudieIsRequiredFrom1To1440) {
  expect_problems(json::object{}, {"tempsEtudie"});
  expect_problems(json::object{{"tempsEtudie", nullptr}}, {"tempsEtudie"});
  for (json::value bad :
       {json::value(0), json::value(-1), json::value(1441), json::value(1.5), json::value("30"), json::value(true)}) {
    expect_problems(json::object{{"tempsEtudie", bad}}, {"tempsEtudie"});
  }
  EXPECT_EQ(models::parse_progress_input(json::object{{"tempsEtudie", 1}}).free->temps_etudie, 1);
  EXPECT_EQ(models::parse_progress_input(json::object{{"tempsEtudie", 1440}}).free->temps_etudie, 1440);
}

TEST(ProgressInputFree, SessionsCompleteesFrom0To100) {
  for (int ok : {0, 1, 100}) {
    auto in = models::parse_progress_input(json::object{{"tempsEtudie", 30}, {"sessionsCompletees", ok}});
    EXPECT_EQ(in.free->sessions_completees, ok);
  }
  for (int bad : {-1, 101})
    expect_problems(json::object{{"tempsEtudie", 30}, {"sessionsCompletees", bad}}, {"sessionsCompletees"});
  expect_problems(json::object{{"tempsEtudie", 30}, {"sessionsCompletees", 2.5}}, {"sessionsCompletees"});
}

TEST(ProgressInputFree, NotesAtMost2000) {
  auto in = models::parse_progress_input(json::object{{"tempsEtudie", 30}, {"notes", repeat("é", 2000)}});
  EXPECT_EQ(in.free->notes, repeat("é", 2000));
  expect_problems(json::object{{"tempsEtudie", 30}, {"notes", repeat("é", 2001)}}, {"notes"});
}

TEST(ProgressInputFree, DateMustBeARealDay) {
  for (const char* ok : {"2024-02-29", "2025-12-31", "2026-01-01"}) {
    EXPECT_EQ(models::parse_progress_input(json::object{{"tempsEtudie", 30}, {"date", ok}}).free->date, ok);
  }
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-1-01", "2025-04-31", "2025-12-25T09:00:00Z", "hier", ""}) {
    expect_problems(json::object{{"tempsEtudie", 30}, {"date", bad}}, {"date"});
  }
  expect_problems(json::object{{"tempsEtudie", 30}, {"date", 20251225}}, {"date"});
}

TEST(ProgressInputFree, UnknownFieldsAndEveryProblem) {
  expect_problems(json::object{{"tempsEtudie", 30}, {"duree", 30}}, {"duree"});
  expect_problems(json::object{{"tempsEtudie", 0}, {"date", "2025-02-29"}, {"sessionsCompletees", 101}, {"x", 1}},
                  {"date", "sessionsCompletees", "tempsEtudie", "x"});
}

TEST(ProgressInput, BodyThatIsNotAnObject) {
  for (const char* text : {"[]", "\"x\"", "3", "null"}) {
    DomainError e = error_of(json::parse(text));
    EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input) << text;
  }
}

// ---------------------------------------------------------------------------------------------
// to_json

TEST(ProgressJson, Shape) {
  store::ProgressRecord e;
  e.id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  e.user_id = "bbbbbbbbbbbbbbbbbbbbbbbb";
  e.date = "2025-12-25";
  e.temps_etudie = 30;
  e.created_at = 1766653200123;  // 2025-12-25T09:00:00.123Z
  json::object o = models::to_json(e);
  EXPECT_EQ(o.at("_id"), "aaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(o.at("userId"), "bbbbbbbbbbbbbbbbbbbbbbbb");
  EXPECT_EQ(o.at("date"), "2025-12-25");
  EXPECT_EQ(o.at("sessionsCompletees").to_number<std::int64_t>(), 0);
  EXPECT_EQ(o.at("tempsEtudie").to_number<std::int64_t>(), 30);
  EXPECT_EQ(o.at("notes"), "");
  EXPECT_EQ(o.at("createdAt"), "2025-12-25T09:00:00.123Z");
  EXPECT_FALSE(o.contains("matiere"));
  EXPECT_FALSE(o.contains("planningId"));
  EXPECT_FALSE(o.contains("sessionId"));

  e.matiere = "Maths";
  e.planning_id = "cccccccccccccccccccccccc";
  e.session_id = "dddddddddddddddddddddddd";
  o = models::to_json(e);
  EXPECT_EQ(o.at("matiere"), "Maths");
  EXPECT_EQ(o.at("planningId"), "cccccccccccccccccccccccc");
  EXPECT_EQ(o.at("sessionId"), "dddddddddddddddddddddddd");
}

// ---------------------------------------------------------------------------------------------
// progress_summary

namespace {

store::ProgressRecord entry(const std::string& date, int minutes, int sessions,
                            std::optional<std::string> matiere = std::nullopt) {
  store::ProgressRecord e;
  e.id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  e.user_id = "bbbbbbbbbbbbbbbbbbbbbbbb";
  e.date = date;
  e.temps_etudie = minutes;
  e.sessions_completees = sessions;
  e.matiere = std::move(matiere);
  return e;
}

std::int64_t num(const json::object& o, const char* key) { return o.at(key).to_number<std::int64_t>(); }

struct Streaks {
  std::int64_t current;
  std::int64_t best;
};

Streaks streaks(const std::vector<std::string>& days, const std::string& today) {
  auto s = models::progress_summary({}, days, {}, today);
  return {num(s, "serieActuelle"), num(s, "meilleureSerie")};
}

}  // namespace

TEST(ProgressSummary, Empty) {
  auto s = models::progress_summary({}, {}, {}, "2025-12-25");
  EXPECT_EQ(num(s, "tempsEtudie"), 0);
  EXPECT_EQ(num(s, "sessionsCompletees"), 0);
  EXPECT_EQ(num(s, "serieActuelle"), 0);
  EXPECT_EQ(num(s, "meilleureSerie"), 0);
  EXPECT_TRUE(s.at("parJour").as_array().empty());
  EXPECT_TRUE(s.at("parMatiere").as_array().empty());
}

TEST(ProgressSummary, TotalsAndPerDayAscendingWithSums) {
  std::vector<store::ProgressRecord> entries{entry("2025-12-24", 30, 1, "Maths"), entry("2025-12-20", 45, 2),
                                             entry("2025-12-24", 15, 0, "Physique"),
                                             entry("2025-12-22", 60, 3, "Maths"), entry("2025-12-20", 5, 1, "SVT")};
  auto s = models::progress_summary(entries, {"2025-12-20", "2025-12-22", "2025-12-24"}, {}, "2025-12-25");
  EXPECT_EQ(num(s, "tempsEtudie"), 155);
  EXPECT_EQ(num(s, "sessionsCompletees"), 7);

  const auto& per_day = s.at("parJour").as_array();
  ASSERT_EQ(per_day.size(), 3u);
  const char* dates[] = {"2025-12-20", "2025-12-22", "2025-12-24"};
  std::int64_t minutes[] = {50, 60, 45};
  std::int64_t sessions[] = {3, 3, 1};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& d = per_day[i].as_object();
    EXPECT_EQ(d.at("date"), dates[i]) << i;
    EXPECT_EQ(num(d, "tempsEtudie"), minutes[i]) << i;
    EXPECT_EQ(num(d, "sessionsCompletees"), sessions[i]) << i;
    EXPECT_EQ(d.size(), 3u);
  }
}

TEST(ProgressSummary, PerSubjectOrderedByMinutesThenName) {
  std::vector<store::ProgressRecord> entries{
      entry("2025-12-20", 30, 1, "Physique"), entry("2025-12-21", 60, 1, "Maths"),
      entry("2025-12-22", 30, 2, "Anglais"),  entry("2025-12-23", 500, 9),
      entry("2025-12-23", 20, 1, "Maths"),    entry("2025-12-24", 10, 0, "Chimie"),
      entry("2025-12-24", 20, 0, "Chimie"),   entry("2025-12-24", 45, 0, "Zoologie")};
  auto s = models::progress_summary(entries, {}, {}, "2025-12-25");
  const auto& per_subject = s.at("parMatiere").as_array();
  ASSERT_EQ(per_subject.size(), 5u);  // the entry without matiere is left out
  struct Row {
    const char* matiere;
    std::int64_t minutes;
    std::int64_t sessions;
  };
  const Row expected[] = {
      {"Maths", 80, 2}, {"Zoologie", 45, 0}, {"Anglais", 30, 2}, {"Chimie", 30, 0}, {"Physique", 30, 1}};
  for (std::size_t i = 0; i < 5; ++i) {
    const auto& row = per_subject[i].as_object();
    EXPECT_EQ(row.at("matiere"), expected[i].matiere) << i;
    EXPECT_EQ(num(row, "tempsEtudie"), expected[i].minutes) << i;
    EXPECT_EQ(num(row, "sessionsCompletees"), expected[i].sessions) << i;
  }
  // Totals still include the entry without matiere.
  EXPECT_EQ(num(s, "tempsEtudie"), 715);
}

TEST(ProgressSummary, PerSubjectTiesAreOrderedByNameAtScale) {
  // Many equal totals: the order must still be by matiere (a sort that is not stable on the
  // name-ordered input would scramble them).
  std::vector<store::ProgressRecord> entries;
  for (int i = 39; i >= 0; --i) {
    char name[16];
    std::snprintf(name, sizeof name, "Matiere %02d", i);
    entries.push_back(entry("2025-12-20", (i % 3 == 0) ? 60 : 30, 1, std::string(name)));
  }
  auto s = models::progress_summary(entries, {}, {}, "2025-12-25");
  const auto& per_subject = s.at("parMatiere").as_array();
  ASSERT_EQ(per_subject.size(), 40u);
  std::vector<std::string> expected;
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 40; ++i) {
      if ((i % 3 == 0) != (pass == 0)) continue;
      char name[16];
      std::snprintf(name, sizeof name, "Matiere %02d", i);
      expected.push_back(name);
    }
  }
  std::vector<std::string> actual;
  for (const auto& row : per_subject) actual.emplace_back(row.as_object().at("matiere").as_string());
  EXPECT_EQ(actual, expected);
}

TEST(ProgressSummary, BestStreakOverAllActiveDays) {
  // Streaks use `active_days`, not the entries of the requested range.
  auto s = models::progress_summary({entry("2025-12-25", 10, 1)},
                                    {"2025-11-01", "2025-11-02", "2025-11-03", "2025-11-04", "2025-12-25"}, {},
                                    "2025-12-25");
  EXPECT_EQ(num(s, "meilleureSerie"), 4);
  EXPECT_EQ(num(s, "serieActuelle"), 1);
}

TEST(ProgressSummary, CurrentStreakEndingToday) {
  auto r = streaks({"2025-12-23", "2025-12-24", "2025-12-25"}, "2025-12-25");
  EXPECT_EQ(r.current, 3);
  EXPECT_EQ(r.best, 3);
}

TEST(ProgressSummary, CurrentStreakEndingYesterdayStillStands) {
  auto r = streaks({"2025-12-22", "2025-12-23", "2025-12-24"}, "2025-12-25");
  EXPECT_EQ(r.current, 3);
  EXPECT_EQ(r.best, 3);
}

TEST(ProgressSummary, CurrentStreakEndingTwoDaysAgoIsBroken) {
  auto r = streaks({"2025-12-21", "2025-12-22", "2025-12-23"}, "2025-12-25");
  EXPECT_EQ(r.current, 0);
  EXPECT_EQ(r.best, 3);
}

TEST(ProgressSummary, FutureDaysDoNotCountForTheCurrentStreak) {
  // Today and tomorrow are active: the current streak ends today.
  auto r = streaks({"2025-12-24", "2025-12-25", "2025-12-26", "2025-12-27"}, "2025-12-25");
  EXPECT_EQ(r.current, 2);
  EXPECT_EQ(r.best, 4);
  // Only future days: no current streak, but they count for the best.
  r = streaks({"2025-12-27", "2025-12-28"}, "2025-12-25");
  EXPECT_EQ(r.current, 0);
  EXPECT_EQ(r.best, 2);
  // Yesterday, then a gap today, then the future.
  r = streaks({"2025-12-23", "2025-12-24", "2025-12-26"}, "2025-12-25");
  EXPECT_EQ(r.current, 2);
  EXPECT_EQ(r.best, 2);
}

TEST(ProgressSummary, AGapResetsTheRun) {
  auto r = streaks({"2025-12-01", "2025-12-02", "2025-12-04", "2025-12-05", "2025-12-06", "2025-12-08"}, "2025-12-08");
  EXPECT_EQ(r.current, 1);
  EXPECT_EQ(r.best, 3);
  r = streaks({"2025-12-01", "2025-12-02", "2025-12-03", "2025-12-05"}, "2025-12-06");
  EXPECT_EQ(r.current, 1);
  EXPECT_EQ(r.best, 3);
}

TEST(ProgressSummary, RunsCrossMonthAndYearBoundaries) {
  EXPECT_EQ(streaks({"2025-01-30", "2025-01-31", "2025-02-01"}, "2025-02-01").current, 3);
  EXPECT_EQ(streaks({"2025-04-30", "2025-05-01"}, "2025-05-02").current, 2);
  auto r = streaks({"2024-12-30", "2024-12-31", "2025-01-01", "2025-01-02"}, "2025-01-02");
  EXPECT_EQ(r.current, 4);
  EXPECT_EQ(r.best, 4);
  // 31 December to 1 January, with today on 2 January (yesterday rule across the new year).
  EXPECT_EQ(streaks({"2024-12-31", "2025-01-01"}, "2025-01-02").current, 2);
  // Yesterday across the new year.
  EXPECT_EQ(streaks({"2024-12-30", "2024-12-31"}, "2025-01-01").current, 2);
}

TEST(ProgressSummary, LeapDays) {
  auto r = streaks({"2024-02-28", "2024-02-29", "2024-03-01"}, "2024-03-01");
  EXPECT_EQ(r.current, 3);
  EXPECT_EQ(r.best, 3);
  // 2025 has no 29 February: 28 February and 1 March are consecutive.
  r = streaks({"2025-02-27", "2025-02-28", "2025-03-01"}, "2025-03-01");
  EXPECT_EQ(r.current, 3);
  EXPECT_EQ(r.best, 3);
  // In 2024 they are not.
  r = streaks({"2024-02-27", "2024-02-28", "2024-03-01"}, "2024-03-01");
  EXPECT_EQ(r.current, 1);
  EXPECT_EQ(r.best, 2);
  // Yesterday of 1 March 2024 is 29 February.
  EXPECT_EQ(streaks({"2024-02-29"}, "2024-03-01").current, 1);
  EXPECT_EQ(streaks({"2024-02-28"}, "2024-03-01").current, 0);
}

TEST(ProgressSummary, LongRunCounts) {
  std::vector<std::string> days;
  for (int m = 1; m <= 12; ++m) {
    int length = (m == 2) ? 29 : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    for (int d = 1; d <= length; ++d) {
      char buf[11];
      std::snprintf(buf, sizeof buf, "2024-%02d-%02d", m, d);
      days.push_back(buf);
    }
  }
  auto r = streaks(days, "2025-01-01");
  EXPECT_EQ(r.current, 366);
  EXPECT_EQ(r.best, 366);
}

// streaks with rest days

TEST(Streaks, RestDaysBridgeARunWithoutExtendingIt) {
  // Studied 1, 2, (3 off), 4: one run of 3 days.
  auto s = models::streaks({"2026-03-01", "2026-03-02", "2026-03-04"}, {"2026-03-03"}, "2026-03-04");
  EXPECT_EQ(s.best, 3);
  EXPECT_EQ(s.current, 3);
}

TEST(Streaks, StudyingOnARestDayDoesNotExtendTheRun) {
  auto s = models::streaks({"2026-03-01", "2026-03-02", "2026-03-03"}, {"2026-03-02"}, "2026-03-03");
  EXPECT_EQ(s.best, 2);
  EXPECT_EQ(s.current, 2);
}

TEST(Streaks, AMissedDayThatIsNotARestDayStillBreaks) {
  auto s = models::streaks({"2026-03-01", "2026-03-02", "2026-03-05"}, {"2026-03-03"}, "2026-03-05");
  EXPECT_EQ(s.best, 2);
  EXPECT_EQ(s.current, 1);
}

TEST(Streaks, AnExamWeekKeepsTheCurrentRunAlive) {
  // Studied up to the 10th, then partiels from the 11th to the 17th; today is the 18th.
  std::vector<std::string> partiels;
  for (int d = 11; d <= 17; ++d) partiels.push_back("2026-06-" + std::to_string(d));
  auto s = models::streaks({"2026-06-08", "2026-06-09", "2026-06-10"}, partiels, "2026-06-18");
  EXPECT_EQ(s.current, 3);
  EXPECT_EQ(s.best, 3);
  // The day after the 18th without study, the run is over.
  EXPECT_EQ(models::streaks({"2026-06-08", "2026-06-09", "2026-06-10"}, partiels, "2026-06-19").current, 0);
}

TEST(Streaks, TodayBeingARestDayKeepsYesterdaysRun) {
  auto s = models::streaks({"2026-03-01", "2026-03-02"}, {"2026-03-03"}, "2026-03-03");
  EXPECT_EQ(s.current, 2);
  // Without the rest day, the 3rd is just a day not studied yet: still current.
  EXPECT_EQ(models::streaks({"2026-03-01", "2026-03-02"}, {}, "2026-03-03").current, 2);
  EXPECT_EQ(models::streaks({"2026-03-01", "2026-03-02"}, {}, "2026-03-04").current, 0);
}

TEST(Streaks, RestDaysAcrossMonthAndYearEnds) {
  auto s = models::streaks({"2026-12-30", "2027-01-02"}, {"2026-12-31", "2027-01-01"}, "2027-01-02");
  EXPECT_EQ(s.best, 2);
  EXPECT_EQ(s.current, 2);
}

TEST(Streaks, RestDaysAloneMakeNoStreak) {
  auto s = models::streaks({}, {"2026-03-01", "2026-03-02"}, "2026-03-02");
  EXPECT_EQ(s.best, 0);
  EXPECT_EQ(s.current, 0);
}
