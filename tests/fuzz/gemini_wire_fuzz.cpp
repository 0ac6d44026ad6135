// The Gemini wire readers (llm/gemini_wire): the same body read as a whole GenerateContentResponse,
// as one streamed event, as an error event and as the body of an HTTP error (status from the
// input's last bytes), then through the provider's whole-answer reader; and the request path built
// for a model id taken from the body. Beyond not crashing:
// - a response or event is refused only with WireError; the error readers never throw;
// - texts read are UTF-8, token counts never negative, an error keeps its HTTP status, an error
//   event stands for a 4xx/5xx, a wait is never negative;
// - a model id of any bytes stays one path segment: only [A-Za-z0-9._-] and %XX escapes after
//   "/v1beta/models/" (or tunedModels/), before the method.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "llm/gemini_wire.hpp"
#include "support/wire_checks.hpp"

namespace llm = planetude::llm;
using planetude::fuzz::require;

namespace {

bool is_id_byte(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '%';
}

void check_path(std::string_view model, bool stream) {
  std::string path;
  try {
    path = llm::gemini_path(model, stream);
  } catch (const std::invalid_argument&) {
    require(model.empty() || model == "models/" || model == "tunedModels/", "only an empty model id is refused");
    return;
  }
  const std::string_view method = stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
  std::string_view rest = path;
  require(rest.starts_with("/v1beta/models/") || rest.starts_with("/v1beta/tunedModels/"), "the path's prefix");
  rest.remove_prefix(rest.find('/', 1) + 1);
  rest.remove_prefix(rest.find('/') + 1);
  require(rest.ends_with(method), "the path ends with the method");
  rest.remove_suffix(method.size());
  require(!rest.empty(), "the model id is not empty");
  for (char c : rest) require(is_id_byte(c), "the model id stays one escaped path segment");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const int status = planetude::fuzz::http_status_from(in);
  const std::string body = in.ConsumeRemainingBytesAsString();

  try {
    planetude::fuzz::check_chunk(llm::parse_gemini_response(body));
  } catch (const llm::WireError&) {}
  planetude::fuzz::check_stream_error(llm::gemini_stream_error(body));
  planetude::fuzz::check_http_error(llm::parse_gemini_error(status, body), status, body);
  planetude::fuzz::check_whole_answer(llm::gemini_reader(), body);
  (void)llm::gemini_thinking_budget(body);
  if (body.size() <= 256) check_path(body, (status & 1) != 0);
  return 0;
}
