#include "services/coach_service.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "llm/fallback_coach.hpp"
#include "observability/log.hpp"
#include "services/coach_context.hpp"

namespace planetude {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

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

}  // namespace

CoachService::CoachService(store::Database& db, WorkerPool& db_pool, int messages_per_minute)
    : db_(db), db_pool_(db_pool), limiter_(messages_per_minute, 60s) {}

RateLimitState CoachService::acquire_rate(const std::string& user_id) { return limiter_.acquire(user_id, clock::now_ms()); }

asio::awaitable<ChatReply> CoachService::chat(store::UserRecord user, models::ChatInput input, ReplySink* sink) {
  std::int64_t now = clock::now_ms();
  CoachContext context = co_await db_pool_.run([this, &user, now] {
    return db_.read_value([&](store::Repos& r) { return build_coach_context(r, user, now); });
  });

  std::string reply = llm::fallback_reply(context, input.message);
  std::string source = "fallback";
  if (sink) {
    for (auto& piece : split_for_stream(reply)) {
      bool listening = co_await sink->delta(std::move(piece));
      if (!listening) break;
    }
  }

  store::ChatMessageRecord question{ids::generate(), user.id, "user", input.message, std::nullopt, 0, 0};
  store::ChatMessageRecord answer{ids::generate(), user.id, "coach", reply, source, 0, 0};
  co_await db_pool_.run([this, &question, &answer] {
    db_.write([&](store::Repos& r) {
      // Stamped under the write lock, so the history's order and its times agree even when one
      // student's exchanges overlap.
      auto last = r.chat().newest(question.user_id, std::nullopt, 1);
      question.created_at = std::max(clock::now_ms(), last.empty() ? 0 : last.front().created_at + 1);
      answer.created_at = question.created_at + 1;
      r.chat().append(question);
      r.chat().append(answer);
    });
    return true;
  });
  log::info("coach_reply", {{"user_id", user.id}, {"source", source}, {"streamed", sink != nullptr}});
  co_return ChatReply{std::move(answer)};
}

asio::awaitable<json::object> CoachService::history(std::string user_id, std::size_t limit,
                                                   std::optional<std::string> before) {
  auto page = co_await db_pool_.run([this, &user_id, limit, &before] {
    return db_.read_value([&](store::Repos& r) {
      std::optional<std::int64_t> before_seq;
      if (before) {
        auto anchor = ids::is_valid(*before) ? r.chat().find(user_id, *before) : std::nullopt;
        if (!anchor) throw errors::validation({{"before", "doit être l'identifiant d'un de vos messages"}});
        before_seq = anchor->seq;
      }
      return r.chat().newest(user_id, before_seq, limit + 1);
    });
  });
  bool more = page.size() > limit;
  if (more) page.resize(limit);
  json::array messages;
  for (auto it = page.rbegin(); it != page.rend(); ++it) messages.push_back(models::to_json(*it));
  json::value next = more ? json::value(page.back().id) : json::value(nullptr);
  co_return json::object{{"messages", std::move(messages)}, {"nextCursor", std::move(next)}};
}

asio::awaitable<void> CoachService::clear(std::string user_id) {
  co_await db_pool_.run([this, &user_id] {
    db_.write([&](store::Repos& r) { r.chat().clear(user_id); });
    return true;
  });
}

}  // namespace planetude
