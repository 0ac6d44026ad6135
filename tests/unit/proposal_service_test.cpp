// ProposalService on a real database: applying each kind of proposal, applying or dismissing one
// that is no longer pending, someone else's proposal, and a change that now breaks a rule (the
// proposal stays pending and the planning as it was).
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/coach/proposal_service.hpp"
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

const std::string kLea = "65a1b2c3d4e5f60718293e01";
const std::string kBob = "65a1b2c3d4e5f60718293e02";
const std::string kPlanning = "65a1b2c3d4e5f60718293e10";
const std::string kMaths = "65a1b2c3d4e5f60718293e11";     // Tuesday 09:00–10:00 in Paris
const std::string kPhysique = "65a1b2c3d4e5f60718293e12";  // Tuesday 10:00–11:00 in Paris

class ProposalServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::PlanningRecord p;
    p.id = kPlanning;
    p.user_id = kLea;
    p.titre = "Révisions";
    p.periode = "semaine";
    p.date_debut = at("2026-03-09T00:00:00+01:00");
    p.date_fin = at("2026-03-16T00:00:00+01:00");
    p.created_at = p.updated_at = at("2026-03-01T12:00:00Z");
    p.sessions = {
        {kMaths, "Maths", at("2026-03-10T09:00:00+01:00"), at("2026-03-10T10:00:00+01:00"), "planifie", std::nullopt},
        {kPhysique, "Physique", at("2026-03-10T10:00:00+01:00"), at("2026-03-10T11:00:00+01:00"), "planifie",
         std::nullopt}};
    run_async(t.db().write([&](store::Repos& r) {
      r.users().insert(lea);
      r.users().insert(bob);
      r.plannings().insert(p);
    }));
  }

  // A coach message of `user_id` carrying one pending proposal; returns the proposal's id.
  std::string propose(const std::string& user_id, std::string type, std::string payload, std::string origin = "ai") {
    store::ChatMessageRecord m{
        ids::generate(), user_id, "coach", "Je te propose un changement.", origin, at("2026-03-08T18:00:00Z"), 0};
    store::ProposalRecord p;
    p.id = ids::generate();
    p.user_id = user_id;
    p.message_id = m.id;
    p.type = std::move(type);
    p.summary = "Un changement";
    p.payload = std::move(payload);
    p.origin = std::move(origin);
    p.created_at = p.updated_at = m.created_at;
    run_async(t.db().write([&](store::Repos& r) {
      r.chat().append(m);
      r.proposals().insert(p);
    }));
    return p.id;
  }
  std::string move_maths_to(const char* debut, const char* fin) {
    return propose(kLea, "update_session",
                   R"({"planningId":")" + kPlanning + R"(","sessionId":")" + kMaths + R"(","debut":")" + debut +
                       R"(","fin":")" + fin + R"(","notes":"Déplacée"})");
  }

  std::string status_of(const std::string& id) {
    return run_async(t.db().read([&](store::Repos& r) { return r.proposals().find(kLea, id); })).value().status;
  }
  store::PlanningRecord planning() {
    return run_async(t.db().read([&](store::Repos& r) { return r.plannings().find(kLea, kPlanning); })).value();
  }
  std::vector<store::PlanningRecord> all_plannings() {
    return run_async(t.db().read([&](store::Repos& r) { return r.plannings().list_all(kLea); }));
  }

  TempDatabase t;
  ProposalService proposals{t.db()};
  store::UserRecord lea = user(kLea, "lea@example.com");
  store::UserRecord bob = user(kBob, "bob@example.com");
};

TEST_F(ProposalServiceTest, ApplyingAnUpdateChangesTheSessionAndMarksTheProposalApplied) {
  std::string id = move_maths_to("2026-03-11T14:00:00+01:00", "2026-03-11T15:00:00+01:00");
  AppliedProposal done = run_async(proposals.apply(lea, id));
  EXPECT_EQ(done.proposal.id, id);
  EXPECT_EQ(done.proposal.status, "applied");
  EXPECT_EQ(done.planning.id, kPlanning);
  ASSERT_EQ(done.planning.sessions.size(), 2u);
  // Maths now comes after Physique.
  EXPECT_EQ(done.planning.sessions[0].id, kPhysique);
  EXPECT_EQ(done.planning.sessions[1].id, kMaths);
  EXPECT_EQ(done.planning.sessions[1].debut, at("2026-03-11T14:00:00+01:00"));
  EXPECT_EQ(done.planning.sessions[1].notes, "Déplacée");

  EXPECT_EQ(status_of(id), "applied");
  store::PlanningRecord stored = planning();
  ASSERT_EQ(stored.sessions.size(), 2u);
  EXPECT_EQ(stored.sessions[1].id, kMaths);
  EXPECT_EQ(stored.sessions[1].fin, at("2026-03-11T15:00:00+01:00"));
  EXPECT_EQ(stored.sessions[1].notes, "Déplacée");
}

