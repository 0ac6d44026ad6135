// CoachService: who answers (the provider, or the built-in coach when it is absent, fails, is
// blocked, or gives nothing usable), what reaches a streaming listener, the proposals, and what is
// stored — on a real SQLite file with a scripted provider in memory.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "observability/metrics.hpp"
#include "services/ai/ai_gateway.hpp"
#include "services/coach/coach_service.hpp"
#include "support/fake_provider.hpp"
#include "support/run_async.hpp"
#include "support/temp_database.hpp"

namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace planetude;
using planetude::testing::FakeProvider;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;

constexpr std::int64_t kDay = 24 * 3600 * 1000;

// Collects what a streaming client would receive.
class RecordingSink : public ReplySink {
 public:
  asio::awaitable<bool> delta(std::string text) override {
    pieces.push_back(std::move(text));
    co_return listening;
  }
  Cancellation* cancellation() override { return &cancel; }

  std::string joined() const {
    std::string out;
    for (const auto& p : pieces) out += p;
    return out;
  }

  std::vector<std::string> pieces;
  bool listening = true;
  Cancellation cancel;
};

class CoachServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    user_.id = ids::generate();
    user_.email = "lea@example.com";
    user_.password_hash = "x";
    user_.name = "Léa";
    user_.matieres = {"Maths", "Physique"};
    user_.timezone = "Europe/Paris";
    run_async(temp_.db().write([&](store::Repos& r) { r.users().insert(user_); }));
  }

  // A planning for the next week with one Maths session tomorrow; returns the session's id.
  std::string plan_maths_tomorrow() {
    std::int64_t now = clock::now_ms();
    store::PlanningRecord p;
    p.id = ids::generate();
    p.user_id = user_.id;
    p.periode = "semaine";
    p.date_debut = now - kDay;
    p.date_fin = now + 6 * kDay;
    p.sessions.push_back({ids::generate(), "Maths", now + kDay, now + kDay + 3600 * 1000, "planifie", std::nullopt});
    p.created_at = p.updated_at = now;
    run_async(temp_.db().write([&](store::Repos& r) { r.plannings().insert(p); }));
    planning_id_ = p.id;
    return p.sessions.front().id;
  }

  // A coach over `provider` (none: the built-in coach only).
  CoachService& coach(llm::LlmProvider* provider, int per_minute = 20) {
    gateway_ = std::make_unique<AiGateway>(metrics_, provider, AiSettings{});
    coach_ = std::make_unique<CoachService>(temp_.db(), *gateway_, CoachSettings{per_minute});
    return *coach_;
  }

  ChatReply ask(CoachService& c, std::string message, ReplySink* sink = nullptr) {
    models::ChatInput input;
    input.message = std::move(message);
    return run_async(c.chat(user_, std::move(input), sink));
  }

  std::vector<store::ChatMessageRecord> stored() {
    return run_async(temp_.db().read([&](store::Repos& r) { return r.chat().list_all(user_.id); }));
  }

  std::vector<store::ProposalRecord> stored_proposals() {
    return run_async(temp_.db().read([&](store::Repos& r) { return r.proposals().list_all(user_.id); }));
  }

  TempDatabase temp_;
  metrics::Registry metrics_;
  std::unique_ptr<AiGateway> gateway_;
  std::unique_ptr<CoachService> coach_;
  store::UserRecord user_;
  std::string planning_id_;
};

TEST(CoachBuiltinMove, FollowsTheFailureThenTheIntent) {
  ChangeIntent with_call{llm::ToolCall{"delete_session", json::object{}}, {}};
  ChangeIntent explained{std::nullopt, "Dis-moi quand."};
  EXPECT_EQ(builtin_move(llm::FailureKind::blocked, with_call), BuiltinMove::safety_refusal);
  EXPECT_EQ(builtin_move(llm::FailureKind::network, with_call), BuiltinMove::propose_change);
  EXPECT_EQ(builtin_move(std::nullopt, with_call), BuiltinMove::propose_change);
  EXPECT_EQ(builtin_move(std::nullopt, explained), BuiltinMove::explain);
  EXPECT_EQ(builtin_move(llm::FailureKind::timeout, std::nullopt), BuiltinMove::answer);
  EXPECT_EQ(builtin_move(std::nullopt, std::nullopt), BuiltinMove::answer);
}

TEST_F(CoachServiceTest, WithoutProviderTheBuiltinCoachAnswersAndTheExchangeIsStored) {
  ChatReply reply = ask(coach(nullptr), "Quelle est ma prochaine session ?");
  EXPECT_EQ(reply.message.source, "fallback");
  EXPECT_FALSE(reply.message.content.empty());
  EXPECT_TRUE(reply.proposals.empty());
  auto messages = stored();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].role, "user");
  EXPECT_EQ(messages[0].content, "Quelle est ma prochaine session ?");
  EXPECT_EQ(messages[1].role, "coach");
  EXPECT_EQ(messages[1].id, reply.message.id);
  EXPECT_EQ(messages[1].content, reply.message.content);
  EXPECT_LT(messages[0].created_at, messages[1].created_at);
}

