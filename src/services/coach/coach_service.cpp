#include "services/coach/coach_service.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "observability/log.hpp"
#include "services/coach/coach_context.hpp"
#include "services/coach/coach_intents.hpp"
#include "services/coach/coach_prompt.hpp"
#include "services/coach/fallback_coach.hpp"
#include "services/coach/proposal_drafts.hpp"

namespace planetude {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> forward_delta(ReplySink* sink, std::string* streamed, std::string text) {
  *streamed += text;
  bool listening = co_await sink->delta(std::move(text));
  if (!listening) {
    if (Cancellation* c = sink->cancellation()) c->cancel();
  }
}

// A kind refusal when the provider's safety filters blocked the exchange.
constexpr const char* kSafetyRefusal =
    "🛡️ Je préfère ne pas répondre à ça. Parlons plutôt de tes études : je peux te dire ta prochaine "
    "session, "
    "faire le bilan de ta semaine ou t'aider à rattraper une session. 💪";

// The built-in coach's text, cut into a few pieces so a streaming client sees it arrive.
std::vector<std::string> split_for_stream(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool sentence_end =
        (text[i] == '.' || text[i] == '!' || text[i] == '?') && i + 1 < text.size() && text[i + 1] == ' ';
    if (sentence_end) {
      pieces.push_back(text.substr(start, i + 2 - start));
      start = i + 2;
    }
  }
  if (start < text.size()) pieces.push_back(text.substr(start));
  return pieces;
}

// What the student reads above the proposals when the reply is about them.
std::string proposals_text(const std::vector<store::ProposalRecord>& proposals) {
  std::string text = proposals.size() == 1 ? "🧩 Voici ce que je te propose :" : "🧩 Voici mes propositions :";
  for (const auto& p : proposals) text += "\n• " + p.summary;
  text += "\nApplique la proposition pour valider, ou écarte-la si elle ne te convient pas. 👾";
  return text;
}

// When the built-in coach understood a change but could not prepare it.
constexpr const char* kChangeRefused =
    "😕 Je n'ai pas pu préparer ce changement : le nouveau créneau sortirait de la période du planning ou en "
    "chevaucherait une autre session. Essaie un autre moment !";

}  // namespace

CoachService::CoachService(store::AsyncDatabase& db, AiGateway& ai, CoachSettings settings)
    : db_(db), ai_(ai), settings_(settings), limiter_("chat", settings.messages_per_minute, 60s) {}

asio::awaitable<RateLimitState> CoachService::acquire_rate(std::string user_id) {
  RateLimitState limit =
      co_await db_.write([&](store::Repos& r) { return limiter_.acquire(r.rate_limits(), user_id, clock::now_ms()); });
  if (!limit.allowed) {
    std::int64_t wait = std::max<std::int64_t>(1, limit.reset_seconds);
    throw RateLimited("Tu as envoyé beaucoup de messages : réessaie dans " + std::to_string(wait) + " secondes.",
                      {limit.limit, wait});
  }
  co_return limit;
}

BuiltinMove builtin_move(std::optional<llm::FailureKind> failure, const std::optional<ChangeIntent>& intent) {
  if (failure == llm::FailureKind::blocked) return BuiltinMove::safety_refusal;
  if (intent && intent->call) return BuiltinMove::propose_change;
  if (intent) return BuiltinMove::explain;
  return BuiltinMove::answer;
}

struct CoachService::Exchange {
  store::UserRecord user;
  models::ChatInput input;
  ReplySink* sink = nullptr;  // null for a unary reply
  CoachContext context;
  std::optional<ChangeIntent> intent;  // read from the same snapshot as the context

  std::string streamed;  // what the provider streamed to the student, whatever happens next
  std::optional<llm::FailureKind> failure;
  std::optional<llm::Completion> completion;
  std::vector<store::ProposalRecord> proposals;
  std::string source = "fallback";  // or the provider's name once its reply is used
  std::string reply;                // the provider's text (before deliver), then the whole reply
  std::string added;                // what the server itself adds, streamed by deliver
  store::ChatMessageRecord answer;  // the coach's message, as stored

  bool listener_gone() const { return sink && sink->cancellation() && sink->cancellation()->cancelled(); }
};

asio::awaitable<ChatReply> CoachService::chat(store::UserRecord user, models::ChatInput input, ReplySink* sink) {
  Exchange x;
  x.user = std::move(user);
  x.input = std::move(input);
  x.sink = sink;
  std::int64_t now = clock::now_ms();
  std::tie(x.context, x.intent) = co_await db_.read([&](store::Repos& r) {
    return std::make_pair(build_coach_context(r, x.user, now), change_intent(x.input.message, x.user, r, now));
  });
  Stage stage = Stage::ask_provider;
  while (stage != Stage::done) {
    switch (stage) {
      case Stage::ask_provider: stage = co_await ask_provider(x); break;
      case Stage::draft_provider_proposals: stage = co_await draft_provider_proposals(x); break;
      case Stage::builtin_reply: stage = co_await builtin_reply(x); break;
      case Stage::deliver: stage = co_await deliver(x); break;
      case Stage::store: stage = co_await store(x); break;
      case Stage::done: break;
    }
  }
  log::info("coach_reply", {{"user_id", x.user.id},
                            {"source", x.source},
                            {"streamed", sink != nullptr},
                            {"proposals", static_cast<std::uint64_t>(x.proposals.size())},
                            {"provider_failure", x.failure ? llm::failure_label(*x.failure) : "none"}});
  co_return ChatReply{std::move(x.answer), std::move(x.proposals)};
}

