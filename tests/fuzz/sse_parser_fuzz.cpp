// The server-sent events parser (llm/sse_parser) on arbitrary bytes, fed whole and again in random
// pieces (sizes from the input's last bytes), with an event size bound also from the input.
// Beyond not crashing:
// - both feedings give the same events, the same "partial event left" answer, and fail (event too
//   large) at the same event;
// - event data never holds a CR, and event names hold neither CR nor LF (the line ends are the
//   parser's business, never the payload's).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "llm/sse_parser.hpp"
#include "support/chunks.hpp"
#include "support/fuzz_support.hpp"

using planetude::fuzz::require;
using planetude::llm::SseEvent;
using planetude::llm::SseParser;
using planetude::llm::WireError;

namespace {

struct Outcome {
  std::vector<SseEvent> events;
  bool too_large = false;
  bool partial = false;
};

Outcome parse(const std::vector<std::string_view>& pieces, std::size_t bound) {
  SseParser parser(bound);
  Outcome out;
  for (std::string_view piece : pieces) {
    try {
      parser.feed(piece);
    } catch (const WireError&) {
      out.too_large = true;
    }
    while (auto event = parser.next()) out.events.push_back(std::move(*event));
    if (out.too_large) return out;  // the stream is abandoned
  }
  out.partial = parser.has_partial();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::uint64_t seed = in.ConsumeIntegral<std::uint64_t>();
  const std::size_t max_piece = in.ConsumeIntegralInRange<std::size_t>(1, 64);
  const std::size_t bound = in.ConsumeBool() ? SseParser::kMaxEventBytes : in.ConsumeIntegralInRange(8, 512);
  const std::string bytes = in.ConsumeRemainingBytesAsString();

  const Outcome whole = parse({bytes}, bound);
  const Outcome pieces = parse(planetude::fuzz::random_pieces(bytes, seed, max_piece), bound);

  require(whole.too_large == pieces.too_large, "an event too large fails however the bytes arrive");
  require(whole.events.size() == pieces.events.size(), "the same number of events however the bytes arrive");
  for (std::size_t i = 0; i < whole.events.size(); ++i) {
    require(whole.events[i].event == pieces.events[i].event && whole.events[i].data == pieces.events[i].data,
            "the same events however the bytes arrive");
    require(whole.events[i].data.find('\r') == std::string::npos, "event data holds no CR");
    require(whole.events[i].event.find_first_of("\r\n") == std::string::npos, "an event name holds no CR or LF");
  }
  require(whole.partial == pieces.partial, "the same partial event left however the bytes arrive");
  return 0;
}
