// The provider-neutral shapes of an AI call: what the coach asks (a prompt) and what comes back
// (text in chunks, a finish reason, token usage) or the error a provider answered with.
#pragma once
#include <boost/json/object.hpp>

#include <memory>
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

// A function the model may call instead of (or besides) answering in text. `parameters` is a JSON
// Schema with lower-case types (OpenAI's form); the Gemini wire converts it to its OpenAPI subset.
struct ToolDeclaration {
  std::string name;
  std::string description;
  boost::json::object parameters;
};

// Declarations are built once and shared by every prompt that offers them: a chat holds its prompt
// (for a retry) while it streams, and thousands of chats stream at once.
using ToolSet = std::shared_ptr<const std::vector<ToolDeclaration>>;

struct Prompt {
  std::string system;       // the persona and the student's data, as instructions + quoted data
  std::vector<Turn> turns;  // the conversation, oldest first; the last one is the student's message
  int max_output_tokens = 1024;
  double temperature = 0.7;
  ToolSet tools;  // none when null or empty
  // When set, the answer is one JSON document following this schema (structured output). Never
  // sent together with tools.
  std::optional<boost::json::object> response_schema;
};

// A function call the model made, whole: its arguments parsed from JSON.
struct ToolCall {
  std::string name;
  boost::json::object args;
};

// A piece of a function call as it arrives: Gemini sends each call whole; OpenAI streams the name
// first, then the arguments' JSON text in fragments, all under the call's index.
struct ToolCallPart {
  int index = 0;
  std::string name;       // empty on a continuation fragment
  std::string arguments;  // JSON text, or a fragment of it
};

enum class Finish { stop, max_tokens, safety, other };

struct Usage {
  int prompt_tokens = 0;
  int output_tokens = 0;
  int total_tokens = 0;
};

// One response (unary) or one streamed event, reduced to what the coach needs.
struct Chunk {
  std::string text;              // the text parts joined (thought parts left out)
  std::optional<Finish> finish;  // set on the last chunk
  std::optional<Usage> usage;
  bool prompt_blocked = false;      // Gemini promptFeedback.blockReason, no candidates
  std::vector<ToolCallPart> calls;  // function calls (or fragments of them) in this chunk
};

// An error the provider answered with (HTTP status >= 400, or an error event in a stream).
struct ProviderError {
  int http_status = 0;
  std::string status;  // Gemini google.rpc status ("RESOURCE_EXHAUSTED") or OpenAI error type/code
  std::string message;
  std::optional<int> retry_after_seconds;  // Gemini RetryInfo.retryDelay, or OpenAI Retry-After
  bool bad_key = false;                    // API_KEY_INVALID / 401 / 403 for a missing key
  bool daily_quota = false;                // a per-day quota: it will not clear for hours, never retry
};

// A body that does not follow the wire format (not JSON, wrong shape).
class WireError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace planetude::llm