TEST_F(CoachServiceTest, TheProvidersTextIsTheReplyAndItIsOfferedTheProposalTools) {
  FakeProvider provider("gemini");
  provider.then_reply("Courage, Léa !");
  ChatReply reply = ask(coach(&provider), "Motive-moi");
  EXPECT_EQ(reply.message.source, "gemini");
  EXPECT_EQ(reply.message.content, "Courage, Léa !");
  ASSERT_EQ(provider.prompts.size(), 1u);
  EXPECT_FALSE(provider.streamed[0]);
  std::vector<std::string> tools;
  ASSERT_TRUE(provider.prompts[0].tools);
  for (const auto& t : *provider.prompts[0].tools) tools.push_back(t.name);
  EXPECT_EQ(tools, (std::vector<std::string>{"create_planning", "update_session", "delete_session"}));
  EXPECT_EQ(provider.prompts[0].turns.back().text, "Motive-moi");
  EXPECT_EQ(stored().back().source, "gemini");
}

TEST_F(CoachServiceTest, AStreamedReplyReachesTheListenerPieceByPiece) {
  FakeProvider provider("openai");
  provider.then(FakeProvider::Reply{{"Bon", "jour", " !"}, {}, llm::Finish::stop, std::nullopt});
  RecordingSink sink;
  ChatReply reply = ask(coach(&provider), "Salut", &sink);
  EXPECT_EQ(sink.pieces, (std::vector<std::string>{"Bon", "jour", " !"}));
  EXPECT_EQ(reply.message.content, "Bonjour !");
  EXPECT_EQ(reply.message.source, "openai");
  EXPECT_TRUE(provider.streamed[0]);
}

TEST_F(CoachServiceTest, AFailureBeforeAnyTextHandsOverToTheBuiltinCoach) {
  FakeProvider provider;
  provider.then_fail(llm::FailureKind::network);
  RecordingSink sink;
  ChatReply reply = ask(coach(&provider), "Quelle est ma prochaine session ?", &sink);
  EXPECT_EQ(reply.message.source, "fallback");
  EXPECT_FALSE(reply.message.content.empty());
  EXPECT_EQ(sink.joined(), reply.message.content);
  EXPECT_EQ(reply.message.content.rfind("\n\n", 0), std::string::npos);  // nothing came before it
}

TEST_F(CoachServiceTest, AFailureAfterSomeTextKeepsItAndTheBuiltinCoachFollows) {
  FakeProvider provider;
  FakeProvider::Reply cut{
      {"Je regarde ton planning… "}, {}, llm::Finish::stop, llm::ProviderFailure(llm::FailureKind::network, "reset")};
  provider.then(cut);
  RecordingSink sink;
  ChatReply reply = ask(coach(&provider), "Quelle est ma prochaine session ?", &sink);
  EXPECT_EQ(reply.message.source, "fallback");
  ASSERT_GE(sink.pieces.size(), 2u);
  EXPECT_EQ(sink.pieces[0], "Je regarde ton planning… ");
  EXPECT_EQ(reply.message.content.rfind("Je regarde ton planning… \n\n", 0), 0u);
  EXPECT_EQ(sink.joined(), reply.message.content);
  EXPECT_EQ(stored().back().content, reply.message.content);
}

TEST_F(CoachServiceTest, ABlockedExchangeGetsAKindRefusal) {
  FakeProvider provider;
  provider.then_fail(llm::FailureKind::blocked);
  ChatReply reply = ask(coach(&provider), "…");
  EXPECT_EQ(reply.message.source, "fallback");
  EXPECT_NE(reply.message.content.find("Je préfère ne pas répondre"), std::string::npos);
}

TEST_F(CoachServiceTest, AnEmptyAnswerCountsAsAFailure) {
  FakeProvider provider;
  provider.then_reply("");
  ChatReply reply = ask(coach(&provider), "Quelle est ma prochaine session ?");
  EXPECT_EQ(reply.message.source, "fallback");
  EXPECT_FALSE(reply.message.content.empty());
}

