// models/planning: the manual body of POST/PUT, the session PATCH body, the planning rules, and the
// JSON view (docs/api.md; behaviour.md "Plannings").
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "models/planning.hpp"
#include "store/records.hpp"

namespace json = boost::json;
namespace models = planetude::models;
namespace store = planetude::store;
namespace dt = planetude::datetime;
using dt::Millis;
using planetude::DomainError;

namespace {

constexpr Millis kMinute = 60 * 1000;
constexpr Millis kHour = 60 * kMinute;

Millis utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  using namespace std::chrono;
  auto t = date::sys_days(date::year{y} / mo / d) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

const date::time_zone* utc_zone() { return dt::zone("UTC"); }

json::object session(const std::string& matiere, const std::string& debut, const std::string& fin) {
  return json::object{{"matiere", matiere}, {"debut", debut}, {"fin", fin}};
}

json::object good_session() { return session("Maths", "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z"); }

// A valid manual body with one session; tests modify it.
json::object good_body() {
  return json::object{{"periode", "jour"}, {"dateDebut", "2025-12-25"}, {"sessions", json::array{good_session()}}};
}

DomainError error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DomainError& e) {
    return e;
  }
  ADD_FAILURE() << "no DomainError was thrown";
  return DomainError(planetude::ErrorKind::internal, "none", "none");
}

DomainError parse_error(const json::value& body, bool for_put = false) {
  return error_of([&] { models::parse_planning_input(body, utc_zone(), for_put); });
}

std::vector<std::string> paths_of(const DomainError& e) {
  std::vector<std::string> out;
  for (const auto& d : e.details()) out.push_back(d.path);
  return out;
}

std::vector<std::string> sorted_paths(const DomainError& e) {
  auto out = paths_of(e);
  std::sort(out.begin(), out.end());
  return out;
}

// A validation error naming exactly `path` (and nothing else).
void expect_only_problem(const json::value& body, const std::string& path, bool for_put = false) {
  DomainError e = parse_error(body, for_put);
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input) << json::serialize(body);
  EXPECT_EQ(e.code(), "validation_failed") << json::serialize(body);
  EXPECT_EQ(paths_of(e), std::vector<std::string>{path}) << json::serialize(body);
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// parse_planning_input

TEST(PlanningInput, MinimalBody) {
  auto in = models::parse_planning_input(good_body(), utc_zone(), false);
  EXPECT_FALSE(in.titre.has_value());
  EXPECT_EQ(in.periode, dt::Period::jour);
  EXPECT_EQ(in.date_debut, utc(2025, 12, 25));
  ASSERT_EQ(in.sessions.size(), 1u);
  EXPECT_EQ(in.sessions[0].matiere, "Maths");
  EXPECT_EQ(in.sessions[0].debut, utc(2025, 12, 25, 9));
  EXPECT_EQ(in.sessions[0].fin, utc(2025, 12, 25, 10));
  EXPECT_FALSE(in.sessions[0].statut.has_value());
  EXPECT_FALSE(in.sessions[0].notes.has_value());
  EXPECT_FALSE(in.sessions[0].id.has_value());
}

TEST(PlanningInput, EveryPeriodName) {
  for (auto [name, period] : std::vector<std::pair<std::string, dt::Period>>{{"jour", dt::Period::jour},
                                                                             {"semaine", dt::Period::semaine},
                                                                             {"mois", dt::Period::mois},
                                                                             {"semestre", dt::Period::semestre}}) {
    auto body = good_body();
    body["periode"] = name;
    EXPECT_EQ(models::parse_planning_input(body, utc_zone(), false).periode, period) << name;
  }
  auto body = good_body();
  body["periode"] = "annee";
  expect_only_problem(body, "periode");
  body["periode"] = "Jour";
  expect_only_problem(body, "periode");
}

TEST(PlanningInput, RequiredFields) {
  for (const char* key : {"periode", "dateDebut", "sessions"}) {
    auto body = good_body();
    body.erase(key);
    expect_only_problem(body, key);
    body = good_body();
    body[key] = nullptr;
    expect_only_problem(body, key);
  }
  for (const char* key : {"matiere", "debut", "fin"}) {
    auto s = good_session();
    s.erase(key);
    auto body = good_body();
    body["sessions"] = json::array{s};
    expect_only_problem(body, std::string("sessions[0].") + key);
  }
}

