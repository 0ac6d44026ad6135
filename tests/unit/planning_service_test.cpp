// PlanningService on a real database: create, get, list by pages, replace (kept sessions keep
// their ids), patch one session, remove; someone else's planning is not found; a broken rule
// writes nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/planning/planning_service.hpp"
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

const std::string kLea = "65a1b2c3d4e5f60718293b01";
const std::string kBob = "65a1b2c3d4e5f60718293b02";

models::SessionInput session(const char* matiere, const char* debut, const char* fin,
                             std::optional<std::string> id = std::nullopt) {
  models::SessionInput s;
  s.id = std::move(id);
  s.matiere = matiere;
  s.debut = at(debut);
  s.fin = at(fin);
  return s;
}

// A week starting at local midnight in Paris (no DST change in March before the 29th).
models::PlanningInput week(const char* monday, std::vector<models::SessionInput> sessions,
                           std::optional<std::string> titre = std::nullopt) {
  models::PlanningInput in;
  in.titre = std::move(titre);
  in.periode = datetime::Period::semaine;
  in.date_debut = at(monday);
  in.sessions = std::move(sessions);
  return in;
}

class PlanningServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_async(t.db().write([&](store::Repos& r) {
      r.users().insert(lea);
      r.users().insert(bob);
    }));
  }

  store::PlanningRecord create(models::PlanningInput in) {
    return run_async(plannings.create(lea, std::move(in), "manual"));
  }
  store::PlanningRecord get(const std::string& id) { return run_async(plannings.get(kLea, id)); }
  // Léa's usual week: Physique on Tuesday, Maths on Monday (given out of order).
  store::PlanningRecord create_usual_week() {
    return create(week("2026-03-09T00:00:00+01:00",
                       {session("Physique", "2026-03-10T14:00:00+01:00", "2026-03-10T15:30:00+01:00"),
                        session("Maths", "2026-03-09T09:00:00+01:00", "2026-03-09T10:00:00+01:00")},
                       "Révisions"));
  }
  std::size_t count_plannings(const std::string& user_id) {
    return run_async(t.db().read([&](store::Repos& r) { return r.plannings().list_all(user_id).size(); }));
  }

  TempDatabase t;
  PlanningService plannings{t.db()};
  store::UserRecord lea = user(kLea, "lea@example.com");
  store::UserRecord bob = user(kBob, "bob@example.com");
};

TEST_F(PlanningServiceTest, CreateStoresThePlanningWithSortedSessionsAndFreshIds) {
  store::PlanningRecord p = create_usual_week();
  EXPECT_TRUE(ids::is_valid(p.id));
  EXPECT_EQ(p.user_id, kLea);
  EXPECT_EQ(p.titre, "Révisions");
  EXPECT_EQ(p.periode, "semaine");
  EXPECT_EQ(p.source, "manual");
  EXPECT_EQ(p.date_debut, at("2026-03-09T00:00:00+01:00"));
  EXPECT_EQ(p.date_fin, at("2026-03-16T00:00:00+01:00"));
  ASSERT_EQ(p.sessions.size(), 2u);
  EXPECT_EQ(p.sessions[0].matiere, "Maths");
  EXPECT_EQ(p.sessions[0].debut, at("2026-03-09T09:00:00+01:00"));
  EXPECT_EQ(p.sessions[1].matiere, "Physique");
  EXPECT_EQ(p.sessions[0].statut, "planifie");
  EXPECT_TRUE(ids::is_valid(p.sessions[0].id));
  EXPECT_NE(p.sessions[0].id, p.sessions[1].id);

  store::PlanningRecord got = get(p.id);
  EXPECT_EQ(got.id, p.id);
  EXPECT_EQ(got.date_fin, p.date_fin);
  ASSERT_EQ(got.sessions.size(), 2u);
  EXPECT_EQ(got.sessions[0].id, p.sessions[0].id);
  EXPECT_EQ(got.sessions[1].id, p.sessions[1].id);
  EXPECT_EQ(got.sessions[1].fin, at("2026-03-10T15:30:00+01:00"));
}

