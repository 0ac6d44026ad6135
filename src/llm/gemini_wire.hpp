// The Gemini REST v1beta wire format (Google's Gemini API reference): the request body and path we send,
// and the responses, streamed events and errors we read back. Pure functions, no I/O.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "llm/answer_reader.hpp"
#include "llm/types.hpp"

namespace planetude::llm {

// The GenerateContentRequest JSON: contents, systemInstruction (when non-empty), the four Gemini
// safety categories at BLOCK_MEDIUM_AND_ABOVE, and generationConfig with thinking turned off.
std::string gemini_request_body(const Prompt& prompt, std::string_view model = "gemini-2.5-flash");
// The thinking budget sent for `model`: 0 for 2.5 Flash/Flash-Lite, 128 for 2.5 Pro, none otherwise.
std::optional<int> gemini_thinking_budget(std::string_view model);

// "/v1beta/models/{model}:generateContent", or ":streamGenerateContent?alt=sse" when streaming.
// A "models/" or "tunedModels/" prefix is kept; any byte of the id outside [A-Za-z0-9._-] is
// percent-escaped. Throws std::invalid_argument for an empty id.
std::string gemini_path(std::string_view model, bool stream);

// A unary GenerateContentResponse body, or the data of one streamed event. Throws WireError when
// it is not a JSON object or a known field has the wrong type.
Chunk parse_gemini_response(std::string_view json);

// The error a stream reports after its 200 (`{"error": {...}}` as an event); nullopt for any
// other event, including one that is not JSON (parse_gemini_response reports that).
std::optional<ProviderError> gemini_stream_error(std::string_view json);

// The error an HTTP status >= 400 came with. Never throws: a body that is not the google.rpc.Status
// JSON still gives the status, with the start of the body as the message.
ProviderError parse_gemini_error(int http_status, std::string_view body);

// The functions above as the provider reads its answers: a stream has no end marker (it ends with
// the body, and only its last chunk carries a finishReason); the calls of each chunk are numbered
// from 0; the wait before a retry comes in the error body (RetryInfo.retryDelay).
const WireReader& gemini_reader();

}  // namespace planetude::llm
