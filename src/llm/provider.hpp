// One interface for every AI provider: a whole reply, or a stream of text handed to `on_delta`.
// Failures are typed so the coach can decide: retry once, or answer with the built-in coach.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/cancellation.hpp"
#include "llm/types.hpp"

namespace planetude::llm {

struct Completion {
  std::string text;
  Finish finish = Finish::stop;
  Usage usage;
  std::vector<ToolCall> calls;  // function calls the model made, in order
};

// Joins the call parts of a response into whole calls (by index, in order of first appearance).
// Throws ProviderFailure(malformed) when a call has no name or its arguments are not a JSON object.
std::vector<ToolCall> assemble_calls(const std::vector<ToolCallPart>& parts);

// The outcome label of a failed call, as logs and metrics show it.
enum class FailureKind {
  timeout,
  network,
  http_error,
  bad_key,
  rate_limited,
  quota_exhausted,
  unavailable,
  malformed,
  blocked,
  cancelled
};
const char* failure_label(FailureKind kind);

class ProviderFailure : public std::runtime_error {
 public:
  ProviderFailure(FailureKind kind, std::string what, std::optional<int> retry_after = std::nullopt)
      : std::runtime_error(what), kind_(kind), retry_after_(retry_after) {}
  FailureKind kind() const { return kind_; }
  std::optional<int> retry_after_seconds() const { return retry_after_; }

 private:
  FailureKind kind_;
  std::optional<int> retry_after_;
};

using DeltaFn = std::function<boost::asio::awaitable<void>(std::string)>;

struct CallOptions {
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds first_byte{10000};
  Cancellation* cancel = nullptr;
};

class LlmProvider {
 public:
  virtual ~LlmProvider() = default;
  virtual const char* name() const = 0;  // "gemini" | "openai": the reply's `source`
  virtual const std::string& model() const = 0;
  // Streams when `on_delta` is set. Throws ProviderFailure. The prompt is borrowed: the caller keeps
  // it (for a retry) until the call ends, so a long stream does not hold a second copy.
  virtual boost::asio::awaitable<Completion> complete(const Prompt& prompt, DeltaFn on_delta, CallOptions options) = 0;
};

// Maps an error the provider answered with to a ProviderFailure.
ProviderFailure failure_from(const ProviderError& error);

}  // namespace planetude::llm