TEST_F(PlanningServiceTest, AnotherUsersOrAMalformedPlanningIsNotFound) {
  store::PlanningRecord p = create_usual_week();
  auto e = error_of<DomainError>(plannings.get(kBob, p.id));
  EXPECT_EQ(e.kind(), ErrorKind::not_found);
  EXPECT_EQ(e.code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(plannings.get(kLea, "not-an-id")).code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(plannings.get(kLea, "65a1b2c3d4e5f60718293fff")).code(), "not_found");
}

TEST_F(PlanningServiceTest, ListGivesPagesNewestFirstWithACursor) {
  std::string first = create(week("2026-03-02T00:00:00+01:00", {})).id;
  std::string second = create(week("2026-03-09T00:00:00+01:00", {})).id;
  std::string third = create(week("2026-03-16T00:00:00+01:00", {})).id;
  run_async(plannings.create(bob, week("2026-03-23T00:00:00+01:00", {}), "manual"));

  store::PlanningQuery q;
  q.limit = 2;
  PlanningPage page1 = run_async(plannings.list(kLea, q));
  ASSERT_EQ(page1.items.size(), 2u);
  EXPECT_EQ(page1.items[0].id, third);
  EXPECT_EQ(page1.items[1].id, second);
  ASSERT_TRUE(page1.next_cursor.has_value());

  auto cursor = decode_planning_cursor(*page1.next_cursor);
  ASSERT_TRUE(cursor.has_value());
  EXPECT_EQ(cursor->id, second);
  q.after = cursor;
  PlanningPage page2 = run_async(plannings.list(kLea, q));
  ASSERT_EQ(page2.items.size(), 1u);
  EXPECT_EQ(page2.items[0].id, first);
  EXPECT_FALSE(page2.next_cursor.has_value());

  // A page that holds exactly what is left has no cursor either.
  store::PlanningQuery all;
  all.limit = 3;
  PlanningPage whole = run_async(plannings.list(kLea, all));
  EXPECT_EQ(whole.items.size(), 3u);
  EXPECT_FALSE(whole.next_cursor.has_value());
}

TEST_F(PlanningServiceTest, PlanningsThatStartTogetherArePagedByIdWithoutLossOrRepeat) {
  std::vector<std::string> same_day;
  for (int i = 0; i < 3; ++i) same_day.push_back(create(week("2026-03-09T00:00:00+01:00", {})).id);
  std::string older = create(week("2026-03-02T00:00:00+01:00", {})).id;
  std::sort(same_day.rbegin(), same_day.rend());  // ties: the greatest id first

  std::vector<std::string> seen;
  store::PlanningQuery q;
  q.limit = 1;
  for (int page = 0; page < 10; ++page) {
    PlanningPage p = run_async(plannings.list(kLea, q));
    ASSERT_EQ(p.items.size(), 1u);
    seen.push_back(p.items[0].id);
    if (!p.next_cursor) break;
    q.after = decode_planning_cursor(*p.next_cursor);
    ASSERT_TRUE(q.after.has_value());
  }
  EXPECT_EQ(seen, (std::vector<std::string>{same_day[0], same_day[1], same_day[2], older}));
}

TEST_F(PlanningServiceTest, ReplaceKeepsTheIdsAndStatusOfKeptSessions) {
  store::PlanningRecord p = create_usual_week();
  std::string maths = p.sessions[0].id;
  std::string physique = p.sessions[1].id;
  models::SessionPatch done;
  done.statut = "termine";
  run_async(plannings.patch_session(kLea, p.id, maths, done));

  // Maths moves to Wednesday and is kept; Physique is dropped; Chimie is new.
  store::PlanningRecord r = run_async(
      plannings.replace(lea, p.id,
                        week("2026-03-09T00:00:00+01:00",
                             {session("Chimie", "2026-03-12T09:00:00+01:00", "2026-03-12T10:00:00+01:00"),
                              session("Maths", "2026-03-11T16:00:00+01:00", "2026-03-11T17:00:00+01:00", maths)},
                             "Semaine revue")));
  EXPECT_EQ(r.id, p.id);
  EXPECT_EQ(r.titre, "Semaine revue");
  EXPECT_EQ(r.created_at, p.created_at);
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(r.sessions[0].id, maths);
  EXPECT_EQ(r.sessions[0].statut, "termine");
  EXPECT_EQ(r.sessions[0].debut, at("2026-03-11T16:00:00+01:00"));
  EXPECT_EQ(r.sessions[1].matiere, "Chimie");
  EXPECT_EQ(r.sessions[1].statut, "planifie");
  EXPECT_NE(r.sessions[1].id, maths);
  EXPECT_NE(r.sessions[1].id, physique);

  store::PlanningRecord got = get(p.id);
  ASSERT_EQ(got.sessions.size(), 2u);
  EXPECT_EQ(got.sessions[0].id, maths);
  EXPECT_EQ(got.sessions[0].statut, "termine");
  EXPECT_EQ(got.sessions[1].id, r.sessions[1].id);
  EXPECT_EQ(got.titre, "Semaine revue");
}

