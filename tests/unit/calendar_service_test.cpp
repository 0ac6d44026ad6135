// CalendarService on a real database: the feed secret (create, rotate, revoke), the feed's
// calendar (its owner's recent and future sessions only), and one planning as a calendar.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "services/planning/calendar_service.hpp"
#include "support/run_async.hpp"
#include "support/service_test.hpp"
#include "support/temp_database.hpp"

namespace {

using namespace planetude;
using planetude::testing::at;
using planetude::testing::error_of;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;

const std::string kLea = "65a1b2c3d4e5f60718293d01";
const std::string kBob = "65a1b2c3d4e5f60718293d02";
const std::string kLeasFuture = "65a1b2c3d4e5f60718293d10";
const std::string kLeasFutureSession = "65a1b2c3d4e5f60718293d11";
const std::string kLeasOld = "65a1b2c3d4e5f60718293d20";
const std::string kLeasOldSession = "65a1b2c3d4e5f60718293d21";
const std::string kBobsFuture = "65a1b2c3d4e5f60718293d30";
const std::string kBobsFutureSession = "65a1b2c3d4e5f60718293d31";

store::UserRecord user(std::string id, std::string email) {
  store::UserRecord u;
  u.id = std::move(id);
  u.email = std::move(email);
  u.password_hash = "x";
  u.name = "Élève";
  return u;
}

// A one-day planning with one session from 09:00 to 10:30 UTC on `day`.
store::PlanningRecord day_planning(std::string id, std::string user_id, std::string session_id, std::string day,
                                   std::string matiere, std::optional<std::string> titre) {
  store::PlanningRecord p;
  p.id = std::move(id);
  p.user_id = std::move(user_id);
  p.titre = std::move(titre);
  p.periode = "jour";
  p.date_debut = at((day + "T00:00:00Z").c_str());
  p.date_fin = p.date_debut + 24 * 3600 * 1000LL;
  p.created_at = p.updated_at = at("2020-01-01T00:00:00Z");
  p.sessions.push_back({std::move(session_id), std::move(matiere), at((day + "T09:00:00Z").c_str()),
                        at((day + "T10:30:00Z").c_str()), "planifie", std::string("Chapitre 2, exercices")});
  return p;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CalendarServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_async(t.db().write([&](store::Repos& r) {
      r.users().insert(user(kLea, "lea@example.com"));
      r.users().insert(user(kBob, "bob@example.com"));
      // Far in the future, and long past: the feed shows the first, not the second.
      r.plannings().insert(day_planning(kLeasFuture, kLea, kLeasFutureSession, "2099-01-05", "Maths", "Avenir"));
      r.plannings().insert(day_planning(kLeasOld, kLea, kLeasOldSession, "2020-01-06", "Histoire", "Bac blanc"));
      r.plannings().insert(day_planning(kBobsFuture, kBob, kBobsFutureSession, "2099-01-05", "Chimie", std::nullopt));
    }));
  }

  std::optional<std::string> feed(std::string secret) { return run_async(calendars.feed(std::move(secret))); }

  TempDatabase t;
  CalendarService calendars{t.db()};
};

