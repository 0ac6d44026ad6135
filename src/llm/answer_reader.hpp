// The reading side of one AI answer, without I/O: a whole response body, or the bytes of a
// streamed one in whatever pieces the network gives, folded into a Completion. Only how the
// answers are read differs between Gemini and OpenAI: WireReader.
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "llm/provider.hpp"
#include "llm/sse_parser.hpp"

namespace planetude::llm {

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

// One answer as it arrives. Every failure is a ProviderFailure: malformed for a body or event that
// breaks the wire format, blocked for a safety finish or a blocked prompt, the provider's own
// error for an error event, network for a stream cut short.
//
//   whole:    read_whole(body); then finish()
//   streamed: for each piece: feed(bytes); while (auto chunk = next_chunk()) { deliver chunk->text;
//             absorb(*chunk); }  then end_of_stream(); then finish()
class AnswerReader {
 public:
  explicit AnswerReader(const WireReader& wire) : wire_(wire) {}

  void read_whole(std::string_view body);

  void feed(std::string_view bytes);
  // The next complete event of the stream as a chunk, its error event and end marker handled;
  // nullopt once no complete event is left. Hand its text on first, then absorb() it.
  std::optional<Chunk> next_chunk();
  void absorb(const Chunk& chunk);
  // The stream is over: it must have ended (a finish reason or the end marker) with no event left
  // half-read; anything short of that was cut.
  void end_of_stream() const;

  // The answer, its function calls joined (assemble_calls).
  Completion finish();

 private:
  const WireReader& wire_;
  SseParser parser_;
  Completion out_;
  std::vector<ToolCallPart> calls_;
  bool ended_ = false;  // a finish reason or the end marker came
};

}  // namespace planetude::llm