TEST(PlanningInput, EmptyObjectListsEveryRequiredField) {
  DomainError e = parse_error(json::object{});
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(sorted_paths(e), (std::vector<std::string>{"dateDebut", "periode", "sessions"}));
}

TEST(PlanningInput, BodyThatIsNotAnObject) {
  for (const char* text : {"[]", "\"x\"", "42", "null"}) {
    DomainError e = parse_error(json::parse(text));
    EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input) << text;
    EXPECT_EQ(e.code(), "validation_failed") << text;
  }
}

TEST(PlanningInput, EveryProblemIsReportedWithItsPath) {
  json::object body{
      {"periode", "annee"},
      {"sessions", json::array{good_session(), json::object{{"matiere", "Physique"}, {"debut", "2025-12-25T11:00:00Z"}},
                               session("Chimie", "2025-12-25T12:00:00Z", "demain"), 7,
                               session("", "2025-12-25T15:00:00Z", "2025-12-25T14:00:00Z")}},
      {"couleur", "bleu"}};
  DomainError e = parse_error(body);
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(sorted_paths(e),
            (std::vector<std::string>{"couleur", "dateDebut", "periode", "sessions[1].fin", "sessions[2].fin",
                                      "sessions[3]", "sessions[4].fin", "sessions[4].matiere"}));
  for (const auto& d : e.details()) EXPECT_FALSE(d.message.empty()) << d.path;
}

TEST(PlanningInput, UnknownFieldsAtBothLevels) {
  auto body = good_body();
  body["couleur"] = "bleu";
  expect_only_problem(body, "couleur");

  auto s = good_session();
  s["lieu"] = "bibliothèque";
  body = good_body();
  body["sessions"] = json::array{good_session(), s};
  body["sessions"].as_array()[0].as_object()["debut"] = "2025-12-25T07:00:00Z";
  body["sessions"].as_array()[0].as_object()["fin"] = "2025-12-25T08:00:00Z";
  expect_only_problem(body, "sessions[1].lieu");
}

TEST(PlanningInput, SessionsMustBeAList) {
  auto body = good_body();
  body["sessions"] = json::object{};
  expect_only_problem(body, "sessions");
  body["sessions"] = "aucune";
  expect_only_problem(body, "sessions");
}

TEST(PlanningInput, ModeManualIsAcceptedOthersAreNot) {
  auto body = good_body();
  body["mode"] = "manual";
  EXPECT_NO_THROW(models::parse_planning_input(body, utc_zone(), false));
  for (const char* mode : {"ai", "Manual", "auto"}) {
    body["mode"] = mode;
    expect_only_problem(body, "mode");
  }
  body["mode"] = 1;
  expect_only_problem(body, "mode");
}

TEST(PlanningInput, TitreIsTrimmedAndEmptyMeansAbsent) {
  auto body = good_body();
  body["titre"] = "  Révisions de Noël  ";
  auto in = models::parse_planning_input(body, utc_zone(), false);
  ASSERT_TRUE(in.titre.has_value());
  EXPECT_EQ(*in.titre, "Révisions de Noël");

  body["titre"] = "";
  EXPECT_FALSE(models::parse_planning_input(body, utc_zone(), false).titre.has_value());
  body["titre"] = "   ";
  EXPECT_FALSE(models::parse_planning_input(body, utc_zone(), false).titre.has_value());
  body["titre"] = nullptr;
  EXPECT_FALSE(models::parse_planning_input(body, utc_zone(), false).titre.has_value());
  body["titre"] = 12;
  expect_only_problem(body, "titre");
}

TEST(PlanningInput, TitreLengthInCodePoints) {
  auto body = good_body();
  body["titre"] = repeat("é", 200);
  auto in = models::parse_planning_input(body, utc_zone(), false);
  ASSERT_TRUE(in.titre.has_value());
  EXPECT_EQ(*in.titre, repeat("é", 200));
  body["titre"] = repeat("é", 201);
  expect_only_problem(body, "titre");
  body["titre"] = repeat("a", 201);
  expect_only_problem(body, "titre");
}