TEST_F(CalendarServiceTest, TheFeedServesItsOwnersRecentAndFutureSessions) {
  std::string secret = run_async(calendars.create_feed(kLea));
  EXPECT_EQ(secret.size(), 43u);  // 32 random bytes, URL-safe base64 without padding
  EXPECT_EQ(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);

  auto ics = feed(secret);
  ASSERT_TRUE(ics.has_value());
  EXPECT_EQ(ics->rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_TRUE(contains(*ics, "X-WR-CALNAME:PlanÉtude\r\n"));
  EXPECT_TRUE(contains(*ics, "X-PUBLISHED-TTL:PT1H\r\n"));
  EXPECT_TRUE(contains(*ics, "UID:" + kLeasFutureSession + "@planetude\r\n"));
  EXPECT_TRUE(contains(*ics, "DTSTART:20990105T090000Z\r\n"));
  EXPECT_TRUE(contains(*ics, "DTEND:20990105T103000Z\r\n"));
  EXPECT_TRUE(contains(*ics, "SUMMARY:Maths\r\n"));
  EXPECT_TRUE(contains(*ics, "DESCRIPTION:Chapitre 2\\, exercices\r\n"));
  EXPECT_FALSE(contains(*ics, kLeasOldSession));
  EXPECT_FALSE(contains(*ics, kBobsFutureSession));
  EXPECT_FALSE(contains(*ics, "Chimie"));
}

TEST_F(CalendarServiceTest, RotatingTheFeedRetiresTheOldSecret) {
  std::string first = run_async(calendars.create_feed(kLea));
  std::string second = run_async(calendars.create_feed(kLea));
  EXPECT_NE(first, second);
  EXPECT_EQ(feed(first), std::nullopt);
  auto ics = feed(second);
  ASSERT_TRUE(ics.has_value());
  EXPECT_TRUE(contains(*ics, "UID:" + kLeasFutureSession + "@planetude"));
}

TEST_F(CalendarServiceTest, EachUserHasTheirOwnFeed) {
  std::string leas = run_async(calendars.create_feed(kLea));
  std::string bobs = run_async(calendars.create_feed(kBob));
  auto bob_ics = feed(bobs);
  ASSERT_TRUE(bob_ics.has_value());
  EXPECT_TRUE(contains(*bob_ics, "UID:" + kBobsFutureSession + "@planetude"));
  EXPECT_FALSE(contains(*bob_ics, kLeasFutureSession));
  // Bob's feed did not retire Léa's.
  ASSERT_TRUE(feed(leas).has_value());
  EXPECT_TRUE(contains(*feed(leas), kLeasFutureSession));
}

TEST_F(CalendarServiceTest, ARevokedOrUnknownSecretServesNothing) {
  std::string secret = run_async(calendars.create_feed(kLea));
  run_async(calendars.delete_feed(kLea));
  EXPECT_EQ(feed(secret), std::nullopt);
  EXPECT_EQ(feed(""), std::nullopt);
  EXPECT_EQ(feed("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), std::nullopt);
  EXPECT_EQ(feed(std::string(129, 'A')), std::nullopt);
  // Revoking when there is no feed is harmless.
  EXPECT_NO_THROW(run_async(calendars.delete_feed(kLea)));
}

TEST_F(CalendarServiceTest, OnlyTheSecretsHashIsStored) {
  std::string secret = run_async(calendars.create_feed(kLea));
  auto owner = run_async(t.db().read([&](store::Repos& r) {
    return std::pair{r.calendar_feeds().user_for(CalendarService::hash_secret(secret)),
                     r.calendar_feeds().user_for(secret)};
  }));
  EXPECT_EQ(owner.first, kLea);
  EXPECT_EQ(owner.second, std::nullopt);
  // SHA-256, in hex.
  EXPECT_EQ(CalendarService::hash_secret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(CalendarServiceTest, APlanningAsACalendarForItsOwner) {
  std::string ics = run_async(calendars.planning_calendar(kLea, kLeasOld));
  EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_TRUE(contains(ics, "X-WR-CALNAME:Bac blanc\r\n"));
  EXPECT_TRUE(contains(ics, "UID:" + kLeasOldSession + "@planetude\r\n"));
  EXPECT_TRUE(contains(ics, "DTSTART:20200106T090000Z\r\n"));
  EXPECT_TRUE(contains(ics, "SUMMARY:Histoire\r\n"));
  EXPECT_FALSE(contains(ics, "X-PUBLISHED-TTL"));
  EXPECT_FALSE(contains(ics, kLeasFutureSession));
  EXPECT_TRUE(ics.size() >= 15 && ics.compare(ics.size() - 15, 15, "END:VCALENDAR\r\n") == 0);

  // Without a title, the calendar takes the application's name.
  std::string bobs = run_async(calendars.planning_calendar(kBob, kBobsFuture));
  EXPECT_TRUE(contains(bobs, "X-WR-CALNAME:PlanÉtude\r\n"));
}

TEST_F(CalendarServiceTest, AnotherUsersPlanningIsNotFound) {
  auto e = error_of<DomainError>(calendars.planning_calendar(kBob, kLeasFuture));
  EXPECT_EQ(e.kind(), ErrorKind::not_found);
  EXPECT_EQ(e.code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(calendars.planning_calendar(kLea, "not-an-id")).code(), "not_found");
}

}  // namespace
