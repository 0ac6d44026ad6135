#include "services/ai/ai_gateway.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "observability/log.hpp"

namespace planetude {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Passes a delta on, noting that text reached the listener (after which a retry would repeat it).
asio::awaitable<void> relay(llm::DeltaFn* inner, bool* sent, std::string text) {
  *sent = true;
  co_await (*inner)(std::move(text));
}

double seconds_between(std::chrono::steady_clock::time_point start, std::chrono::steady_clock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

}  // namespace

AiGateway::AiGateway(metrics::Registry& metrics, llm::LlmProvider* provider, AiSettings settings)
    : metrics_(metrics), provider_(provider), settings_(settings) {}

bool AiGateway::available() {
  if (!provider_) return false;
  std::lock_guard lock(breaker_mu_);
  return settings_.now() >= open_until_;
}

const char* AiGateway::provider_name() const { return provider_ ? provider_->name() : "fallback"; }

void AiGateway::record_outcome(const char* outcome, double seconds, const llm::Usage* usage) {
  std::string name = provider_->name();
  metrics_.llm_requests.add({name, outcome});
  metrics_.llm_duration.observe({name}, seconds);
  if (usage) {
    metrics_.llm_tokens.add({name, "prompt"}, static_cast<std::uint64_t>(std::max(0, usage->prompt_tokens)));
    metrics_.llm_tokens.add({name, "output"}, static_cast<std::uint64_t>(std::max(0, usage->output_tokens)));
  }
  std::string_view o(outcome);
  std::lock_guard lock(breaker_mu_);
  if (o == "ok" || o == "max_tokens") {
    consecutive_failures_ = 0;
  } else if (o != "cancelled" && o != "blocked" && ++consecutive_failures_ >= settings_.breaker_failures) {
    open_until_ = settings_.now() + settings_.breaker_open;
    consecutive_failures_ = 0;
    log::warn("llm_circuit_open", {{"provider", name}, {"seconds", settings_.breaker_open.count() / 1000}});
  }
}

asio::awaitable<llm::Completion> AiGateway::ask(llm::Prompt prompt, llm::DeltaFn on_delta, Cancellation* cancel,
                                                std::string purpose) {
  // Callers ask available() first, but another call may open the breaker in between: it is
  // enforced here as well. Without a provider there is nothing to call.
  if (!available())
    throw llm::ProviderFailure(llm::FailureKind::unavailable, provider_ ? "circuit open" : "no AI provider");
  auto start = settings_.now();
  auto deadline = start + settings_.timeout;
  bool sent = false;
  llm::DeltaFn relayed;
  if (on_delta) {
    relayed = [&on_delta, &sent](std::string text) -> asio::awaitable<void> {
      return relay(&on_delta, &sent, std::move(text));
    };
  }
  for (int attempt = 0;; ++attempt) {
    llm::CallOptions options{deadline, settings_.first_byte_timeout, cancel};
    std::optional<llm::ProviderFailure> failure;
    try {
      llm::Completion done = co_await provider_->complete(prompt, relayed, options);
      double seconds = seconds_between(start, settings_.now());
      record_outcome(done.finish == llm::Finish::max_tokens ? "max_tokens" : "ok", seconds, &done.usage);
      log::info("llm_call", {{"provider", provider_->name()},
                             {"model", provider_->model()},
                             {"purpose", purpose},
                             {"outcome", "ok"},
                             {"latency_ms", static_cast<std::int64_t>(seconds * 1000)},
                             {"prompt_tokens", done.usage.prompt_tokens},
                             {"output_tokens", done.usage.output_tokens},
                             {"function_calls", static_cast<std::uint64_t>(done.calls.size())}});
      co_return done;
    } catch (const llm::ProviderFailure& f) {
      failure = f;
    }
    double seconds = seconds_between(start, settings_.now());
    const char* outcome = llm::failure_label(failure->kind());
    log::warn("llm_call", {{"provider", provider_->name()},
                           {"model", provider_->model()},
                           {"purpose", purpose},
                           {"outcome", outcome},
                           {"latency_ms", static_cast<std::int64_t>(seconds * 1000)},
                           {"attempt", attempt + 1}});
    // One retry on 429/503, only before any text reached the student, and only when the wait the
    // provider asks for fits in the time left. A per-day quota is not worth waiting for.
    bool retryable =
        failure->kind() == llm::FailureKind::rate_limited || failure->kind() == llm::FailureKind::unavailable;
    auto wait = std::chrono::seconds(failure->retry_after_seconds().value_or(1));
    if (attempt == 0 && retryable && !sent && settings_.now() + wait + 1s < deadline) {
      metrics_.llm_requests.add({provider_->name(), outcome});
      asio::steady_timer timer(co_await asio::this_coro::executor, wait);
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    record_outcome(outcome, seconds, nullptr);
    throw *failure;
  }
}

}  // namespace planetude