TEST_F(PlanningServiceTest, ReplaceWithAnUnknownOrRepeatedSessionIdIsAValidationFailure) {
  store::PlanningRecord p = create_usual_week();
  std::string maths = p.sessions[0].id;
  auto e = error_of<RuleBroken>(plannings.replace(
      lea, p.id,
      week("2026-03-09T00:00:00+01:00",
           {session("Maths", "2026-03-09T09:00:00+01:00", "2026-03-09T10:00:00+01:00", maths),
            session("Maths", "2026-03-11T09:00:00+01:00", "2026-03-11T10:00:00+01:00", "65a1b2c3d4e5f60718293eee"),
            session("Maths", "2026-03-12T09:00:00+01:00", "2026-03-12T10:00:00+01:00", maths)})));
  EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "validation_failed");
  ASSERT_EQ(e.details().size(), 2u);
  EXPECT_EQ(e.details()[0].path, "sessions[1]._id");
  EXPECT_EQ(e.details()[0].message, "ne correspond à aucune session de ce planning");
  EXPECT_EQ(e.details()[1].path, "sessions[2]._id");
  EXPECT_EQ(e.details()[1].message, "apparaît plusieurs fois");

  store::PlanningRecord got = get(p.id);
  EXPECT_EQ(got.titre, "Révisions");
  ASSERT_EQ(got.sessions.size(), 2u);
  EXPECT_EQ(got.sessions[1].id, p.sessions[1].id);
}

TEST_F(PlanningServiceTest, PatchSessionChangesOnlyThatSession) {
  store::PlanningRecord p = create_usual_week();
  models::SessionPatch patch;
  patch.statut = "en_cours";
  patch.notes = "Chapitre 3";
  store::PlanningRecord r = run_async(plannings.patch_session(kLea, p.id, p.sessions[1].id, patch));
  ASSERT_EQ(r.sessions.size(), 2u);
  EXPECT_EQ(r.sessions[1].statut, "en_cours");
  EXPECT_EQ(r.sessions[1].notes, "Chapitre 3");
  EXPECT_EQ(r.sessions[1].debut, p.sessions[1].debut);
  EXPECT_EQ(r.sessions[0].statut, "planifie");
  EXPECT_EQ(r.sessions[0].notes, std::nullopt);

  // Moving the session before the other one reorders the planning.
  models::SessionPatch move;
  move.debut = at("2026-03-09T07:00:00+01:00");
  move.fin = at("2026-03-09T08:00:00+01:00");
  move.clear_notes = true;
  r = run_async(plannings.patch_session(kLea, p.id, p.sessions[1].id, move));
  EXPECT_EQ(r.sessions[0].id, p.sessions[1].id);
  EXPECT_EQ(r.sessions[0].notes, std::nullopt);
  EXPECT_EQ(r.sessions[0].statut, "en_cours");

  store::PlanningRecord got = get(p.id);
  EXPECT_EQ(got.sessions[0].id, p.sessions[1].id);
  EXPECT_EQ(got.sessions[0].fin, at("2026-03-09T08:00:00+01:00"));
  EXPECT_EQ(got.sessions[0].notes, std::nullopt);

  EXPECT_EQ(error_of<DomainError>(plannings.patch_session(kLea, p.id, "65a1b2c3d4e5f60718293eee", patch)).code(),
            "not_found");
}

