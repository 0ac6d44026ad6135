// The provider-neutral shapes of an AI call: what the coach asks (a prompt) and what comes back
// (text in chunks, a finish reason, token usage) or the error a provider answered with.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace planetude::llm {

struct Turn {
  enum class Role { user, model };
  Role role = Role::user;
  std::string text;
};

struct Prompt {
  std::string system;        // the persona and the student's data, as instructions + quoted data
  std::vector<Turn> turns;   // the conversation, oldest first; the last one is the student's message
  int max_output_tokens = 1024;
  double temperature = 0.7;
};

enum class Finish { stop, max_tokens, safety, other };

struct Usage {
  int prompt_tokens = 0;
  int output_tokens = 0;
  int total_tokens = 0;
};

// One response (unary) or one streamed event, reduced to what the coach needs.
struct Chunk {
  std::string text;                 // the text parts joined (thought parts left out)
  std::optional<Finish> finish;     // set on the last chunk
  std::optional<Usage> usage;
  bool prompt_blocked = false;      // Gemini promptFeedback.blockReason, no candidates
};

// An error the provider answered with (HTTP status >= 400, or an error event in a stream).
struct ProviderError {
  int http_status = 0;
  std::string status;   // Gemini google.rpc status ("RESOURCE_EXHAUSTED") or OpenAI error type/code
  std::string message;
  std::optional<int> retry_after_seconds;  // Gemini RetryInfo.retryDelay, or OpenAI Retry-After
  bool bad_key = false;                    // API_KEY_INVALID / 401 / 403 for a missing key
};

// A body that does not follow the wire format (not JSON, wrong shape).
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace planetude::llm
