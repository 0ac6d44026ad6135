// The OpenAI-compatible chat-completions wire format (OpenAI's API reference): OpenAI itself, Ollama,
// llama.cpp's llama-server and vLLM. The request body and path we send, and the responses, streamed
// events and errors we read back. Pure functions, no I/O.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "llm/answer_reader.hpp"
#include "llm/types.hpp"

namespace planetude::llm {

// The request JSON: model, messages (a "system" message when prompt.system is non-empty, then the
// turns as "user" / "assistant"), temperature, max_tokens and stream. When streaming, also
// stream_options {include_usage: true}, so the last event before [DONE] carries the usage.
// Nothing else: OpenAI answers 400 to an unknown parameter, and to stream_options without stream.
std::string openai_request_body(const Prompt& prompt, std::string_view model, bool stream);

// "/v1/chat/completions": the path on a server given by host alone.
std::string openai_path();

// The request path for a configured base URL's path. Rule: a base with a path is taken as the API
// root, version included, as the OpenAI SDKs do ("/v1" → "/v1/chat/completions", "/api/v1/" →
// "/api/v1/chat/completions", "/v1beta/openai" → "/v1beta/openai/chat/completions"); a bare host
// ("" or "/") gets openai_path(). A base that already ends in "/chat/completions" is used as it is.
// Trailing slashes are dropped and a query ("?api-version=…") is kept after the joined path.
// So OPENAI_BASE_URL=http://localhost:11434/v1 and http://localhost:11434 both reach Ollama.
std::string openai_url_path(std::string_view base_path);

// A non-streamed chat.completion body: text = choices[0].message.content (null → empty; an array
// of {type:"text"} parts is joined), finish from finish_reason (stop → stop, length → max_tokens,
// content_filter → safety, anything else → other; null → unset), usage when present. Reasoning
// fields (reasoning_content, reasoning) are left out. Throws WireError when the body is not a JSON
// object, has no choices, has `error` (see parse_openai_error) or a known field has the wrong type.
Chunk parse_openai_response(std::string_view json);

// The data of one SSE event of a stream. nullopt for the "[DONE]" sentinel. Otherwise
// choices[0].delta.content (absent/null → empty), finish_reason, and usage when it is an object:
// the include_usage chunk has "choices": [] and gives a Chunk with only usage set; llama.cpp may
// put usage on the finish chunk itself. Throws WireError for data that is not a JSON object, for
// an error event, or a known field of the wrong type.
//
// Error events: call openai_stream_error(data) first on every event; when it returns an error the
// stream has failed (llama.cpp then closes without [DONE]). parse_openai_stream_data only throws
// WireError for them, so a caller that forgets the check still fails rather than losing the error.
// (Older llama.cpp builds sent a non-standard `error:` line; SSE ignores that field, so such a
// stream just ends without [DONE] and must be treated as cut.)
std::optional<Chunk> parse_openai_stream_data(std::string_view data);

// The error an event reports after the 200 (`{"error": {...}}`, `{"error": "..."}`, or vLLM's bare
// `{"object": "error", ...}`); nullopt for any other event, including one that is not JSON
// (parse_openai_stream_data reports that). As the 200 is already sent, http_status comes from the
// error: llama.cpp's and vLLM's integer `code`, else its `code`/`type` (invalid_api_key → 401,
// rate_limit_exceeded → 429, server_error → 500, unavailable_error → 503…), else 500.
std::optional<ProviderError> openai_stream_error(std::string_view data);

// The error an HTTP status >= 400 came with. Never throws. Reads `{"error": {message, type, code,
// param}}` (OpenAI, Ollama; llama.cpp with an integer code), `{"error": "..."}`, vLLM's bare
// `{"object": "error", message, type, code}` and a `{"detail": "..."}` from a proxy; any other body
// gives the status and the start of the body as the message.
// - status: the string `code` when there is one (invalid_api_key, rate_limit_exceeded,
//   model_not_found…), else `type` (not_found_error, authentication_error…).
// - message: the error's message, with " (param: X)" appended when `param` names a field.
// - bad_key: 401, and 403 unless OpenAI says the region is not supported (not a key problem).
// - retry_after_seconds: the Retry-After header as delta-seconds (a fraction is rounded up); an
//   HTTP-date is ignored, since a pure function has no clock. Without the header, a 429 message's
//   "Please try again in 6.596s" / "in 120ms" / "in 1m30s" (OpenAI's wording) is used, rounded up.
ProviderError parse_openai_error(int http_status, std::string_view body,
                                 std::optional<std::string_view> retry_after_header);

// The functions above as the provider reads its answers: a stream ends with [DONE] (after the
// usage chunk); an error may come as an event after the 200.
const WireReader& openai_reader();

}  // namespace planetude::llm
