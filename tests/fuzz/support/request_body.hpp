// What the request body targets share: the body read as the server reads it, and a validator run
// that lets only the refusals the API documents through.
#pragma once
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/errors.hpp"
#include "core/json_input.hpp"
#include "support/fuzz_support.hpp"

namespace planetude::fuzz {

// The body as http::Request::json() reads it; nullopt when it is refused (400 invalid_json).
inline std::optional<boost::json::value> read_body(const std::uint8_t* data, std::size_t size) {
  try {
    return json_input::parse_body(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const DomainError& e) {
    require(e.code() == "invalid_json", "a body that does not parse is 400 invalid_json");
    return std::nullopt;
  }
}

// Runs `validate`, then `check` on what it accepted. A refusal must be a 400 (invalid_input) or,
// where `not_found_allowed`, a 404; any other exception escapes and is a crash.
template <class Validate, class Check>
void accept_or_refuse(Validate validate, Check check, bool not_found_allowed = false) {
  std::optional<decltype(validate())> accepted;
  try {
    accepted.emplace(validate());
  } catch (const DomainError& e) {
    const bool documented =
        e.kind() == ErrorKind::invalid_input || (not_found_allowed && e.kind() == ErrorKind::not_found);
    require(documented, "a body is refused with 400 (or 404 where the API says so)");
    require(e.code() != "validation_failed" || !e.details().empty(), "validation_failed names the faulty fields");
    return;
  }
  check(*accepted);
}

}  // namespace planetude::fuzz