asio::awaitable<CoachService::Stage> CoachService::ask_provider(Exchange& x) {
  if (!ai_.available()) co_return Stage::builtin_reply;
  llm::Prompt prompt = build_coach_prompt(x.context, x.input.message, x.input.context);
  prompt.tools = proposal_tools();
  llm::DeltaFn on_delta;
  if (x.sink) {
    on_delta = [&x](std::string text) -> asio::awaitable<void> {
      return forward_delta(x.sink, &x.streamed, std::move(text));
    };
  }
  try {
    llm::Completion done =
        co_await ai_.ask(std::move(prompt), on_delta, x.sink ? x.sink->cancellation() : nullptr, "chat");
    if (done.text.empty() && done.calls.empty()) {
      x.failure = llm::FailureKind::malformed;  // an empty answer helps nobody
      co_return Stage::builtin_reply;
    }
    x.completion = std::move(done);
    co_return Stage::draft_provider_proposals;
  } catch (const llm::ProviderFailure& f) {
    x.failure = f.kind();
  }
  co_return Stage::builtin_reply;
}

asio::awaitable<CoachService::Stage> CoachService::draft_provider_proposals(Exchange& x) {
  x.proposals = co_await draft(x.user, std::move(x.completion->calls), std::string("ai"));
  if (x.completion->text.empty() && x.proposals.empty()) {
    x.failure = llm::FailureKind::malformed;  // only calls, none of which could be applied
    co_return Stage::builtin_reply;
  }
  x.source = ai_.provider_name();
  x.reply = std::move(x.completion->text);
  if (x.reply.empty()) x.added = proposals_text(x.proposals);  // only calls: say what they propose
  co_return Stage::deliver;
}

asio::awaitable<CoachService::Stage> CoachService::builtin_reply(Exchange& x) {
  switch (builtin_move(x.failure, x.intent)) {
    case BuiltinMove::safety_refusal: x.added = kSafetyRefusal; break;
    case BuiltinMove::propose_change: {
      std::vector<llm::ToolCall> calls{*x.intent->call};
      x.proposals = co_await draft(x.user, std::move(calls), "fallback");
      x.added = x.proposals.empty() ? kChangeRefused : proposals_text(x.proposals);
      break;
    }
    case BuiltinMove::explain: x.added = x.intent->explanation; break;
    case BuiltinMove::answer: x.added = fallback_reply(x.context, x.input.message); break;
  }
  if (!x.streamed.empty()) x.added = "\n\n" + x.added;
  co_return Stage::deliver;
}

asio::awaitable<CoachService::Stage> CoachService::deliver(Exchange& x) {
  if (x.added.empty()) co_return Stage::store;
  if (x.sink && !x.listener_gone()) {
    for (auto& piece : split_for_stream(x.added)) {
      bool listening = co_await x.sink->delta(std::move(piece));
      if (!listening) break;
    }
  }
  // The reply is everything streamed: the provider's part, then the server's.
  x.reply = (x.source == "fallback" ? x.streamed : x.reply) + x.added;
  co_return Stage::store;
}

asio::awaitable<CoachService::Stage> CoachService::store(Exchange& x) {
  store::ChatMessageRecord question{ids::generate(), x.user.id, "user", x.input.message, std::nullopt, 0, 0};
  // A provider may send U+0000 (valid JSON, "\u0000"); it is no text a student reads, and
  // PostgreSQL's text cannot hold it.
  std::erase(x.reply, '\0');
  store::ChatMessageRecord answer{ids::generate(), x.user.id, "coach", x.reply, x.source, 0, 0};
  co_await db_.write([&](store::Repos& r) {
    // Stamped under the write lock, so the history's order and its times agree even when one
    // student's exchanges overlap.
    auto last = r.chat().newest(question.user_id, std::nullopt, 1);
    question.created_at = std::max(clock::now_ms(), last.empty() ? 0 : last.front().created_at + 1);
    answer.created_at = question.created_at + 1;
    r.chat().append(question);
    r.chat().append(answer);
    for (auto& p : x.proposals) {
      p.message_id = answer.id;
      r.proposals().insert(p);
    }
  });
  x.answer = std::move(answer);
  co_return Stage::done;
}

asio::awaitable<std::vector<store::ProposalRecord>> CoachService::draft(const store::UserRecord& user,
                                                                        std::vector<llm::ToolCall> calls,
                                                                        std::string origin) {
  if (calls.empty()) co_return std::vector<store::ProposalRecord>{};
  co_return co_await db_.read(
      [&](store::Repos& r) { return draft_proposals(r, user, calls, origin, clock::now_ms()); });
}

asio::awaitable<ChatPage> CoachService::history(std::string user_id, std::size_t limit,
                                                std::optional<std::string> before) {
  co_return co_await db_.read([&](store::Repos& r) {
    std::optional<std::int64_t> before_seq;
    if (before) {
      auto anchor = ids::is_valid(*before) ? r.chat().find(user_id, *before) : std::nullopt;
      if (!anchor) throw errors::validation({{"before", "doit être l'identifiant d'un de vos messages"}});
      before_seq = anchor->seq;
    }
    auto page = r.chat().newest(user_id, before_seq, limit + 1);
    bool more = page.size() > limit;
    if (more) page.resize(limit);
    ChatPage out;
    if (more) out.next_cursor = page.back().id;
    out.messages.assign(std::make_move_iterator(page.rbegin()), std::make_move_iterator(page.rend()));
    // Read in the same transaction as the messages, so a card always goes with its message.
    std::vector<std::string> coach_ids;
    for (const auto& m : out.messages)
      if (m.role == "coach") coach_ids.push_back(m.id);
    out.proposals = r.proposals().of_messages(user_id, coach_ids);
    return out;
  });
}

asio::awaitable<void> CoachService::clear(std::string user_id) {
  co_await db_.write([&](store::Repos& r) { r.chat().clear(user_id); });
}

}  // namespace planetude
