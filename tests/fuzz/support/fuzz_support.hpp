// What the fuzz targets share: how a broken property is reported, and small independent text
// checks (written here again on purpose, so a target never checks the code with itself).
#pragma once
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace planetude::fuzz {

// A property that does not hold is a crash for libFuzzer: it prints the input's file and stops.
inline void require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: property broken: %s\n", property);
  std::abort();
}

inline bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }

// Code points of a UTF-8 text: the bytes that start a character.
inline std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8) n += is_continuation_byte(c) ? 0 : 1;
  return n;
}

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF.
inline bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    unsigned cp = len == 1 ? b : len == 2 ? (b & 0x1fU) : len == 3 ? (b & 0x0fU) : (b & 0x07U);
    for (std::size_t k = 1; k < len; ++k) {
      if (!is_continuation_byte(s[i + k])) return false;
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fU);
    }
    const unsigned smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

// No ASCII white space at either end (what trimming must at least remove).
inline bool has_no_ascii_space_at_ends(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  return s.empty() || (!space(s.front()) && !space(s.back()));
}

// No C0 control, DEL or C1 control (U+0080–U+009F); `allow_newlines` lets \n, \r and \t through.
inline bool has_no_control_chars(std::string_view utf8, bool allow_newlines) {
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    auto b = static_cast<unsigned char>(utf8[i]);
    if (allow_newlines && (b == '\n' || b == '\r' || b == '\t')) continue;
    if (b < 0x20 || b == 0x7f) return false;
    if (b == 0xc2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) <= 0x9f) return false;
  }
  return true;
}

// Length within [min, max] code points, trimmed, without control characters.
inline bool is_clean_text(std::string_view s, std::size_t min, std::size_t max, bool allow_newlines) {
  std::size_t n = code_points(s);
  return n >= min && n <= max && has_no_ascii_space_at_ends(s) && has_no_control_chars(s, allow_newlines);
}

}  // namespace planetude::fuzz
