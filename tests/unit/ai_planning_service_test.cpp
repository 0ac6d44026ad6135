// AiPlanningService with the AI gateway over a scripted provider and a real database: a usable AI
// plan is stored as "ai"; a provider failure, an answer that is not a plan, a plan of which too
// little survives, or no provider at all give the built-in scheduler's plan, stored as "fallback".
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "observability/metrics.hpp"
#include "services/ai/ai_gateway.hpp"
#include "services/planning/ai_planning_service.hpp"
#include "support/fake_provider.hpp"
#include "support/run_async.hpp"
#include "support/service_test.hpp"
#include "support/temp_database.hpp"

namespace {

using namespace planetude;
using planetude::testing::at;
using planetude::testing::FakeProvider;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;

const std::string kLea = "65a1b2c3d4e5f60718293f01";

// A week of March 2026 in Paris: wholly past, so the scheduler plans it whole whatever the time
// now, and its plan is the same on every run.
models::AiPlanningInput week_input() {
  models::AiPlanningInput in;
  in.periode = datetime::Period::semaine;
  in.date_debut = at("2026-03-09T00:00:00+01:00");
  in.matieres = {"Maths", "Physique"};
  in.minutes_par_jour = 120;
  return in;
}

const char* kValidPlan = R"({"titre":"Semaine de révisions","sessions":[
  {"matiere":"maths","debut":"2026-03-09T09:00:00+01:00","fin":"2026-03-09T10:00:00+01:00","notes":"Dérivées"},
  {"matiere":"Physique","debut":"2026-03-10T14:00:00+01:00","fin":"2026-03-10T15:00:00+01:00"}]})";

class AiPlanningServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lea.id = kLea;
    lea.email = "lea@example.com";
    lea.password_hash = "x";
    lea.name = "Léa";
    lea.matieres = {"Maths", "Physique"};
    lea.timezone = "Europe/Paris";
    run_async(t.db().write([&](store::Repos& r) { r.users().insert(lea); }));
  }

  // What the built-in scheduler plans for week_input() when Léa has nothing else planned.
  std::vector<scheduler::Session> scheduler_plan() {
    return scheduler::schedule(scheduler_request(week_input(), lea, {}, clock::now_ms()));
  }

  std::vector<store::PlanningRecord> stored() {
    return run_async(t.db().read([&](store::Repos& r) { return r.plannings().list_all(kLea); }));
  }

  // The planning is the scheduler's, stored as the fallback.
  void expect_fallback(const store::PlanningRecord& p) {
    auto expected = scheduler_plan();
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(p.source, "fallback");
    EXPECT_EQ(p.titre, std::nullopt);
    EXPECT_EQ(p.date_debut, at("2026-03-09T00:00:00+01:00"));
    EXPECT_EQ(p.date_fin, at("2026-03-16T00:00:00+01:00"));
    ASSERT_EQ(p.sessions.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ(p.sessions[i].matiere, expected[i].matiere) << i;
      EXPECT_EQ(p.sessions[i].debut, expected[i].debut) << i;
      EXPECT_EQ(p.sessions[i].fin, expected[i].fin) << i;
      EXPECT_EQ(p.sessions[i].notes.value_or(""), expected[i].notes) << i;
    }
    auto all = stored();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].id, p.id);
    EXPECT_EQ(all[0].source, "fallback");
    EXPECT_EQ(all[0].sessions.size(), expected.size());
  }

  TempDatabase t;
  metrics::Registry metrics;
  FakeProvider provider;
  AiGateway ai{metrics, &provider, AiSettings{}};
  AiPlanningService service{t.db(), ai};
  store::UserRecord lea;
};

TEST_F(AiPlanningServiceTest, AUsableAiPlanIsStoredAsAi) {
  provider.then_reply(kValidPlan);
  store::PlanningRecord p = run_async(service.create(lea, week_input()));
  EXPECT_EQ(p.source, "ai");
  EXPECT_EQ(p.user_id, kLea);
  EXPECT_EQ(p.titre, "Semaine de révisions");
  EXPECT_EQ(p.periode, "semaine");
  EXPECT_EQ(p.date_fin, at("2026-03-16T00:00:00+01:00"));
  ASSERT_EQ(p.sessions.size(), 2u);
  EXPECT_EQ(p.sessions[0].matiere, "Maths");  // the subject as the student wrote it
  EXPECT_EQ(p.sessions[0].debut, at("2026-03-09T09:00:00+01:00"));
  EXPECT_EQ(p.sessions[0].fin, at("2026-03-09T10:00:00+01:00"));
  EXPECT_EQ(p.sessions[0].notes, "Dérivées");
  EXPECT_EQ(p.sessions[0].statut, "planifie");
  EXPECT_EQ(p.sessions[1].matiere, "Physique");
  EXPECT_EQ(p.sessions[1].notes, std::nullopt);

  auto all = stored();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].id, p.id);
  EXPECT_EQ(all[0].source, "ai");
  ASSERT_EQ(all[0].sessions.size(), 2u);
  EXPECT_EQ(all[0].sessions[1].debut, at("2026-03-10T14:00:00+01:00"));

  // One call, asking for structured output.
  ASSERT_EQ(provider.prompts.size(), 1u);
  EXPECT_TRUE(provider.prompts[0].response_schema.has_value());
  EXPECT_NE(provider.prompts[0].system.find("Europe/Paris"), std::string::npos);
}