TEST_F(ProposalServiceTest, ApplyingACreationStoresAPlanningWithTheProposalsOrigin) {
  std::string id =
      propose(kLea, "create_planning",
              R"({"titre":"Semaine suivante","periode":"semaine","dateDebut":"2026-03-16","sessions":[)"
              R"({"matiere":"Chimie","debut":"2026-03-17T09:00:00+01:00","fin":"2026-03-17T10:00:00+01:00"}]})",
              "fallback");
  AppliedProposal done = run_async(proposals.apply(lea, id));
  EXPECT_NE(done.planning.id, kPlanning);
  EXPECT_EQ(done.planning.source, "fallback");
  EXPECT_EQ(done.planning.titre, "Semaine suivante");
  EXPECT_EQ(done.planning.date_debut, at("2026-03-16T00:00:00+01:00"));  // midnight in Léa's zone
  EXPECT_EQ(done.planning.date_fin, at("2026-03-23T00:00:00+01:00"));
  ASSERT_EQ(done.planning.sessions.size(), 1u);
  EXPECT_EQ(done.planning.sessions[0].matiere, "Chimie");

  auto all = all_plannings();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, done.planning.id);  // newest first
  EXPECT_EQ(all[0].source, "fallback");
  EXPECT_EQ(status_of(id), "applied");
}

TEST_F(ProposalServiceTest, ApplyingADeletionRemovesTheSession) {
  std::string id =
      propose(kLea, "delete_session", R"({"planningId":")" + kPlanning + R"(","sessionId":")" + kPhysique + R"("})");
  AppliedProposal done = run_async(proposals.apply(lea, id));
  ASSERT_EQ(done.planning.sessions.size(), 1u);
  EXPECT_EQ(done.planning.sessions[0].id, kMaths);
  ASSERT_EQ(planning().sessions.size(), 1u);
  EXPECT_EQ(planning().sessions[0].id, kMaths);
  EXPECT_EQ(status_of(id), "applied");
}

TEST_F(ProposalServiceTest, ApplyingTwiceIsAConflict) {
  std::string id = move_maths_to("2026-03-11T14:00:00+01:00", "2026-03-11T15:00:00+01:00");
  run_async(proposals.apply(lea, id));
  store::PlanningRecord after_first = planning();
  auto e = error_of<DomainError>(proposals.apply(lea, id));
  EXPECT_EQ(e.kind(), ErrorKind::conflict);
  EXPECT_EQ(e.code(), "proposal_not_pending");
  EXPECT_EQ(e.message(), "Cette proposition a déjà été appliquée.");
  EXPECT_EQ(planning().updated_at, after_first.updated_at);
  EXPECT_EQ(error_of<DomainError>(proposals.dismiss(kLea, id)).code(), "proposal_not_pending");
  EXPECT_EQ(status_of(id), "applied");
}

TEST_F(ProposalServiceTest, DismissingLeavesThePlanningAloneAndEndsTheProposal) {
  std::string id = move_maths_to("2026-03-11T14:00:00+01:00", "2026-03-11T15:00:00+01:00");
  store::ProposalRecord dismissed = run_async(proposals.dismiss(kLea, id));
  EXPECT_EQ(dismissed.id, id);
  EXPECT_EQ(dismissed.status, "dismissed");
  EXPECT_EQ(status_of(id), "dismissed");
  EXPECT_EQ(planning().sessions[0].id, kMaths);
  EXPECT_EQ(planning().sessions[0].debut, at("2026-03-10T09:00:00+01:00"));

  auto apply = error_of<DomainError>(proposals.apply(lea, id));
  EXPECT_EQ(apply.code(), "proposal_not_pending");
  EXPECT_EQ(apply.message(), "Cette proposition a déjà été écartée.");
  EXPECT_EQ(error_of<DomainError>(proposals.dismiss(kLea, id)).code(), "proposal_not_pending");
  EXPECT_EQ(planning().sessions[0].debut, at("2026-03-10T09:00:00+01:00"));
}

