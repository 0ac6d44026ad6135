// The streamed AI answer readers (llm/answer_reader with the Gemini or the OpenAI wire, the input's
// last bytes pick which): the same SSE bytes fed whole, then in random pieces (sizes from the
// input), exactly as provider_exchange feeds what the network gives. Beyond not crashing:
// - both feedings hand on the same text deltas and end the same way: the same completion (text,
//   finish, usage, function calls) or the same failure (kind and message);
// - the deltas of a completed answer join into its text;
// - failures are only those a stream can have: malformed, blocked, the provider's error, or cut.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/answer_reader.hpp"
#include "llm/gemini_wire.hpp"
#include "llm/openai_wire.hpp"
#include "support/chunks.hpp"
#include "support/fuzz_support.hpp"

namespace llm = planetude::llm;
using planetude::fuzz::require;

namespace {

struct Outcome {
  std::vector<std::string> deltas;
  std::optional<llm::Completion> completion;
  std::optional<llm::FailureKind> failure;
  std::string failure_message;
};

Outcome read(const llm::WireReader& wire, const std::vector<std::string_view>& pieces) {
  llm::AnswerReader answer(wire);
  Outcome out;
  try {
    for (std::string_view piece : pieces) {
      answer.feed(piece);
      while (std::optional<llm::Chunk> chunk = answer.next_chunk()) {
        if (!chunk->text.empty()) out.deltas.push_back(chunk->text);
        answer.absorb(*chunk);
      }
    }
    answer.end_of_stream();
    out.completion = answer.finish();
  } catch (const llm::ProviderFailure& f) {
    out.failure = f.kind();
    out.failure_message = f.what();
  }
  return out;
}

bool same_completion(const llm::Completion& a, const llm::Completion& b) {
  if (a.text != b.text || a.finish != b.finish || a.calls.size() != b.calls.size()) return false;
  if (a.usage.prompt_tokens != b.usage.prompt_tokens || a.usage.output_tokens != b.usage.output_tokens ||
      a.usage.total_tokens != b.usage.total_tokens)
    return false;
  for (std::size_t i = 0; i < a.calls.size(); ++i)
    if (a.calls[i].name != b.calls[i].name || a.calls[i].args != b.calls[i].args) return false;
  return true;
}

std::string joined(const std::vector<std::string>& deltas) {
  std::string out;
  for (const auto& d : deltas) out += d;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const llm::WireReader& wire = in.ConsumeBool() ? llm::openai_reader() : llm::gemini_reader();
  const std::uint64_t seed = in.ConsumeIntegral<std::uint64_t>();
  const std::size_t max_piece = in.ConsumeIntegralInRange<std::size_t>(1, 64);
  const std::string bytes = in.ConsumeRemainingBytesAsString();

  const Outcome whole = read(wire, {bytes});
  const Outcome pieces = read(wire, planetude::fuzz::random_pieces(bytes, seed, max_piece));

  require(whole.deltas == pieces.deltas, "the same deltas however the bytes arrive");
  require(whole.failure == pieces.failure && whole.failure_message == pieces.failure_message,
          "the same failure however the bytes arrive");
  require(whole.completion.has_value() == pieces.completion.has_value(), "completes however the bytes arrive");
  if (whole.completion) {
    require(same_completion(*whole.completion, *pieces.completion), "the same completion however the bytes arrive");
    require(joined(whole.deltas) == whole.completion->text, "the deltas join into the answer's text");
  }
  if (whole.failure) {
    using llm::FailureKind;
    const FailureKind k = *whole.failure;
    require(k != FailureKind::timeout && k != FailureKind::cancelled, "a stream's bytes never time out or cancel");
  }
  return 0;
}