TEST_F(AiPlanningServiceTest, TheStudentsTitleWinsOverTheAis) {
  provider.then_reply(kValidPlan);
  auto in = week_input();
  in.titre = "Bac blanc";
  store::PlanningRecord p = run_async(service.create(lea, in));
  EXPECT_EQ(p.source, "ai");
  EXPECT_EQ(p.titre, "Bac blanc");
}

TEST_F(AiPlanningServiceTest, AiSessionsOverExistingOnesAreDropped) {
  // Léa already studies Maths on Monday 09:00–10:00.
  store::PlanningRecord existing;
  existing.id = "65a1b2c3d4e5f60718293f10";
  existing.user_id = kLea;
  existing.periode = "jour";
  existing.date_debut = at("2026-03-09T00:00:00+01:00");
  existing.date_fin = at("2026-03-10T00:00:00+01:00");
  existing.sessions.push_back({"65a1b2c3d4e5f60718293f11", "Maths", at("2026-03-09T09:00:00+01:00"),
                               at("2026-03-09T10:00:00+01:00"), "planifie", std::nullopt});
  run_async(t.db().write([&](store::Repos& r) { r.plannings().insert(existing); }));

  provider.then_reply(R"({"sessions":[
    {"matiere":"Maths","debut":"2026-03-09T09:30:00+01:00","fin":"2026-03-09T10:30:00+01:00"},
    {"matiere":"Maths","debut":"2026-03-09T10:30:00+01:00","fin":"2026-03-09T11:30:00+01:00"},
    {"matiere":"Physique","debut":"2026-03-11T14:00:00+01:00","fin":"2026-03-11T15:00:00+01:00"}]})");
  store::PlanningRecord p = run_async(service.create(lea, week_input()));
  EXPECT_EQ(p.source, "ai");  // two of three survive: enough to keep
  ASSERT_EQ(p.sessions.size(), 2u);
  EXPECT_EQ(p.sessions[0].debut, at("2026-03-09T10:30:00+01:00"));
  EXPECT_EQ(p.sessions[1].debut, at("2026-03-11T14:00:00+01:00"));
  // The prompt told the provider about the existing session.
  ASSERT_EQ(provider.prompts.size(), 1u);
  EXPECT_NE(provider.prompts[0].system.find("2026-03-09T09:00:00+01:00 → 2026-03-09T10:00:00+01:00"),
            std::string::npos);
  EXPECT_EQ(stored().size(), 2u);
}

TEST_F(AiPlanningServiceTest, AProviderFailureGivesTheSchedulersPlan) {
  provider.then_fail(llm::FailureKind::network);
  store::PlanningRecord p = run_async(service.create(lea, week_input()));
  expect_fallback(p);
  EXPECT_EQ(provider.prompts.size(), 1u);  // a network failure is not retried
}

TEST_F(AiPlanningServiceTest, AnAnswerThatIsNotAPlanGivesTheSchedulersPlan) {
  provider.then_reply("Désolé, je ne peux pas faire de planning aujourd'hui.");
  expect_fallback(run_async(service.create(lea, week_input())));
}

TEST_F(AiPlanningServiceTest, APlanOfWhichTooLittleSurvivesGivesTheSchedulersPlan) {
  // One session of three is usable (the others are of a subject Léa did not ask for).
  provider.then_reply(R"({"titre":"Ignoré","sessions":[
    {"matiere":"Maths","debut":"2026-03-09T09:00:00+01:00","fin":"2026-03-09T10:00:00+01:00"},
    {"matiere":"Histoire","debut":"2026-03-10T09:00:00+01:00","fin":"2026-03-10T10:00:00+01:00"},
    {"matiere":"Histoire","debut":"2026-03-11T09:00:00+01:00","fin":"2026-03-11T10:00:00+01:00"}]})");
  expect_fallback(run_async(service.create(lea, week_input())));
}

TEST_F(AiPlanningServiceTest, NoProviderGivesTheSchedulersPlan) {
  AiGateway none(metrics, nullptr, AiSettings{});
  AiPlanningService without_ai(t.db(), none);
  expect_fallback(run_async(without_ai.create(lea, week_input())));
  EXPECT_TRUE(provider.prompts.empty());
}

}  // namespace
