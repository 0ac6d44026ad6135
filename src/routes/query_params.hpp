// Query parameters shared by the list routes.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace planetude::routes {

// A page size: 1 to 100 written in plain digits; nullopt for anything else.
std::optional<std::size_t> parse_limit(std::string_view text);
inline constexpr const char* kLimitProblem = "doit être un entier entre 1 et 100";

}  // namespace planetude::routes