TEST(PlanningInput, DateDebutAsDateIsMidnightInTheZone) {
  auto body = good_body();
  body["dateDebut"] = "2025-12-01";
  body["sessions"] = json::array{};
  EXPECT_EQ(models::parse_planning_input(body, dt::zone("Europe/Paris"), false).date_debut, utc(2025, 11, 30, 23));
  EXPECT_EQ(models::parse_planning_input(body, dt::zone("UTC"), false).date_debut, utc(2025, 12, 1));
  EXPECT_EQ(models::parse_planning_input(body, dt::zone("Pacific/Kiritimati"), false).date_debut,
            utc(2025, 11, 30, 10));
}

TEST(PlanningInput, DateDebutAsDateTimeIgnoresTheZone) {
  auto body = good_body();
  body["dateDebut"] = "2025-12-01T08:00:00+01:00";
  EXPECT_EQ(models::parse_planning_input(body, dt::zone("Europe/Paris"), false).date_debut, utc(2025, 12, 1, 7));
  EXPECT_EQ(models::parse_planning_input(body, dt::zone("America/New_York"), false).date_debut, utc(2025, 12, 1, 7));
}

TEST(PlanningInput, BadDateDebut) {
  for (const char* bad : {"2025-02-30", "2025-12-01T08:00:00", "2025-1-01", "demain", "2025-12-01T25:00Z"}) {
    auto body = good_body();
    body["dateDebut"] = bad;
    expect_only_problem(body, "dateDebut");
  }
  auto body = good_body();
  body["dateDebut"] = 20251201;
  expect_only_problem(body, "dateDebut");
}

TEST(PlanningInput, SessionDatesTakeDateTimesOnly) {
  auto body = good_body();
  body["sessions"] = json::array{session("Maths", "2025-12-25", "2025-12-25T10:00:00Z")};
  expect_only_problem(body, "sessions[0].debut");
  body["sessions"] = json::array{session("Maths", "2025-12-25T09:00:00Z", "2025-12-25T10:00:00")};
  expect_only_problem(body, "sessions[0].fin");
  // Offsets are applied.
  body["sessions"] = json::array{session("Maths", "2025-12-25T10:00:00+01:00", "2025-12-25T05:00:00-05:00")};
  auto in = models::parse_planning_input(body, utc_zone(), false);
  EXPECT_EQ(in.sessions[0].debut, utc(2025, 12, 25, 9));
  EXPECT_EQ(in.sessions[0].fin, utc(2025, 12, 25, 10));
}

TEST(PlanningInput, AtMost1000Sessions) {
  auto make = [](std::size_t n) {
    json::array list;
    for (std::size_t i = 0; i < n; ++i) list.push_back(good_session());
    auto body = good_body();
    body["sessions"] = std::move(list);
    return body;
  };
  // The parser does not check overlaps: that is check_planning_rules' job.
  EXPECT_EQ(models::parse_planning_input(make(1000), utc_zone(), false).sessions.size(), 1000u);
  expect_only_problem(make(1001), "sessions");
}

TEST(PlanningInput, MatiereIsTrimmedAndMeasuredInCodePoints) {
  auto body = good_body();
  body["sessions"] = json::array{session("  Histoire-géo  ", "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z")};
  EXPECT_EQ(models::parse_planning_input(body, utc_zone(), false).sessions[0].matiere, "Histoire-géo");

  body["sessions"] = json::array{session(repeat("é", 100), "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z")};
  EXPECT_EQ(models::parse_planning_input(body, utc_zone(), false).sessions[0].matiere, repeat("é", 100));
  body["sessions"] = json::array{session(repeat("😀", 100), "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z")};
  EXPECT_NO_THROW(models::parse_planning_input(body, utc_zone(), false));

  body["sessions"] = json::array{session(repeat("é", 101), "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z")};
  expect_only_problem(body, "sessions[0].matiere");
  body["sessions"] = json::array{session("   ", "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z")};
  expect_only_problem(body, "sessions[0].matiere");
  body["sessions"] = json::array{session("Ma\tths", "2025-12-25T09:00:00Z", "2025-12-25T10:00:00Z")};
  expect_only_problem(body, "sessions[0].matiere");
}

