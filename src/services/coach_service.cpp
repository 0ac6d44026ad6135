#include "services/coach_service.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "llm/fallback_coach.hpp"
#include "observability/log.hpp"
#include "services/coach_context.hpp"
#include "services/coach_prompt.hpp"

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

}  // namespace

CoachService::CoachService(store::Database& db, WorkerPool& db_pool, metrics::Registry& metrics,
                           llm::LlmProvider* provider, CoachSettings settings)
    : db_(db),
      db_pool_(db_pool),
      metrics_(metrics),
      provider_(provider),
      settings_(settings),
      limiter_(settings.messages_per_minute, 60s) {}

bool CoachService::breaker_allows() {
  std::lock_guard lock(breaker_mu_);
  return std::chrono::steady_clock::now() >= open_until_;
}

void CoachService::record_outcome(const char* outcome, double seconds, const llm::Usage* usage) {
  std::string name = provider_->name();
  metrics_.llm_requests.add({name, outcome});
  metrics_.llm_duration.observe({name}, seconds);
  if (usage) {
    metrics_.llm_tokens.add({name, "prompt"}, static_cast<std::uint64_t>(std::max(0, usage->prompt_tokens)));
    metrics_.llm_tokens.add({name, "output"}, static_cast<std::uint64_t>(std::max(0, usage->output_tokens)));
  }
  std::lock_guard lock(breaker_mu_);
  if (std::string_view(outcome) == "ok" || std::string_view(outcome) == "max_tokens") {
    consecutive_failures_ = 0;
  } else if (std::string_view(outcome) != "cancelled" && std::string_view(outcome) != "blocked" &&
             ++consecutive_failures_ >= settings_.breaker_failures) {
    open_until_ = std::chrono::steady_clock::now() + settings_.breaker_open;
    consecutive_failures_ = 0;
    log::warn("llm_circuit_open", {{"provider", name}, {"seconds", settings_.breaker_open.count() / 1000}});
  }
}

asio::awaitable<llm::Completion> CoachService::ask_provider(llm::Prompt prompt, ReplySink* sink, std::string& streamed) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + settings_.llm_timeout;
  llm::DeltaFn on_delta;
  if (sink) {
    on_delta = [sink, &streamed](std::string text) -> asio::awaitable<void> {
      return forward_delta(sink, &streamed, std::move(text));
    };
  }
  for (int attempt = 0;; ++attempt) {
    llm::CallOptions options{deadline, settings_.first_byte_timeout, sink ? sink->cancellation() : nullptr};
    std::optional<llm::ProviderFailure> failure;
    try {
      llm::Completion done = co_await provider_->complete(prompt, on_delta, options);
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      record_outcome(done.finish == llm::Finish::max_tokens ? "max_tokens" : "ok", seconds, &done.usage);
      log::info("llm_call", {{"provider", provider_->name()}, {"model", provider_->model()}, {"outcome", "ok"},
                             {"latency_ms", static_cast<std::int64_t>(seconds * 1000)},
                             {"prompt_tokens", done.usage.prompt_tokens}, {"output_tokens", done.usage.output_tokens}});
      co_return done;
    } catch (const llm::ProviderFailure& f) {
      failure = f;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const char* outcome = llm::failure_label(failure->kind());
    log::warn("llm_call", {{"provider", provider_->name()}, {"model", provider_->model()}, {"outcome", outcome},
                           {"latency_ms", static_cast<std::int64_t>(seconds * 1000)}, {"attempt", attempt + 1}});
    // One retry on 429/503, only before any text reached the student, and only when the wait the
    // provider asks for fits in the time left.
    bool retryable = failure->kind() == llm::FailureKind::rate_limited || failure->kind() == llm::FailureKind::unavailable;
    auto wait = std::chrono::seconds(failure->retry_after_seconds().value_or(1));
    if (attempt == 0 && retryable && streamed.empty() && std::chrono::steady_clock::now() + wait + 1s < deadline) {
      metrics_.llm_requests.add({provider_->name(), outcome});
      asio::steady_timer timer(co_await asio::this_coro::executor, wait);
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    record_outcome(outcome, seconds, nullptr);
    throw *failure;
  }
}

RateLimitState CoachService::acquire_rate(const std::string& user_id) { return limiter_.acquire(user_id, clock::now_ms()); }

asio::awaitable<ChatReply> CoachService::chat(store::UserRecord user, models::ChatInput input, ReplySink* sink) {
  std::int64_t now = clock::now_ms();
  CoachContext context = co_await db_pool_.run([this, &user, now] {
    return db_.read_value([&](store::Repos& r) { return build_coach_context(r, user, now); });
  });

  std::string streamed;  // what already reached the student, whatever happens next
  std::string reply;
  std::string source = "fallback";
  std::optional<llm::FailureKind> failure;
  if (provider_ && breaker_allows()) {
    try {
      llm::Completion done = co_await ask_provider(build_coach_prompt(context, input.message, input.context), sink, streamed);
      if (!done.text.empty()) {
        reply = std::move(done.text);
        source = provider_->name();
      } else {
        failure = llm::FailureKind::malformed;  // an empty answer helps nobody
      }
    } catch (const llm::ProviderFailure& f) {
      failure = f.kind();
    }
  }
  if (source == "fallback") {
    std::string text = failure == llm::FailureKind::blocked ? std::string(kSafetyRefusal)
                                                             : llm::fallback_reply(context, input.message);
    if (!streamed.empty()) text = "\n\n" + text;
    if (sink && !(sink->cancellation() && sink->cancellation()->cancelled())) {
      for (auto& piece : split_for_stream(text)) {
        bool listening = co_await sink->delta(std::move(piece));
        if (!listening) break;
      }
    }
    // done.reply is all that was streamed: the provider's part, then the built-in coach's.
    reply = streamed + text;
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
  log::info("coach_reply", {{"user_id", user.id}, {"source", source}, {"streamed", sink != nullptr},
                            {"provider_failure", failure ? llm::failure_label(*failure) : "none"}});
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
