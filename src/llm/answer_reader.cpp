#include "llm/answer_reader.hpp"

#include <utility>

namespace planetude::llm {

void AnswerReader::read_whole(std::string_view body) {
  try {
    absorb(wire_.whole(body));
  } catch (const WireError& e) {
    throw ProviderFailure(FailureKind::malformed, e.what());
  }
}

void AnswerReader::feed(std::string_view bytes) {
  try {
    parser_.feed(bytes);
  } catch (const WireError& e) {
    throw ProviderFailure(FailureKind::malformed, e.what());
  }
}

std::optional<Chunk> AnswerReader::next_chunk() {
  while (std::optional<SseEvent> event = parser_.next()) {
    if (auto error = wire_.stream_error(event->data)) throw failure_from(*error);
    std::optional<Chunk> chunk;
    try {
      chunk = wire_.stream_event(event->data);
    } catch (const WireError& e) {
      throw ProviderFailure(FailureKind::malformed, e.what());
    }
    if (chunk) return chunk;
    ended_ = true;  // the end marker
  }
  return std::nullopt;
}

// Folds one response (or streamed chunk) into the answer; a block is a failure of its own.
void AnswerReader::absorb(const Chunk& chunk) {
  out_.text += chunk.text;
  const int first = wire_.calls_numbered_per_chunk ? static_cast<int>(calls_.size()) : 0;
  for (ToolCallPart part : chunk.calls) {
    part.index += first;
    calls_.push_back(std::move(part));
  }
  if (chunk.finish) {
    out_.finish = *chunk.finish;
    ended_ = true;
  }
  if (chunk.usage) out_.usage = *chunk.usage;
  if (chunk.prompt_blocked || (chunk.finish && *chunk.finish == Finish::safety))
    throw ProviderFailure(FailureKind::blocked, "blocked by the provider's safety filters");
}

void AnswerReader::end_of_stream() const {
  if (parser_.has_partial() || !ended_)
    throw ProviderFailure(FailureKind::network, "the stream ended before its last chunk");
}

Completion AnswerReader::finish() {
  out_.calls = assemble_calls(calls_);
  return std::move(out_);
}

}  // namespace planetude::llm
