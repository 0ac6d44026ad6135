// PixelCoach conversations: builds the student's context, gets a reply from the AI provider (or the
// built-in coach when it is absent or fails), turns the changes it suggests into proposals, stores
// the exchange with its proposals, and serves the history.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "core/cancellation.hpp"
#include "llm/provider.hpp"
#include "models/chat.hpp"
#include "services/accounts/rate_limiter.hpp"
#include "services/ai/ai_gateway.hpp"
#include "services/coach/coach_context.hpp"
#include "services/coach/coach_intents.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

// Receives the reply's text as it is produced; returns false when nobody listens any more.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual boost::asio::awaitable<bool> delta(std::string text) = 0;
  // Cancelled when the listener goes away, so the provider call stops too.
  virtual Cancellation* cancellation() { return nullptr; }
};

struct CoachSettings {
  int messages_per_minute = 20;
};

// One page of the conversation, oldest first; `next_cursor` is the id to pass as `before` for older ones.
struct ChatPage {
  std::vector<store::ChatMessageRecord> messages;
  std::optional<std::string> next_cursor;
  std::vector<store::ProposalRecord> proposals;  // those the page's coach messages made, oldest first
};

// What the built-in coach does when it answers: the provider's failure and the change the message
// asks for decide it.
enum class BuiltinMove {
  safety_refusal,  // the provider's safety filters blocked the exchange: a kind refusal
  propose_change,  // the message asks for a change it can prepare: proposals
  explain,         // a change was understood but cannot be prepared: say why
  answer,          // anything else: an answer from the student's own data
};
BuiltinMove builtin_move(std::optional<llm::FailureKind> failure, const std::optional<ChangeIntent>& intent);

struct ChatReply {
  store::ChatMessageRecord message;              // the coach's message, as stored
  std::vector<store::ProposalRecord> proposals;  // the changes it suggests, pending
};

class CoachService {
 public:
  // Without an available provider, the built-in coach answers every message.
  CoachService(store::AsyncDatabase& db, AiGateway& ai, CoachSettings settings);

  // Counts one accepted message against the user's limit, shared by every instance on the
  // database; throws RateLimited past it (refused messages do not count).
  boost::asio::awaitable<RateLimitState> acquire_rate(std::string user_id);
  boost::asio::awaitable<ChatReply> chat(store::UserRecord user, models::ChatInput input, ReplySink* sink);
  // `before` must be one of the user's message ids.
  boost::asio::awaitable<ChatPage> history(std::string user_id, std::size_t limit, std::optional<std::string> before);
  boost::asio::awaitable<void> clear(std::string user_id);

 private:
  // One exchange goes through these stages (each returns the next one):
  //
  //   ask_provider ──text or calls──▶ draft_provider_proposals ──usable──▶ deliver ──▶ store ──▶ done
  //        │ no provider, failure,              │ neither text nor a usable call
  //        ▼ empty answer                       ▼
  //   builtin_reply ◀───────────────────────────┘   builtin_reply ──▶ deliver
  //
  // Whatever the provider streamed before failing stays: the built-in coach's words follow it.
  enum class Stage { ask_provider, draft_provider_proposals, builtin_reply, deliver, store, done };
  struct Exchange;

  boost::asio::awaitable<Stage> ask_provider(Exchange& x);
  boost::asio::awaitable<Stage> draft_provider_proposals(Exchange& x);
  boost::asio::awaitable<Stage> builtin_reply(Exchange& x);
  boost::asio::awaitable<Stage> deliver(Exchange& x);
  boost::asio::awaitable<Stage> store(Exchange& x);
  boost::asio::awaitable<std::vector<store::ProposalRecord>> draft(const store::UserRecord& user,
                                                                   std::vector<llm::ToolCall> calls,
                                                                   std::string origin);

  store::AsyncDatabase& db_;
  AiGateway& ai_;
  CoachSettings settings_;
  SlidingWindowLimiter limiter_;
};

}  // namespace planetude
