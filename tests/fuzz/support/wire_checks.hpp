// What the AI wire targets check on everything a provider's answer is read into.
#pragma once
#include <fuzzer/FuzzedDataProvider.h>

#include <optional>
#include <string>
#include <string_view>

#include "llm/answer_reader.hpp"
#include "llm/types.hpp"
#include "support/fuzz_support.hpp"

namespace planetude::fuzz {

// Read from JSON strings, so UTF-8; token counts never negative; call parts numbered from 0.
inline void check_chunk(const llm::Chunk& chunk) {
  require(is_valid_utf8(chunk.text), "a chunk's text is UTF-8");
  if (chunk.usage)
    require(chunk.usage->prompt_tokens >= 0 && chunk.usage->output_tokens >= 0 && chunk.usage->total_tokens >= 0,
            "token counts are never negative");
  for (const auto& call : chunk.calls) require(call.index >= 0, "call parts have an index from 0");
}

// An error read from `body`: the status given, a UTF-8 message when the body is UTF-8 (it goes to
// logs and metrics), a wait that is never negative.
inline void check_http_error(const llm::ProviderError& e, int status, std::string_view body) {
  require(e.http_status == status, "an HTTP error keeps its status");
  require(!is_valid_utf8(body) || is_valid_utf8(e.message), "an error message from a UTF-8 body is UTF-8");
  if (e.retry_after_seconds) require(*e.retry_after_seconds >= 0, "a wait is never negative");
}

// An error event after the 200 stands for an HTTP error status.
inline void check_stream_error(const std::optional<llm::ProviderError>& e) {
  if (!e) return;
  require(e->http_status >= 400 && e->http_status <= 599, "an error event stands for a 4xx or 5xx status");
  if (e->retry_after_seconds) require(*e->retry_after_seconds >= 0, "a wait is never negative");
}

// The whole body through the provider's reader, as a unary call reads it: a completion whose calls
// all have a name, or a malformed / blocked failure.
inline void check_whole_answer(const llm::WireReader& wire, std::string_view body) {
  llm::AnswerReader answer(wire);
  try {
    answer.read_whole(body);
    llm::Completion done = answer.finish();
    require(is_valid_utf8(done.text), "an answer's text is UTF-8");
    for (const auto& call : done.calls) require(!call.name.empty(), "a function call has a name");
  } catch (const llm::ProviderFailure& f) {
    require(f.kind() == llm::FailureKind::malformed || f.kind() == llm::FailureKind::blocked,
            "a whole answer fails as malformed or blocked");
  }
}

// The status of an HTTP error (400–599), from the end of the input.
inline int http_status_from(FuzzedDataProvider& in) { return in.ConsumeIntegralInRange(400, 599); }

}  // namespace planetude::fuzz
