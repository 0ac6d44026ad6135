// ProgressService on a real database: free entries, entries that complete a planned session (and
// undoing them), a second completion refused, someone else's planning or entry not found, and the
// report's bounds.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/progress/progress_service.hpp"
#include "support/run_async.hpp"
#include "support/service_test.hpp"
#include "support/temp_database.hpp"

namespace {

using namespace planetude;
using planetude::testing::at;
using planetude::testing::error_of;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;
using planetude::testing::user;

const std::string kLea = "65a1b2c3d4e5f60718293c01";
const std::string kBob = "65a1b2c3d4e5f60718293c02";
const std::string kPlanning = "65a1b2c3d4e5f60718293c10";
const std::string kMaths = "65a1b2c3d4e5f60718293c11";     // 00:30–02:00 in Paris on 10 March
const std::string kPhysique = "65a1b2c3d4e5f60718293c12";  // 09:00–09:45 in Paris on 10 March
const std::string kBobsPlanning = "65a1b2c3d4e5f60718293c20";
const std::string kBobsSession = "65a1b2c3d4e5f60718293c21";

store::PlanningRecord planning(std::string id, std::string user_id, std::vector<store::SessionRecord> sessions) {
  store::PlanningRecord p;
  p.id = std::move(id);
  p.user_id = std::move(user_id);
  p.periode = "semaine";
  p.date_debut = at("2026-03-09T00:00:00+01:00");
  p.date_fin = at("2026-03-16T00:00:00+01:00");
  p.created_at = p.updated_at = at("2026-03-01T12:00:00Z");
  p.sessions = std::move(sessions);
  return p;
}

models::ProgressInput free_entry(std::string date, int minutes, std::optional<std::string> matiere = std::nullopt) {
  models::FreeProgressInput f;
  f.date = std::move(date);
  f.sessions_completees = 2;
  f.temps_etudie = minutes;
  f.notes = "Exercices";
  f.matiere = std::move(matiere);
  return models::ProgressInput{std::nullopt, f};
}

models::ProgressInput linked_entry(std::string planning_id, std::string session_id,
                                   std::optional<int> minutes = std::nullopt) {
  return models::ProgressInput{
      models::LinkedProgressInput{std::move(planning_id), std::move(session_id), minutes, "Bien"}, std::nullopt};
}

class ProgressServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_async(t.db().write([&](store::Repos& r) {
      r.users().insert(lea);
      r.users().insert(bob);
      r.plannings().insert(planning(kPlanning, kLea,
                                    {{kMaths, "Maths", at("2026-03-10T00:30:00+01:00"), at("2026-03-10T02:00:00+01:00"),
                                      "planifie", std::nullopt},
                                     {kPhysique, "Physique", at("2026-03-10T09:00:00+01:00"),
                                      at("2026-03-10T09:45:00+01:00"), "planifie", std::nullopt}}));
      r.plannings().insert(planning(kBobsPlanning, kBob,
                                    {{kBobsSession, "Histoire", at("2026-03-11T10:00:00+01:00"),
                                      at("2026-03-11T11:00:00+01:00"), "planifie", std::nullopt}}));
    }));
  }

  store::ProgressRecord record(const store::UserRecord& who, models::ProgressInput in) {
    return run_async(progress.record(who, std::move(in)));
  }
  // The status of each of Léa's sessions, in start order.
  std::vector<std::string> statuses() {
    auto p = run_async(t.db().read([&](store::Repos& r) { return r.plannings().find(kLea, kPlanning); }));
    std::vector<std::string> out;
    for (const auto& s : p.value().sessions) out.push_back(s.statut);
    return out;
  }
  std::vector<store::ProgressRecord> all_entries(const std::string& user_id) {
    return run_async(t.db().read([&](store::Repos& r) { return r.progress().list_all(user_id); }));
  }

  TempDatabase t;
  ProgressService progress{t.db()};
  store::UserRecord lea = user(kLea, "lea@example.com");
  store::UserRecord bob = user(kBob, "bob@example.com");
};

TEST_F(ProgressServiceTest, AFreeEntryIsStoredAsGiven) {
  store::ProgressRecord e = record(lea, free_entry("2026-03-05", 50, "Maths"));
  EXPECT_TRUE(ids::is_valid(e.id));
  EXPECT_EQ(e.user_id, kLea);
  EXPECT_EQ(e.date, "2026-03-05");
  EXPECT_EQ(e.sessions_completees, 2);
  EXPECT_EQ(e.temps_etudie, 50);
  EXPECT_EQ(e.notes, "Exercices");
  EXPECT_EQ(e.matiere, "Maths");
  EXPECT_EQ(e.planning_id, std::nullopt);
  EXPECT_EQ(e.session_id, std::nullopt);

  auto stored = all_entries(kLea);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, e.id);
  EXPECT_EQ(stored[0].temps_etudie, 50);
  EXPECT_EQ(statuses(), (std::vector<std::string>{"planifie", "planifie"}));
}