TEST(PlanningInput, NotesBoundsAndNewlines) {
  auto s = good_session();
  s["notes"] = repeat("é", 2000);
  auto body = good_body();
  body["sessions"] = json::array{s};
  auto in = models::parse_planning_input(body, utc_zone(), false);
  ASSERT_TRUE(in.sessions[0].notes.has_value());
  EXPECT_EQ(*in.sessions[0].notes, repeat("é", 2000));

  s["notes"] = "chapitre 1\nchapitre 2";
  body["sessions"] = json::array{s};
  EXPECT_EQ(*models::parse_planning_input(body, utc_zone(), false).sessions[0].notes, "chapitre 1\nchapitre 2");

  s["notes"] = repeat("é", 2001);
  body["sessions"] = json::array{s};
  expect_only_problem(body, "sessions[0].notes");
}

TEST(PlanningInput, StatutValues) {
  for (const char* statut : {"planifie", "en_cours", "termine", "rate"}) {
    auto s = good_session();
    s["statut"] = statut;
    auto body = good_body();
    body["sessions"] = json::array{s};
    auto in = models::parse_planning_input(body, utc_zone(), false);
    ASSERT_TRUE(in.sessions[0].statut.has_value()) << statut;
    EXPECT_EQ(*in.sessions[0].statut, statut);
  }
  for (const char* statut : {"done", "Termine", "raté", ""}) {
    auto s = good_session();
    s["statut"] = statut;
    auto body = good_body();
    body["sessions"] = json::array{s};
    expect_only_problem(body, "sessions[0].statut");
  }
  EXPECT_TRUE(models::is_valid_statut("rate"));
  EXPECT_FALSE(models::is_valid_statut("annule"));
}

TEST(PlanningInput, PostIgnoresSessionIdsPutReadsThem) {
  auto s = good_session();
  s["_id"] = "0123456789abcdef01234567";
  auto body = good_body();
  body["sessions"] = json::array{s};

  auto post = models::parse_planning_input(body, utc_zone(), false);
  EXPECT_FALSE(post.sessions[0].id.has_value());

  auto put = models::parse_planning_input(body, utc_zone(), true);
  ASSERT_TRUE(put.sessions[0].id.has_value());
  EXPECT_EQ(*put.sessions[0].id, "0123456789abcdef01234567");

  s["_id"] = 42;
  body["sessions"] = json::array{s};
  expect_only_problem(body, "sessions[0]._id", true);
}

TEST(PlanningInput, DebutMustBeBeforeFin) {
  auto body = good_body();
  body["sessions"] = json::array{session("Maths", "2025-12-25T09:00:00Z", "2025-12-25T09:00:00Z")};
  expect_only_problem(body, "sessions[0].fin");
  body["sessions"] = json::array{session("Maths", "2025-12-25T10:00:00Z", "2025-12-25T09:00:00Z")};
  expect_only_problem(body, "sessions[0].fin");
  // The same instant written with two offsets is still empty.
  body["sessions"] = json::array{session("Maths", "2025-12-25T10:00:00+01:00", "2025-12-25T09:00:00Z")};
  expect_only_problem(body, "sessions[0].fin");
}

TEST(PlanningInput, TwelveHoursExactlyIsTheLongestSession) {
  auto body = good_body();
  body["sessions"] = json::array{session("Maths", "2025-12-25T08:00:00Z", "2025-12-25T20:00:00Z")};
  auto in = models::parse_planning_input(body, utc_zone(), false);
  EXPECT_EQ(in.sessions[0].fin - in.sessions[0].debut, 12 * kHour);
  body["sessions"] = json::array{session("Maths", "2025-12-25T08:00:00Z", "2025-12-25T20:00:00.001Z")};
  expect_only_problem(body, "sessions[0].fin");
}

// ---------------------------------------------------------------------------------------------
// parse_session_patch

TEST(SessionPatch, EmptyObjectChangesNothing) {
  auto p = models::parse_session_patch(json::object{});
  EXPECT_FALSE(p.statut || p.notes || p.matiere || p.debut || p.fin);
  EXPECT_FALSE(p.clear_notes);
}

