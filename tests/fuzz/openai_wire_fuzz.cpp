// The OpenAI-compatible wire readers (llm/openai_wire): the same body read as a whole
// chat.completion, as one streamed event, as an error event and as the body of an HTTP error (its
// status and Retry-After header from the input's last bytes), then through the provider's
// whole-answer reader; and the request path for a base URL path taken from the body. Beyond not
// crashing:
// - a response or event is refused only with WireError; the error readers never throw; only the
//   "[DONE]" marker reads as the end of a stream;
// - texts read are UTF-8, token counts never negative, an error keeps its HTTP status, an error
//   event stands for a 4xx/5xx, a wait is never negative;
// - the request path starts with '/', keeps the base's query, and names /chat/completions.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "llm/openai_wire.hpp"
#include "support/wire_checks.hpp"

namespace llm = planetude::llm;
using planetude::fuzz::require;

namespace {

std::string_view trimmed(std::string_view s) {
  const std::size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

void check_url_path(std::string_view base_path) {
  const std::string path = llm::openai_url_path(base_path);
  const std::size_t query = base_path.find('?');
  const std::string_view before_query = std::string_view(path).substr(0, path.find('?'));
  require(path.starts_with('/'), "the request path starts with /");
  require(before_query.ends_with("/chat/completions"), "the request path names /chat/completions");
  if (query != std::string_view::npos) require(path.ends_with(base_path.substr(query)), "the query is kept");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const int status = planetude::fuzz::http_status_from(in);
  std::optional<std::string> retry_after;
  if (in.ConsumeBool()) {
    retry_after.emplace();
    for (int n = in.ConsumeIntegralInRange(0, 12); n > 0; --n) *retry_after += in.ConsumeIntegral<char>();
  }
  const std::string body = in.ConsumeRemainingBytesAsString();

  try {
    std::optional<llm::Chunk> chunk = llm::parse_openai_stream_data(body);
    if (chunk) planetude::fuzz::check_chunk(*chunk);
    else require(trimmed(body) == "[DONE]", "only [DONE] ends a stream");
  } catch (const llm::WireError&) {}
  try {
    planetude::fuzz::check_chunk(llm::parse_openai_response(body));
  } catch (const llm::WireError&) {}
  planetude::fuzz::check_stream_error(llm::openai_stream_error(body));
  planetude::fuzz::check_http_error(llm::parse_openai_error(status, body, retry_after), status, body);
  planetude::fuzz::check_whole_answer(llm::openai_reader(), body);
  if (body.size() <= 256) check_url_path(body);
  return 0;
}
