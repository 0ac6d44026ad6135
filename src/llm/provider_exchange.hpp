// One call to an AI provider over HTTP, shared by the wire formats: send the request, read a whole
// answer or a stream of SSE events, fold what arrives into a Completion and map every failure to a
// ProviderFailure. Only how the answers are read differs between Gemini and OpenAI: WireReader.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string_view>

#include "http_client/client.hpp"
#include "llm/provider.hpp"

namespace planetude::llm {

// Maps a failure of the HTTP client (timeout, network, TLS) to a ProviderFailure.
ProviderFailure failure_from(const http::ClientError& error);

struct WireReader {
  // A whole (non-streamed) response body. Throws WireError.
  Chunk (*whole)(std::string_view body);
  // The error an event reports after the 200; nullopt for any other event.
  std::optional<ProviderError> (*stream_error)(std::string_view data);
  // One streamed event; nullopt for an end marker (OpenAI's [DONE]). Throws WireError.
  std::optional<Chunk> (*stream_event)(std::string_view data);
  // The error an HTTP status >= 400 came with, given the Retry-After header when there is one.
  ProviderError (*http_error)(int status, std::string_view body, std::optional<std::string_view> retry_after);
  // Gemini sends each call whole and numbers the calls of each chunk from 0; OpenAI numbers the
  // parts of its calls across the whole stream.
  bool calls_numbered_per_chunk = false;
};

// Streams when `on_delta` is set. A stream is whole once a chunk has a finish reason or the end
// marker came, with no event left half-read; anything short of that was cut (network failure).
// A safety finish or a blocked prompt is a `blocked` failure. Throws ProviderFailure.
boost::asio::awaitable<Completion> exchange(http::HttpClient& client, const http::Url& base,
                                            http::ClientRequest request, const WireReader& wire, DeltaFn on_delta,
                                            CallOptions options);

}  // namespace planetude::llm
