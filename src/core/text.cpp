#include "core/text.hpp"

#include <cstdint>

namespace planetude::text {

namespace {

// Decodes one code point at s[i]; returns its length in bytes (1 for a stray byte: a lead byte
// without all its continuation bytes never swallows the byte after it, such as a space).
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  auto b = static_cast<unsigned char>(s[i]);
  std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xe ? 3 : (b >> 3) == 0x1e ? 4 : 1;
  if (i + len > s.size()) len = 1;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) len = 1;
  cp = len == 1 ? b : len == 2 ? (b & 0x1f) : len == 3 ? (b & 0x0f) : (b & 0x07);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
  return len;
}

bool is_space(std::uint32_t cp) {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000 || cp == 0xfeff;
}

}  // namespace

std::string trim(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size()) {
    std::uint32_t cp;
    std::size_t len = decode(s, begin, cp);
    if (!is_space(cp)) break;
    begin += len;
  }
  std::size_t end = begin;
  for (std::size_t i = begin; i < s.size();) {
    std::uint32_t cp;
    std::size_t len = decode(s, i, cp);
    i += len;
    if (!is_space(cp)) end = i;
  }
  return std::string(s.substr(begin, end - begin));
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xc0) != 0x80) ++n;
  return n;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp;
    std::size_t len = decode(s, i, cp);
    auto lead = static_cast<unsigned char>(s[i]);
    if (len == 1 && lead >= 0x80) return false;
    bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

bool has_control_chars(std::string_view s, bool allow_newlines) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp;
    i += decode(s, i, cp);
    bool control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    if (control && !(allow_newlines && (cp == '\n' || cp == '\r' || cp == '\t'))) return true;
  }
  return false;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return to_lower_ascii(a) == to_lower_ascii(b);
}

}  // namespace planetude::text
