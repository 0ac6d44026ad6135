// PixelCoach conversations: builds the student's context, gets a reply (today from the built-in
// coach; the AI providers plug in here), stores both messages, and serves the history.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "core/worker_pool.hpp"
#include "models/chat.hpp"
#include "services/rate_limiter.hpp"
#include "store/store.hpp"

namespace planetude {

// Receives the reply's text as it is produced; returns false when nobody listens any more.
class ReplySink {
 public:
  virtual ~ReplySink() = default;
  virtual boost::asio::awaitable<bool> delta(std::string text) = 0;
};

struct ChatReply {
  store::ChatMessageRecord message;  // the coach's message, as stored
};

class CoachService {
 public:
  CoachService(store::Database& db, WorkerPool& db_pool, int messages_per_minute);

  // Counts one accepted message against the user's limit (API.md: refused ones do not count).
  RateLimitState acquire_rate(const std::string& user_id);
  boost::asio::awaitable<ChatReply> chat(store::UserRecord user, models::ChatInput input, ReplySink* sink);
  // {messages (oldest first), nextCursor}; `before` must be one of the user's message ids.
  boost::asio::awaitable<boost::json::object> history(std::string user_id, std::size_t limit,
                                                      std::optional<std::string> before);
  boost::asio::awaitable<void> clear(std::string user_id);

 private:
  store::Database& db_;
  WorkerPool& db_pool_;
  SlidingWindowLimiter limiter_;
};

}  // namespace planetude