TEST(SessionPatch, NullNotesClears) {
  auto p = models::parse_session_patch(json::parse(R"({"notes": null})"));
  EXPECT_TRUE(p.clear_notes);
  EXPECT_FALSE(p.notes.has_value());

  p = models::parse_session_patch(json::parse(R"({"notes": "  relire  "})"));
  EXPECT_FALSE(p.clear_notes);
  ASSERT_TRUE(p.notes.has_value());
  EXPECT_EQ(*p.notes, "relire");
}

TEST(SessionPatch, ReadsEveryField) {
  auto p = models::parse_session_patch(json::parse(
      R"({"statut": "rate", "matiere": " SVT ", "debut": "2025-12-25T09:00:00Z", "fin": "2025-12-25T10:30:00+01:00"})"));
  EXPECT_EQ(p.statut, "rate");
  EXPECT_EQ(p.matiere, "SVT");
  EXPECT_EQ(p.debut, utc(2025, 12, 25, 9));
  EXPECT_EQ(p.fin, utc(2025, 12, 25, 9, 30));
}

TEST(SessionPatch, RefusesUnknownAndBadFields) {
  auto expect_problem = [](const char* text, std::vector<std::string> paths) {
    DomainError e = error_of([&] { models::parse_session_patch(json::parse(text)); });
    EXPECT_EQ(e.code(), "validation_failed") << text;
    std::sort(paths.begin(), paths.end());
    EXPECT_EQ(sorted_paths(e), paths) << text;
  };
  expect_problem(R"({"couleur": "bleu"})", {"couleur"});
  expect_problem(R"({"_id": "0123456789abcdef01234567"})", {"_id"});
  expect_problem(R"({"statut": "fini"})", {"statut"});
  expect_problem(R"({"debut": "2025-12-25"})", {"debut"});
  expect_problem(R"({"matiere": ""})", {"matiere"});
  expect_problem(R"({"statut": "x", "fin": 3, "autre": true})", {"autre", "fin", "statut"});
}

// ---------------------------------------------------------------------------------------------
// check_planning_rules

namespace {

store::SessionRecord rec(const std::string& id, Millis debut, Millis fin) {
  store::SessionRecord s;
  s.id = id;
  s.matiere = "Maths";
  s.debut = debut;
  s.fin = fin;
  return s;
}

store::PlanningRecord planning_of(std::vector<store::SessionRecord> sessions, Millis date_debut = utc(2025, 12, 25),
                                  Millis date_fin = utc(2025, 12, 26)) {
  store::PlanningRecord p;
  p.id = "aaaaaaaaaaaaaaaaaaaaaaaa";
  p.user_id = "bbbbbbbbbbbbbbbbbbbbbbbb";
  p.periode = "jour";
  p.date_debut = date_debut;
  p.date_fin = date_fin;
  p.sessions = std::move(sessions);
  return p;
}

std::vector<std::string> paths_for(std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back("sessions[" + std::to_string(i) + "]");
  return out;
}

DomainError rules_error(const store::PlanningRecord& p) {
  return error_of([&] { models::check_planning_rules(p, paths_for(p.sessions.size())); });
}

void expect_rules_ok(const store::PlanningRecord& p) {
  EXPECT_NO_THROW(models::check_planning_rules(p, paths_for(p.sessions.size())));
}

Millis at(int h, int mi = 0) { return utc(2025, 12, 25, h, mi); }

}  // namespace

TEST(PlanningRules, EmptyPlanningIsFine) { expect_rules_ok(planning_of({})); }

TEST(PlanningRules, SessionsAtTheExactBoundsAreInside) {
  // debut == dateDebut and fin == end.
  expect_rules_ok(planning_of(
      {rec("a", utc(2025, 12, 25), utc(2025, 12, 25, 1)), rec("b", utc(2025, 12, 25, 23), utc(2025, 12, 26))}));
}

TEST(PlanningRules, EndingOneMillisecondAfterThePeriodIsOutside) {
  auto p = planning_of({rec("a", at(9), at(10)), rec("b", utc(2025, 12, 25, 23), utc(2025, 12, 26) + 1)});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "session_outside_period");
  EXPECT_EQ(paths_of(e), std::vector<std::string>{"sessions[1]"});
  EXPECT_NE(e.message().find("sessions[1]"), std::string::npos) << e.message();
}