TEST_F(ProgressServiceTest, ALinkedEntryCompletesTheSession) {
  store::ProgressRecord e = record(lea, linked_entry(kPlanning, kMaths));
  // The session starts at 00:30 in Paris, still 9 March in UTC: the entry takes the local day.
  EXPECT_EQ(e.date, "2026-03-10");
  EXPECT_EQ(e.temps_etudie, 90);  // the session's length
  EXPECT_EQ(e.sessions_completees, 1);
  EXPECT_EQ(e.matiere, "Maths");
  EXPECT_EQ(e.notes, "Bien");
  EXPECT_EQ(e.planning_id, kPlanning);
  EXPECT_EQ(e.session_id, kMaths);
  EXPECT_EQ(statuses(), (std::vector<std::string>{"termine", "planifie"}));

  // The time studied can be given.
  store::ProgressRecord f = record(lea, linked_entry(kPlanning, kPhysique, 30));
  EXPECT_EQ(f.temps_etudie, 30);
  EXPECT_EQ(f.matiere, "Physique");
  EXPECT_EQ(statuses(), (std::vector<std::string>{"termine", "termine"}));
  EXPECT_EQ(all_entries(kLea).size(), 2u);
}

TEST_F(ProgressServiceTest, CompletingASessionTwiceIsAConflict) {
  store::ProgressRecord first = record(lea, linked_entry(kPlanning, kMaths));
  auto e = error_of<DomainError>(progress.record(lea, linked_entry(kPlanning, kMaths, 20)));
  EXPECT_EQ(e.kind(), ErrorKind::conflict);
  EXPECT_EQ(e.code(), "already_completed");
  auto stored = all_entries(kLea);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, first.id);
  EXPECT_EQ(stored[0].temps_etudie, 90);
}

TEST_F(ProgressServiceTest, RemovingALinkedEntryPutsTheSessionBackInThePlan) {
  store::ProgressRecord e = record(lea, linked_entry(kPlanning, kMaths));
  ASSERT_EQ(statuses()[0], "termine");
  run_async(progress.remove(kLea, e.id));
  EXPECT_EQ(statuses(), (std::vector<std::string>{"planifie", "planifie"}));
  EXPECT_TRUE(all_entries(kLea).empty());
  EXPECT_EQ(error_of<DomainError>(progress.remove(kLea, e.id)).code(), "not_found");
  // The session can be completed again.
  store::ProgressRecord again = record(lea, linked_entry(kPlanning, kMaths, 45));
  EXPECT_EQ(again.temps_etudie, 45);
  EXPECT_EQ(statuses()[0], "termine");
}

TEST_F(ProgressServiceTest, AnotherUsersPlanningOrSessionIsNotFound) {
  EXPECT_EQ(error_of<DomainError>(progress.record(lea, linked_entry(kBobsPlanning, kBobsSession))).code(), "not_found");
  // Bob's session named through Léa's planning.
  EXPECT_EQ(error_of<DomainError>(progress.record(lea, linked_entry(kPlanning, kBobsSession))).code(), "not_found");
  // Léa's session through Bob's account.
  EXPECT_EQ(error_of<DomainError>(progress.record(bob, linked_entry(kPlanning, kMaths))).code(), "not_found");
  EXPECT_TRUE(all_entries(kLea).empty());
  EXPECT_TRUE(all_entries(kBob).empty());
  EXPECT_EQ(statuses(), (std::vector<std::string>{"planifie", "planifie"}));
}

TEST_F(ProgressServiceTest, AnotherUsersEntryCannotBeRemoved) {
  store::ProgressRecord e = record(lea, linked_entry(kPlanning, kMaths));
  auto error = error_of<DomainError>(progress.remove(kBob, e.id));
  EXPECT_EQ(error.kind(), ErrorKind::not_found);
  EXPECT_EQ(error_of<DomainError>(progress.remove(kLea, "not-an-id")).code(), "not_found");
  EXPECT_EQ(all_entries(kLea).size(), 1u);
  EXPECT_EQ(statuses()[0], "termine");
}

TEST_F(ProgressServiceTest, TheReportHoldsTheEntriesBetweenBothBoundsIncluded) {
  for (const char* day : {"2026-03-01", "2026-03-05", "2026-03-10", "2026-03-11"}) record(lea, free_entry(day, 30));
  record(bob, free_entry("2026-03-07", 30));

  ProgressReport r = run_async(progress.report(lea, std::string("2026-03-05"), std::string("2026-03-10")));
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].date, "2026-03-05");
  EXPECT_EQ(r.entries[1].date, "2026-03-10");
  EXPECT_EQ(r.active_days, (std::vector<std::string>{"2026-03-01", "2026-03-05", "2026-03-10", "2026-03-11"}));
  EXPECT_EQ(r.today.size(), 10u);
  EXPECT_TRUE(datetime::parse_date(r.today).has_value());

  // One day alone.
  ProgressReport one = run_async(progress.report(lea, std::string("2026-03-11"), std::string("2026-03-11")));
  ASSERT_EQ(one.entries.size(), 1u);
  EXPECT_EQ(one.entries[0].date, "2026-03-11");
}

TEST_F(ProgressServiceTest, WithoutFromTheReportCoversThirtyDaysUpToTo) {
  for (const char* day : {"2026-03-01", "2026-03-02", "2026-03-31", "2026-04-01"}) record(lea, free_entry(day, 30));
  ProgressReport r = run_async(progress.report(lea, std::nullopt, std::string("2026-03-31")));
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].date, "2026-03-02");
  EXPECT_EQ(r.entries[1].date, "2026-03-31");
}

TEST_F(ProgressServiceTest, AReportFromAfterToIsAValidationFailure) {
  auto e = error_of<RuleBroken>(progress.report(lea, std::string("2026-03-11"), std::string("2026-03-10")));
  EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "validation_failed");
  ASSERT_EQ(e.details().size(), 1u);
  EXPECT_EQ(e.details()[0].path, "from");
}

}  // namespace
