#include "llm/gemini_provider.hpp"

#include "llm/gemini_wire.hpp"
#include "llm/provider_exchange.hpp"

namespace planetude::llm {

namespace {

// Gemini's stream has no end marker: it ends with the body, and only its last chunk carries a
// finishReason. The wait before a retry comes in the error body (RetryInfo.retryDelay).
const WireReader kGeminiReader{
    .whole = parse_gemini_response,
    .stream_error = gemini_stream_error,
    .stream_event = [](std::string_view data) -> std::optional<Chunk> { return parse_gemini_response(data); },
    .http_error = [](int status, std::string_view body,
                     std::optional<std::string_view>) { return parse_gemini_error(status, body); },
    .calls_numbered_per_chunk = true,
};

}  // namespace

boost::asio::awaitable<Completion> GeminiProvider::complete(Prompt prompt, DeltaFn on_delta, CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  http::ClientRequest request;
  request.target = base_.path + gemini_path(model_, stream);
  request.headers = {{"Content-Type", "application/json"}, {"x-goog-api-key", key_}};
  if (stream) request.headers.emplace_back("Accept", "text/event-stream");
  request.body = gemini_request_body(prompt, model_);
  co_return co_await exchange(client_, base_, std::move(request), kGeminiReader, std::move(on_delta), options);
}

}  // namespace planetude::llm
