#include "services/coach/coach_service.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/coach/fallback_coach.hpp"
#include "observability/log.hpp"
#include "services/coach/coach_context.hpp"
#include "services/coach/coach_intents.hpp"
#include "services/coach/coach_prompt.hpp"
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
    "🛡️ Je préfère ne pas répondre à ça. Parlons plutôt de tes études : je peux te dire ta prochaine session, "
    "faire le bilan de ta semaine ou t'aider à rattraper une session. 💪";

// The built-in coach's text, cut into a few pieces so a streaming client sees it arrive.
std::vector<std::string> split_for_stream(const std::string& text) {
  std::vector<std::string> pieces;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool sentence_end = (text[i] == '.' || text[i] == '!' || text[i] == '?') && i + 1 < text.size() && text[i + 1] == ' ';
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
    : db_(db), ai_(ai), settings_(settings), limiter_(settings.messages_per_minute, 60s) {}

RateLimitState CoachService::acquire_rate(const std::string& user_id) {
  RateLimitState limit = limiter_.acquire(user_id, clock::now_ms());
  if (!limit.allowed) {
    std::int64_t wait = std::max<std::int64_t>(1, limit.reset_seconds);
    throw RateLimited("Tu as envoyé beaucoup de messages : réessaie dans " + std::to_string(wait) + " secondes.",
                      {limit.limit, wait});
  }
  return limit;
}

asio::awaitable<std::optional<llm::Completion>> CoachService::ask_ai(const CoachContext& context,
                                                                     const models::ChatInput& input, ReplySink* sink,
                                                                     std::string& streamed,
                                                                     std::optional<llm::FailureKind>& failure) {
  if (!ai_.available()) co_return std::nullopt;
  llm::Prompt prompt = build_coach_prompt(context, input.message, input.context);
  prompt.tools = proposal_tools();
  llm::DeltaFn on_delta;
  if (sink) {
    on_delta = [sink, &streamed](std::string text) -> asio::awaitable<void> {
      return forward_delta(sink, &streamed, std::move(text));
    };
  }
  try {
    llm::Completion done = co_await ai_.ask(std::move(prompt), on_delta, sink ? sink->cancellation() : nullptr, "chat");
    if (!done.text.empty() || !done.calls.empty()) co_return done;
    failure = llm::FailureKind::malformed;  // an empty answer helps nobody
  } catch (const llm::ProviderFailure& f) {
    failure = f.kind();
  }
  co_return std::nullopt;
}

asio::awaitable<std::vector<store::ProposalRecord>> CoachService::draft(store::UserRecord user,
                                                                        std::vector<llm::ToolCall> calls,
                                                                        std::string origin) {
  if (calls.empty()) co_return std::vector<store::ProposalRecord>{};
  co_return co_await db_.read([&](store::Repos& r) { return draft_proposals(r, user, calls, origin, clock::now_ms()); });
}

asio::awaitable<ChatReply> CoachService::chat(store::UserRecord user, models::ChatInput input, ReplySink* sink) {
  std::int64_t now = clock::now_ms();
  // The built-in coach's reading of the message comes from the same snapshot as the context.
  auto read = co_await db_.read([&](store::Repos& r) {
      return std::make_pair(build_coach_context(r, user, now), change_intent(input.message, user, r, now));
    });
  const CoachContext& context = read.first;
  const std::optional<ChangeIntent>& intent = read.second;

  std::string streamed;  // what already reached the student, whatever happens next
  std::optional<llm::FailureKind> failure;
  std::optional<llm::Completion> done = co_await ask_ai(context, input, sink, streamed, failure);

  std::string reply;   // the provider's text, or the built-in coach's
  std::string source = "fallback";
  std::vector<store::ProposalRecord> proposals;
  if (done) {
    proposals = co_await draft(user, std::move(done->calls), std::string("ai"));
    if (!done->text.empty() || !proposals.empty()) {
      reply = std::move(done->text);
      source = ai_.provider_name();
    } else {
      failure = llm::FailureKind::malformed;  // only calls, none of which could be applied
    }
  }
  std::string text;  // what the server itself adds to the reply (streamed below)
  if (source == "fallback") {
    if (failure == llm::FailureKind::blocked) {
      text = kSafetyRefusal;
    } else if (intent && intent->call) {
      std::vector<llm::ToolCall> calls{*intent->call};
      proposals = co_await draft(user, std::move(calls), std::string("fallback"));
      text = proposals.empty() ? kChangeRefused : proposals_text(proposals);
    } else {
      text = intent ? intent->explanation : fallback_reply(context, input.message);
    }
    if (!streamed.empty()) text = "\n\n" + text;
  } else if (reply.empty()) {
    text = proposals_text(proposals);  // the model only called functions: say what they propose
  }
  if (!text.empty()) {
    if (sink && !(sink->cancellation() && sink->cancellation()->cancelled())) {
      for (auto& piece : split_for_stream(text)) {
        bool listening = co_await sink->delta(std::move(piece));
        if (!listening) break;
      }
    }
    // done.reply is all that was streamed: the provider's part, then the server's.
    reply = source == "fallback" ? streamed + text : reply + text;
  }

  store::ChatMessageRecord question{ids::generate(), user.id, "user", input.message, std::nullopt, 0, 0};
  store::ChatMessageRecord answer{ids::generate(), user.id, "coach", reply, source, 0, 0};
  co_await db_.write([&](store::Repos& r) {
      // Stamped under the write lock, so the history's order and its times agree even when one
      // student's exchanges overlap.
      auto last = r.chat().newest(question.user_id, std::nullopt, 1);
      question.created_at = std::max(clock::now_ms(), last.empty() ? 0 : last.front().created_at + 1);
      answer.created_at = question.created_at + 1;
      r.chat().append(question);
      r.chat().append(answer);
      for (auto& p : proposals) {
        p.message_id = answer.id;
        r.proposals().insert(p);
      }
    });
  log::info("coach_reply", {{"user_id", user.id}, {"source", source}, {"streamed", sink != nullptr},
                            {"proposals", static_cast<std::uint64_t>(proposals.size())},
                            {"provider_failure", failure ? llm::failure_label(*failure) : "none"}});
  co_return ChatReply{std::move(answer), std::move(proposals)};
}

asio::awaitable<ChatPage> CoachService::history(std::string user_id, std::size_t limit,
                                               std::optional<std::string> before) {
  auto page = co_await db_.read([&](store::Repos& r) {
      std::optional<std::int64_t> before_seq;
      if (before) {
        auto anchor = ids::is_valid(*before) ? r.chat().find(user_id, *before) : std::nullopt;
        if (!anchor) throw errors::validation({{"before", "doit être l'identifiant d'un de vos messages"}});
        before_seq = anchor->seq;
      }
      return r.chat().newest(user_id, before_seq, limit + 1);
    });
  bool more = page.size() > limit;
  if (more) page.resize(limit);
  ChatPage out;
  if (more) out.next_cursor = page.back().id;
  out.messages.assign(std::make_move_iterator(page.rbegin()), std::make_move_iterator(page.rend()));
  co_return out;
}

asio::awaitable<void> CoachService::clear(std::string user_id) {
  co_await db_.write([&](store::Repos& r) { r.chat().clear(user_id); });
}

}  // namespace planetude