TEST(PlanningRules, StartingOneMillisecondBeforeThePeriodIsOutside) {
  auto p = planning_of({rec("a", utc(2025, 12, 25) - 1, at(1))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "session_outside_period");
  EXPECT_EQ(paths_of(e), std::vector<std::string>{"sessions[0]"});
}

TEST(PlanningRules, EntirelyOutsideThePeriod) {
  auto p = planning_of({rec("a", at(9), at(10)), rec("b", utc(2025, 12, 27, 9), utc(2025, 12, 27, 10))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "session_outside_period");
  EXPECT_EQ(paths_of(e), std::vector<std::string>{"sessions[1]"});
}

TEST(PlanningRules, DetailsUseTheGivenPaths) {
  auto p = planning_of({rec("a", utc(2025, 12, 24, 9), utc(2025, 12, 24, 10))});
  DomainError e = error_of([&] { models::check_planning_rules(p, {"sessions[7]"}); });
  EXPECT_EQ(e.code(), "session_outside_period");
  EXPECT_EQ(paths_of(e), std::vector<std::string>{"sessions[7]"});
}

TEST(PlanningRules, TouchingSessionsAreAllowed) {
  expect_rules_ok(planning_of({rec("a", at(9), at(10)), rec("b", at(10), at(11)), rec("c", at(8), at(9))}));
}

TEST(PlanningRules, OverlapNamesBothInTheOrderSent) {
  // Sent later-first: sessions[0] starts after sessions[1] but overlaps it.
  auto p = planning_of({rec("a", at(10), at(11)), rec("b", at(9), at(10, 30))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[0]", "sessions[1]"}));
  EXPECT_NE(e.message().find("sessions[0]"), std::string::npos);
  EXPECT_NE(e.message().find("sessions[1]"), std::string::npos);
}

TEST(PlanningRules, OverlapOfOneMillisecond) {
  auto p = planning_of({rec("a", at(9), at(10) + 1), rec("b", at(10), at(11))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[0]", "sessions[1]"}));
}

TEST(PlanningRules, OverlapWithANonAdjacentSession) {
  // Sent: A 9–12, X 14–15, C 11–11:30. Only A and C overlap.
  auto p = planning_of({rec("a", at(9), at(12)), rec("x", at(14), at(15)), rec("c", at(11), at(11, 30))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[0]", "sessions[2]"}));
}

TEST(PlanningRules, LongSessionContainingSeveralShortOnes) {
  // A 9–12, B 10–10:30, C 11–11:30: A overlaps both; whichever pair is named must really overlap
  // and include A.
  auto p = planning_of({rec("a", at(9), at(12)), rec("b", at(10), at(10, 30)), rec("c", at(11), at(11, 30))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  auto paths = paths_of(e);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0], "sessions[0]");
  EXPECT_TRUE(paths[1] == "sessions[1]" || paths[1] == "sessions[2]") << paths[1];

  // B and C touch a long A from inside: B ends before C starts, and only C overlaps A.
  p = planning_of({rec("b", at(8), at(9)), rec("a", at(9), at(12)), rec("c", at(11), at(11, 30))});
  e = rules_error(p);
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[1]", "sessions[2]"}));
}

TEST(PlanningRules, OverlapWithAnEarlierLongSessionAfterShortOnes) {
  // Sent: B 13–14, C 11:30–11:45, A 9–12. Only A (sent last) and C overlap.
  auto p = planning_of({rec("b", at(13), at(14)), rec("c", at(11, 30), at(11, 45)), rec("a", at(9), at(12))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[1]", "sessions[2]"}));
}

TEST(PlanningRules, IdenticalSessionsOverlap) {
  auto p = planning_of({rec("a", at(9), at(10)), rec("b", at(9), at(10))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[0]", "sessions[1]"}));
}

TEST(PlanningRules, SameStartDifferentEndsOverlap) {
  auto p = planning_of({rec("a", at(9), at(9, 30)), rec("b", at(15), at(16)), rec("c", at(9), at(11))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(paths_of(e), (std::vector<std::string>{"sessions[0]", "sessions[2]"}));
}

TEST(PlanningRules, ThousandSessionsWithOneOverlap) {
  const Millis base = utc(2025, 12, 1);
  const std::size_t n = 1000;
  // Slot k is [base + 30k min, base + 30(k+1) min); sent in a scrambled order.
  std::vector<store::SessionRecord> sessions(n);
  std::vector<std::size_t> position_of_slot(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t pos = (k * 7919) % n;
    position_of_slot[k] = pos;
    sessions[pos] = rec("s" + std::to_string(k), base + Millis(k) * 30 * kMinute, base + Millis(k + 1) * 30 * kMinute);
  }
  auto p = planning_of(sessions, base, base + 30 * 24 * kHour);
  expect_rules_ok(p);

  // Slot 617 now ends one minute into slot 618.
  p.sessions[position_of_slot[617]].fin += kMinute;
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "sessions_overlap");
  std::size_t a = std::min(position_of_slot[617], position_of_slot[618]);
  std::size_t b = std::max(position_of_slot[617], position_of_slot[618]);
  EXPECT_EQ(paths_of(e),
            (std::vector<std::string>{"sessions[" + std::to_string(a) + "]", "sessions[" + std::to_string(b) + "]"}));
}

TEST(PlanningRules, DurationIsCheckedToo) {
  auto p = planning_of({rec("a", at(9), at(9))});
  DomainError e = rules_error(p);
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(paths_of(e), std::vector<std::string>{"sessions[0].fin"});

  p = planning_of({rec("a", at(8), at(20) + 1)});
  e = rules_error(p);
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(paths_of(e), std::vector<std::string>{"sessions[0].fin"});

  expect_rules_ok(planning_of({rec("a", at(8), at(20))}));
}

// ---------------------------------------------------------------------------------------------
// to_json

namespace {

std::vector<std::string> keys(const json::object& o) {
  std::vector<std::string> out;
  for (const auto& kv : o) out.emplace_back(kv.key());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST(PlanningJson, ShapeWithoutOptionalFields) {
  auto p = planning_of({rec("cccccccccccccccccccccccc", at(9), at(10, 30))});
  p.created_at = utc(2025, 12, 20, 8, 0, 0, 123);
  p.updated_at = utc(2025, 12, 21, 8);
  json::object o = models::to_json(p);
  EXPECT_EQ(keys(o), (std::vector<std::string>{"_id", "createdAt", "dateDebut", "periode", "sessions", "source",
                                               "updatedAt", "userId"}));
  EXPECT_EQ(o.at("_id"), "aaaaaaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(o.at("userId"), "bbbbbbbbbbbbbbbbbbbbbbbb");
  EXPECT_EQ(o.at("periode"), "jour");
  EXPECT_EQ(o.at("source"), "manual");
  EXPECT_EQ(o.at("dateDebut"), "2025-12-25T00:00:00.000Z");
  EXPECT_EQ(o.at("createdAt"), "2025-12-20T08:00:00.123Z");
  EXPECT_EQ(o.at("updatedAt"), "2025-12-21T08:00:00.000Z");

  const auto& sessions = o.at("sessions").as_array();
  ASSERT_EQ(sessions.size(), 1u);
  const auto& s = sessions[0].as_object();
  EXPECT_EQ(keys(s), (std::vector<std::string>{"_id", "debut", "fin", "matiere", "statut"}));
  EXPECT_EQ(s.at("_id"), "cccccccccccccccccccccccc");
  EXPECT_EQ(s.at("matiere"), "Maths");
  EXPECT_EQ(s.at("debut"), "2025-12-25T09:00:00.000Z");
  EXPECT_EQ(s.at("fin"), "2025-12-25T10:30:00.000Z");
  EXPECT_EQ(s.at("statut"), "planifie");
}

TEST(PlanningJson, ShapeWithOptionalFields) {
  auto session = rec("cccccccccccccccccccccccc", at(9) + 7, at(10));
  session.notes = "chapitre 3";
  session.statut = "rate";
  auto p = planning_of({session});
  p.titre = "Noël";
  json::object o = models::to_json(p);
  EXPECT_EQ(o.at("titre"), "Noël");
  const auto& s = o.at("sessions").as_array()[0].as_object();
  EXPECT_EQ(s.at("notes"), "chapitre 3");
  EXPECT_EQ(s.at("statut"), "rate");
  EXPECT_EQ(s.at("debut"), "2025-12-25T09:00:00.007Z");
}
