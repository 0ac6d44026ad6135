// The one way services reach the AI provider: a deadline on every call, one retry on 429/503 when
// the wait the provider asks for fits, a circuit breaker that leaves a failing provider alone for a
// while, and a log line and metrics for every call (never the text, the key or the token).
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "core/cancellation.hpp"
#include "llm/provider.hpp"
#include "observability/metrics.hpp"

namespace planetude {

struct AiSettings {
  std::chrono::milliseconds timeout{20000};  // LLM_TIMEOUT_MS: the whole call, retry included
  std::chrono::milliseconds first_byte_timeout{10000};
  int breaker_failures = 5;                       // consecutive failures that open the breaker
  std::chrono::milliseconds breaker_open{30000};  // how long a failing provider is left alone
  // The clock the deadline, the breaker and the latency read; tests replace it to move time by hand.
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class AiGateway {
 public:
  // `provider` may be null: then nothing is ever available and the built-in coach answers.
  AiGateway(metrics::Registry& metrics, llm::LlmProvider* provider, AiSettings settings);

  // A provider is configured and its breaker is closed.
  bool available();
  // "gemini" | "openai"; only meaningful when a provider is configured.
  const char* provider_name() const;

  // Asks the provider; streams to `on_delta` when it is set. `purpose` ("chat", "planning") labels
  // the log line. Throws llm::ProviderFailure; `unavailable`, without calling the provider, when
  // there is none or its breaker is open.
  boost::asio::awaitable<llm::Completion> ask(llm::Prompt prompt, llm::DeltaFn on_delta, Cancellation* cancel,
                                              std::string purpose);

 private:
  void record_outcome(const char* outcome, double seconds, const llm::Usage* usage);

  metrics::Registry& metrics_;
  llm::LlmProvider* provider_;
  AiSettings settings_;
  std::mutex breaker_mu_;
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point open_until_{};
};

}  // namespace planetude
