// PixelCoach conversations: builds the student's context, gets a reply (today from the built-in
// coach; the AI providers plug in here), stores both messages, and serves the history.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "core/cancellation.hpp"
#include "core/worker_pool.hpp"
#include "llm/provider.hpp"
#include "models/chat.hpp"
#include "observability/metrics.hpp"
#include "services/rate_limiter.hpp"
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
  std::chrono::milliseconds llm_timeout{20000};
  std::chrono::milliseconds first_byte_timeout{10000};
  int breaker_failures = 5;                       // consecutive failures that open the breaker
  std::chrono::milliseconds breaker_open{30000};  // how long a failing provider is left alone
};

struct ChatReply {
  store::ChatMessageRecord message;  // the coach's message, as stored
};

class CoachService {
 public:
  // `provider` may be null: the built-in coach then answers every message.
  CoachService(store::Database& db, WorkerPool& db_pool, metrics::Registry& metrics, llm::LlmProvider* provider,
               CoachSettings settings);

  // Counts one accepted message against the user's limit (API.md: refused ones do not count).
  RateLimitState acquire_rate(const std::string& user_id);
  boost::asio::awaitable<ChatReply> chat(store::UserRecord user, models::ChatInput input, ReplySink* sink);
  // {messages (oldest first), nextCursor}; `before` must be one of the user's message ids.
  boost::asio::awaitable<boost::json::object> history(std::string user_id, std::size_t limit,
                                                      std::optional<std::string> before);
  boost::asio::awaitable<void> clear(std::string user_id);

 private:
  // Asks the provider (one retry on 429/503 when the wait fits); throws ProviderFailure.
  boost::asio::awaitable<llm::Completion> ask_provider(llm::Prompt prompt, ReplySink* sink, std::string& streamed);
  bool breaker_allows();
  void record_outcome(const char* outcome, double seconds, const llm::Usage* usage);

  store::Database& db_;
  WorkerPool& db_pool_;
  metrics::Registry& metrics_;
  llm::LlmProvider* provider_;
  CoachSettings settings_;
  SlidingWindowLimiter limiter_;
  std::mutex breaker_mu_;
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point open_until_{};
};

}  // namespace planetude