TEST_F(PlanningServiceTest, OverlappingSessionsAreRefusedOnCreateAndNothingIsWritten) {
  auto e = error_of<RuleBroken>(plannings.create(
      lea,
      week("2026-03-09T00:00:00+01:00", {session("Maths", "2026-03-09T09:00:00+01:00", "2026-03-09T10:00:00+01:00"),
                                         session("Physique", "2026-03-10T09:00:00+01:00", "2026-03-10T10:00:00+01:00"),
                                         session("Chimie", "2026-03-09T09:30:00+01:00", "2026-03-09T10:30:00+01:00")}),
      "manual"));
  EXPECT_EQ(e.code(), "sessions_overlap");
  ASSERT_EQ(e.details().size(), 2u);
  EXPECT_EQ(e.details()[0].path, "sessions[0]");
  EXPECT_EQ(e.details()[1].path, "sessions[2]");
  EXPECT_EQ(count_plannings(kLea), 0u);
}

TEST_F(PlanningServiceTest, ABrokenRuleOnReplaceOrPatchLeavesThePlanningAsItWas) {
  store::PlanningRecord p = create_usual_week();
  auto replaced = error_of<RuleBroken>(plannings.replace(
      lea, p.id,
      week("2026-03-09T00:00:00+01:00",
           {session("Maths", "2026-03-09T09:00:00+01:00", "2026-03-09T10:00:00+01:00", p.sessions[0].id),
            session("Chimie", "2026-03-09T09:59:00+01:00", "2026-03-09T11:00:00+01:00")},
           "Autre titre")));
  EXPECT_EQ(replaced.code(), "sessions_overlap");

  models::SessionPatch patch;
  patch.debut = at("2026-03-09T09:30:00+01:00");
  patch.fin = at("2026-03-09T10:30:00+01:00");
  patch.notes = "jamais écrit";
  auto patched = error_of<RuleBroken>(plannings.patch_session(kLea, p.id, p.sessions[1].id, patch));
  EXPECT_EQ(patched.code(), "sessions_overlap");

  // The period stays as it was fixed: the next Monday is outside it.
  models::SessionPatch later;
  later.debut = at("2026-03-16T09:00:00+01:00");
  later.fin = at("2026-03-16T10:00:00+01:00");
  auto outside = error_of<RuleBroken>(plannings.patch_session(kLea, p.id, p.sessions[1].id, later));
  EXPECT_EQ(outside.code(), "session_outside_period");
  ASSERT_EQ(outside.details().size(), 1u);
  EXPECT_EQ(outside.details()[0].path, "sessions[1]");

  store::PlanningRecord got = get(p.id);
  EXPECT_EQ(got.titre, "Révisions");
  EXPECT_EQ(got.updated_at, p.updated_at);
  ASSERT_EQ(got.sessions.size(), 2u);
  EXPECT_EQ(got.sessions[0].id, p.sessions[0].id);
  EXPECT_EQ(got.sessions[1].id, p.sessions[1].id);
  EXPECT_EQ(got.sessions[1].debut, at("2026-03-10T14:00:00+01:00"));
  EXPECT_EQ(got.sessions[1].notes, std::nullopt);
}

TEST_F(PlanningServiceTest, RemoveDeletesThePlanningOnce) {
  store::PlanningRecord p = create_usual_week();
  run_async(plannings.remove(kLea, p.id));
  EXPECT_EQ(error_of<DomainError>(plannings.get(kLea, p.id)).code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(plannings.remove(kLea, p.id)).code(), "not_found");
  EXPECT_EQ(count_plannings(kLea), 0u);
}

TEST_F(PlanningServiceTest, AnotherUsersPlanningCannotBeChanged) {
  store::PlanningRecord p = create_usual_week();
  EXPECT_EQ(error_of<DomainError>(plannings.replace(bob, p.id, week("2026-03-09T00:00:00+01:00", {}))).code(),
            "not_found");
  models::SessionPatch patch;
  patch.statut = "rate";
  EXPECT_EQ(error_of<DomainError>(plannings.patch_session(kBob, p.id, p.sessions[0].id, patch)).code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(plannings.remove(kBob, p.id)).code(), "not_found");

  store::PlanningRecord got = get(p.id);
  EXPECT_EQ(got.updated_at, p.updated_at);
  ASSERT_EQ(got.sessions.size(), 2u);
  EXPECT_EQ(got.sessions[0].statut, "planifie");
}

}  // namespace