TEST_F(ProposalServiceTest, AnotherUsersProposalIsNotFound) {
  std::string id = move_maths_to("2026-03-11T14:00:00+01:00", "2026-03-11T15:00:00+01:00");
  auto apply = error_of<DomainError>(proposals.apply(bob, id));
  EXPECT_EQ(apply.kind(), ErrorKind::not_found);
  EXPECT_EQ(apply.code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(proposals.dismiss(kBob, id)).code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(proposals.apply(lea, "not-an-id")).code(), "not_found");
  EXPECT_EQ(error_of<DomainError>(proposals.dismiss(kLea, ids::generate())).code(), "not_found");
  EXPECT_EQ(status_of(id), "pending");
  EXPECT_EQ(planning().sessions[0].debut, at("2026-03-10T09:00:00+01:00"));
}

TEST_F(ProposalServiceTest, AChangeThatNowBreaksARuleLeavesTheProposalPendingAndThePlanningAsItWas) {
  // Proposed when 10:30 was free; Physique is there now.
  std::string id = move_maths_to("2026-03-10T10:30:00+01:00", "2026-03-10T11:30:00+01:00");
  auto e = error_of<RuleBroken>(proposals.apply(lea, id));
  EXPECT_EQ(e.kind(), ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "sessions_overlap");
  EXPECT_EQ(status_of(id), "pending");
  store::PlanningRecord stored = planning();
  ASSERT_EQ(stored.sessions.size(), 2u);
  EXPECT_EQ(stored.sessions[0].id, kMaths);
  EXPECT_EQ(stored.sessions[0].debut, at("2026-03-10T09:00:00+01:00"));
  EXPECT_EQ(stored.sessions[0].notes, std::nullopt);
  EXPECT_EQ(stored.updated_at, at("2026-03-01T12:00:00Z"));

  // Outside the planning's week.
  std::string outside = move_maths_to("2026-03-16T09:00:00+01:00", "2026-03-16T10:00:00+01:00");
  EXPECT_EQ(error_of<RuleBroken>(proposals.apply(lea, outside)).code(), "session_outside_period");
  EXPECT_EQ(status_of(outside), "pending");

  // Once the way is clear, the first one applies.
  std::string drop =
      propose(kLea, "delete_session", R"({"planningId":")" + kPlanning + R"(","sessionId":")" + kPhysique + R"("})");
  run_async(proposals.apply(lea, drop));
  AppliedProposal done = run_async(proposals.apply(lea, id));
  EXPECT_EQ(done.planning.sessions[0].debut, at("2026-03-10T10:30:00+01:00"));
}

TEST_F(ProposalServiceTest, ACreationThatBreaksARuleStoresNothing) {
  std::string id =
      propose(kLea, "create_planning",
              R"({"periode":"jour","dateDebut":"2026-03-20","sessions":[)"
              R"({"matiere":"Chimie","debut":"2026-03-20T09:00:00+01:00","fin":"2026-03-20T10:00:00+01:00"},)"
              R"({"matiere":"Maths","debut":"2026-03-20T09:30:00+01:00","fin":"2026-03-20T10:30:00+01:00"}]})");
  EXPECT_EQ(error_of<RuleBroken>(proposals.apply(lea, id)).code(), "sessions_overlap");
  EXPECT_EQ(all_plannings().size(), 1u);
  EXPECT_EQ(status_of(id), "pending");
}

TEST_F(ProposalServiceTest, AChangeToASessionThatIsGoneIsNotFound) {
  std::string first =
      propose(kLea, "delete_session", R"({"planningId":")" + kPlanning + R"(","sessionId":")" + kPhysique + R"("})");
  std::string second =
      propose(kLea, "update_session",
              R"({"planningId":")" + kPlanning + R"(","sessionId":")" + kPhysique + R"(","statut":"termine"})");
  run_async(proposals.apply(lea, first));
  EXPECT_EQ(error_of<DomainError>(proposals.apply(lea, second)).code(), "not_found");
  EXPECT_EQ(status_of(second), "pending");
}

}  // namespace
