// Text rules of docs/api.md: strings are trimmed, lengths are counted in Unicode code points.
// Input from JSON has already been checked as valid UTF-8 by the parser; other text (a .env file)
// may not be, and its stray bytes count as characters of their own.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace planetude::text {

// Removes leading and trailing white space, Unicode's included (as JavaScript's String.trim does).
std::string trim(std::string_view s);
std::size_t code_points(std::string_view utf8);
// True when the text holds a control character (C0, DEL, C1); `allow_newlines` lets \n, \r and \t through.
bool has_control_chars(std::string_view utf8, bool allow_newlines);
// True when the text is well-formed UTF-8 (no stray byte, no overlong form, no surrogate).
bool is_valid_utf8(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

}  // namespace planetude::text
