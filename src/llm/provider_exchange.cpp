#include "llm/provider_exchange.hpp"

#include "llm/sse_parser.hpp"

namespace planetude::llm {

namespace asio = boost::asio;

ProviderFailure failure_from(const http::ClientError& e) {
  switch (e.kind()) {
    case http::ClientFailure::timeout:
    case http::ClientFailure::first_byte_timeout: return {FailureKind::timeout, e.what()};
    case http::ClientFailure::cancelled: return {FailureKind::cancelled, e.what()};
    case http::ClientFailure::too_large: return {FailureKind::malformed, e.what()};
    default: return {FailureKind::network, e.what()};
  }
}

namespace {

// What has arrived so far of one answer.
struct Progress {
  Completion out;
  std::vector<ToolCallPart> calls;
  bool ended = false;  // a finish reason or the end marker came
};

// Folds one response (or streamed chunk) into the completion; a block is a failure of its own.
void absorb(Progress& p, const WireReader& wire, const Chunk& chunk) {
  p.out.text += chunk.text;
  const int first = wire.calls_numbered_per_chunk ? static_cast<int>(p.calls.size()) : 0;
  for (ToolCallPart part : chunk.calls) {
    part.index += first;
    p.calls.push_back(std::move(part));
  }
  if (chunk.finish) {
    p.out.finish = *chunk.finish;
    p.ended = true;
  }
  if (chunk.usage) p.out.usage = *chunk.usage;
  if (chunk.prompt_blocked || (chunk.finish && *chunk.finish == Finish::safety))
    throw ProviderFailure(FailureKind::blocked, "blocked by the provider's safety filters");
}

// Parses what arrived of the stream and hands each chunk's text on as it comes.
asio::awaitable<void> on_stream_bytes(std::string bytes, SseParser& parser, Progress& p, const WireReader& wire,
                                      DeltaFn& on_delta) {
  try {
    parser.feed(bytes);
  } catch (const WireError& e) {
    throw ProviderFailure(FailureKind::malformed, e.what());
  }
  while (std::optional<SseEvent> event = parser.next()) {
    if (auto error = wire.stream_error(event->data)) throw failure_from(*error);
    std::optional<Chunk> chunk;
    try {
      chunk = wire.stream_event(event->data);
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
    if (!chunk) {
      p.ended = true;
      continue;
    }
    if (!chunk->text.empty()) co_await on_delta(chunk->text);
    absorb(p, wire, *chunk);
  }
}

}  // namespace

asio::awaitable<Completion> exchange(http::HttpClient& client, const http::Url& base, http::ClientRequest request,
                                     const WireReader& wire, DeltaFn on_delta, CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  Progress progress;
  SseParser parser;
  http::BodySink sink;
  if (stream)
    sink = [&](std::string bytes) { return on_stream_bytes(std::move(bytes), parser, progress, wire, on_delta); };
  http::ClientResponse response;
  try {
    response =
        co_await client.send(base, std::move(request), {options.deadline, options.first_byte}, sink, options.cancel);
  } catch (const http::ClientError& e) {
    throw failure_from(e);
  }
  if (response.status < 200 || response.status >= 300) {
    std::optional<std::string_view> retry_after;
    if (auto it = response.headers.find("retry-after"); it != response.headers.end()) retry_after = it->second;
    throw failure_from(wire.http_error(static_cast<int>(response.status), response.body, retry_after));
  }
  if (!stream) {
    try {
      absorb(progress, wire, wire.whole(response.body));
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
  } else if (parser.has_partial() || !progress.ended) {
    throw ProviderFailure(FailureKind::network, "the stream ended before its last chunk");
  }
  progress.out.calls = assemble_calls(progress.calls);
  co_return std::move(progress.out);
}

}  // namespace planetude::llm
