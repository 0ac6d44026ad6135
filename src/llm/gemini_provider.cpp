#include "llm/gemini_provider.hpp"

#include "llm/gemini_wire.hpp"
#include "llm/sse_parser.hpp"

namespace planetude::llm {

namespace asio = boost::asio;

namespace {

// Folds one response (or streamed chunk) into the completion; a block is a failure of its own.
void absorb(Completion& out, std::vector<ToolCallPart>& calls, const Chunk& chunk) {
  out.text += chunk.text;
  // Each Gemini call comes whole; numbered after the calls of earlier chunks.
  const int first = static_cast<int>(calls.size());
  for (ToolCallPart part : chunk.calls) {
    part.index += first;
    calls.push_back(std::move(part));
  }
  if (chunk.finish) out.finish = *chunk.finish;
  if (chunk.usage) out.usage = *chunk.usage;
  if (chunk.prompt_blocked || (chunk.finish && *chunk.finish == Finish::safety))
    throw ProviderFailure(FailureKind::blocked, "blocked by the provider's safety filters");
}

// Parses what arrived of the stream and hands each chunk's text on as it comes.
asio::awaitable<void> on_stream_bytes(std::string bytes, SseParser& parser, Completion& out, std::vector<ToolCallPart>& calls, bool& finished,
                                      DeltaFn& on_delta) {
  try {
    parser.feed(bytes);
  } catch (const WireError& e) {
    throw ProviderFailure(FailureKind::malformed, e.what());
  }
  for (;;) {
    std::optional<SseEvent> event = parser.next();
    if (!event) break;
    if (auto error = gemini_stream_error(event->data)) throw failure_from(*error);
    Chunk chunk;
    try {
      chunk = parse_gemini_response(event->data);
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
    if (!chunk.text.empty()) co_await on_delta(chunk.text);
    absorb(out, calls, chunk);
    if (chunk.finish) finished = true;
  }
}

}  // namespace

asio::awaitable<Completion> GeminiProvider::complete(Prompt prompt, DeltaFn on_delta, CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  http::ClientRequest request;
  request.target = base_.path + gemini_path(model_, stream);
  request.headers = {{"Content-Type", "application/json"}, {"x-goog-api-key", key_}};
  if (stream) request.headers.emplace_back("Accept", "text/event-stream");
  request.body = gemini_request_body(prompt, model_);

  Completion out;
  std::vector<ToolCallPart> calls;
  bool finished = false;
  SseParser parser;
  http::BodySink sink;
  if (stream) {
    sink = [&](std::string bytes) { return on_stream_bytes(std::move(bytes), parser, out, calls, finished, on_delta); };
  }
  http::ClientResponse response;
  try {
    response = co_await client_.send(base_, std::move(request), {options.deadline, options.first_byte}, sink, options.cancel);
  } catch (const http::ClientError& e) {
    throw failure_from(e);
  }
  if (response.status < 200 || response.status >= 300) throw failure_from(parse_gemini_error(static_cast<int>(response.status), response.body));
  if (!stream) {
    try {
      absorb(out, calls, parse_gemini_response(response.body));
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
    out.calls = assemble_calls(calls);
    co_return out;
  }
  // The stream ends with the body: no [DONE]. Only the last chunk carries finishReason, so a
  // stream that ends without one was cut.
  if (parser.has_partial() || !finished) throw ProviderFailure(FailureKind::network, "the stream ended before its last chunk");
  out.calls = assemble_calls(calls);
  co_return out;
}

}  // namespace planetude::llm
