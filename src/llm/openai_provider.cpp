#include "llm/openai_provider.hpp"

#include "llm/openai_wire.hpp"
#include "llm/sse_parser.hpp"

namespace planetude::llm {

namespace asio = boost::asio;

namespace {

void absorb(Completion& out, std::vector<ToolCallPart>& calls, const Chunk& chunk) {
  out.text += chunk.text;
  calls.insert(calls.end(), chunk.calls.begin(), chunk.calls.end());
  if (chunk.finish) out.finish = *chunk.finish;
  if (chunk.usage) out.usage = *chunk.usage;
  if (chunk.finish && *chunk.finish == Finish::safety)
    throw ProviderFailure(FailureKind::blocked, "blocked by the provider's content filter");
}

asio::awaitable<void> on_stream_bytes(std::string bytes, SseParser& parser, Completion& out, std::vector<ToolCallPart>& calls, bool& done,
                                      DeltaFn& on_delta) {
  try {
    parser.feed(bytes);
  } catch (const WireError& e) {
    throw ProviderFailure(FailureKind::malformed, e.what());
  }
  for (;;) {
    std::optional<SseEvent> event = parser.next();
    if (!event) break;
    if (auto error = openai_stream_error(event->data)) throw failure_from(*error);
    std::optional<Chunk> chunk;
    try {
      chunk = parse_openai_stream_data(event->data);
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
    if (!chunk) {  // [DONE]
      done = true;
      continue;
    }
    if (!chunk->text.empty()) co_await on_delta(chunk->text);
    absorb(out, calls, *chunk);
    if (chunk->finish) done = true;
  }
}

}  // namespace

asio::awaitable<Completion> OpenAiProvider::complete(Prompt prompt, DeltaFn on_delta, CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  http::ClientRequest request;
  request.target = openai_url_path(base_.path);
  request.headers = {{"Content-Type", "application/json"}};
  if (!key_.empty()) request.headers.emplace_back("Authorization", "Bearer " + key_);
  if (stream) request.headers.emplace_back("Accept", "text/event-stream");
  request.body = openai_request_body(prompt, model_, stream);

  Completion out;
  std::vector<ToolCallPart> calls;
  bool done = false;
  SseParser parser;
  http::BodySink sink;
  if (stream) sink = [&](std::string bytes) { return on_stream_bytes(std::move(bytes), parser, out, calls, done, on_delta); };
  http::ClientResponse response;
  try {
    response = co_await client_.send(base_, std::move(request), {options.deadline, options.first_byte}, sink, options.cancel);
  } catch (const http::ClientError& e) {
    throw failure_from(e);
  }
  if (response.status < 200 || response.status >= 300) {
    std::optional<std::string_view> retry_after;
    if (auto it = response.headers.find("retry-after"); it != response.headers.end()) retry_after = it->second;
    throw failure_from(parse_openai_error(static_cast<int>(response.status), response.body, retry_after));
  }
  if (!stream) {
    try {
      absorb(out, calls, parse_openai_response(response.body));
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
    out.calls = assemble_calls(calls);
    co_return out;
  }
  if (parser.has_partial() || !done) throw ProviderFailure(FailureKind::network, "the stream ended before its last chunk");
  out.calls = assemble_calls(calls);
  co_return out;
}

}  // namespace planetude::llm
