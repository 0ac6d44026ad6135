#include "llm/provider_exchange.hpp"

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

// Reads what arrived of the stream and hands each chunk's text on as it comes, before folding it in.
asio::awaitable<void> on_stream_bytes(std::string bytes, AnswerReader& answer, DeltaFn& on_delta) {
  answer.feed(bytes);
  while (std::optional<Chunk> chunk = answer.next_chunk()) {
    if (!chunk->text.empty()) co_await on_delta(chunk->text);
    answer.absorb(*chunk);
  }
}

}  // namespace

asio::awaitable<Completion> exchange(http::HttpClient& client, const http::Url& base, http::ClientRequest request,
                                     const WireReader& wire, DeltaFn on_delta, CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  AnswerReader answer(wire);
  http::BodySink sink;
  if (stream) sink = [&](std::string bytes) { return on_stream_bytes(std::move(bytes), answer, on_delta); };
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
  if (stream) answer.end_of_stream();
  else answer.read_whole(response.body);
  co_return answer.finish();
}

}  // namespace planetude::llm