TEST_F(CoachServiceTest, CallsWithoutTextBecomeProposalsTheCoachDescribes) {
  std::string session = plan_maths_tomorrow();
  FakeProvider provider;
  provider.then_reply("", {llm::ToolCall{"delete_session", json::object{{"sessionId", session}}}});
  ChatReply reply = ask(coach(&provider), "Enlève les maths");
  EXPECT_EQ(reply.message.source, "gemini");
  ASSERT_EQ(reply.proposals.size(), 1u);
  EXPECT_EQ(reply.proposals[0].type, "delete_session");
  EXPECT_EQ(reply.proposals[0].status, "pending");
  EXPECT_EQ(reply.message.content.rfind("🧩", 0), 0u);
  EXPECT_NE(reply.message.content.find(reply.proposals[0].summary), std::string::npos);
  auto kept = stored_proposals();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].message_id, reply.message.id);
  // Nothing changed yet: the session is still there.
  auto planning =
      run_async(temp_.db().read([&](store::Repos& r) { return r.plannings().find(user_.id, planning_id_); }));
  ASSERT_TRUE(planning.has_value());
  EXPECT_EQ(planning->sessions.size(), 1u);
}

TEST_F(CoachServiceTest, CallsNoneOfWhichApplyHandOverToTheBuiltinCoach) {
  FakeProvider provider;
  provider.then_reply("", {llm::ToolCall{"delete_session", json::object{{"sessionId", ids::generate()}}}});
  ChatReply reply = ask(coach(&provider), "Quelle est ma prochaine session ?");
  EXPECT_EQ(reply.message.source, "fallback");
  EXPECT_TRUE(reply.proposals.empty());
  EXPECT_TRUE(stored_proposals().empty());
}

TEST_F(CoachServiceTest, TheBuiltinCoachProposesTheChangeAMessageAsksFor) {
  plan_maths_tomorrow();
  ChatReply reply = ask(coach(nullptr), "Supprime la session de maths");
  EXPECT_EQ(reply.message.source, "fallback");
  ASSERT_EQ(reply.proposals.size(), 1u);
  EXPECT_EQ(reply.proposals[0].type, "delete_session");
  EXPECT_EQ(reply.proposals[0].origin, "fallback");
  EXPECT_EQ(stored_proposals().size(), 1u);
}

TEST_F(CoachServiceTest, TheBuiltinCoachExplainsAChangeItCannotPrepare) {
  ChatReply reply = ask(coach(nullptr), "Supprime la session de maths");  // there is none
  EXPECT_TRUE(reply.proposals.empty());
  EXPECT_NE(reply.message.content.find("Je n'ai trouvé aucune session de Maths"), std::string::npos);
}

TEST_F(CoachServiceTest, AListenerThatLeftStopsTheStreamButTheReplyIsStored) {
  RecordingSink sink;
  sink.listening = false;
  ChatReply reply = ask(coach(nullptr), "Fais-moi le bilan de la semaine", &sink);
  EXPECT_EQ(sink.pieces.size(), 1u);  // the first piece found nobody listening
  EXPECT_EQ(stored().back().content, reply.message.content);
}

TEST_F(CoachServiceTest, PastTheLimitAMessageIsRefusedWithWhenToComeBack) {
  CoachService& c = coach(nullptr, 2);
  EXPECT_EQ(run_async(c.acquire_rate(user_.id)).remaining, 1);
  EXPECT_EQ(run_async(c.acquire_rate(user_.id)).remaining, 0);
  try {
    run_async(c.acquire_rate(user_.id));
    FAIL() << "the third message in a minute was accepted";
  } catch (const RateLimited& e) {
    EXPECT_EQ(e.kind(), ErrorKind::rate_limited);
    ASSERT_TRUE(e.retry().has_value());
    EXPECT_EQ(e.retry()->limit, 2);
    EXPECT_GE(e.retry()->reset_seconds, 1);
    EXPECT_LE(e.retry()->reset_seconds, 60);
  }
  // Another student is not affected.
  EXPECT_EQ(run_async(c.acquire_rate(ids::generate())).remaining, 1);
}

TEST_F(CoachServiceTest, HistoryPagesGoBackFromTheNewest) {
  CoachService& c = coach(nullptr);
  for (int i = 0; i < 3; ++i) ask(c, "Question " + std::to_string(i));
  ChatPage first = run_async(c.history(user_.id, 4, std::nullopt));
  ASSERT_EQ(first.messages.size(), 4u);
  EXPECT_EQ(first.messages[0].content, "Question 1");  // oldest first within the page
  ASSERT_TRUE(first.next_cursor.has_value());
  ChatPage older = run_async(c.history(user_.id, 4, first.next_cursor));
  ASSERT_EQ(older.messages.size(), 2u);
  EXPECT_EQ(older.messages[0].content, "Question 0");
  EXPECT_FALSE(older.next_cursor.has_value());
  EXPECT_THROW(run_async(c.history(user_.id, 4, ids::generate())), RuleBroken);
  run_async(c.clear(user_.id));
  EXPECT_TRUE(stored().empty());
}

}  // namespace
