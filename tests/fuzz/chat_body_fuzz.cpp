// The body of POST /api/chat (models/chat). Beyond not crashing, a refusal is a documented 400, and
// what is accepted keeps the rules of docs/api.md: a message of 1 to 4000 characters, trimmed,
// without control characters other than new lines and tabs; a context that is an object of at
// most 8 KiB as compact JSON.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>

#include "models/chat.hpp"
#include "support/request_body.hpp"

namespace models = planetude::models;
using planetude::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = planetude::fuzz::read_body(data, size);
  if (!body) return 0;
  planetude::fuzz::accept_or_refuse([&] { return models::parse_chat_input(*body); },
                                    [](const models::ChatInput& in) {
                                      require(planetude::fuzz::is_clean_text(in.message, 1, 4000, true),
                                              "a message is clean text of 1 to 4000 characters");
                                      if (in.context)
                                        require(boost::json::serialize(*in.context).size() <= 8 * 1024,
                                                "a context is at most 8 KiB of compact JSON");
                                    });
  return 0;
}
