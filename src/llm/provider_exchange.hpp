// One call to an AI provider over HTTP, shared by the wire formats: send the request, read a whole
// answer or a stream of SSE events (AnswerReader folds what arrives into a Completion) and map
// every failure to a ProviderFailure. Only how the answers are read differs between Gemini and
// OpenAI: WireReader.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string_view>

#include "http_client/client.hpp"
#include "llm/answer_reader.hpp"
#include "llm/provider.hpp"

namespace planetude::llm {

// Maps a failure of the HTTP client (timeout, network, TLS) to a ProviderFailure.
ProviderFailure failure_from(const http::ClientError& error);

// Streams when `on_delta` is set. A stream is whole once a chunk has a finish reason or the end
// marker came, with no event left half-read; anything short of that was cut (network failure).
// A safety finish or a blocked prompt is a `blocked` failure. Throws ProviderFailure.
boost::asio::awaitable<Completion> exchange(http::HttpClient& client, const http::Url& base,
                                            http::ClientRequest request, const WireReader& wire, DeltaFn on_delta,
                                            CallOptions options);

}  // namespace planetude::llm
