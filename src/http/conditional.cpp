#include "http/conditional.hpp"

namespace planetude::http {

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The tag without its weakness indicator: W/"x" and "x" compare equal under weak comparison.
std::string_view opaque_part(std::string_view tag) {
  if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::string quoted_etag(std::string_view opaque) { return "\"" + std::string(opaque) + "\""; }

bool if_none_match_hits(std::string_view header, std::string_view etag) {
  header = trim_ows(header);
  if (header.empty()) return false;
  if (header == "*") return true;
  std::string_view ours = opaque_part(etag);
  // Entity tags may hold commas inside their quotes: scan tag by tag, not by splitting on ','.
  // The whole field is read before answering: a malformed one is ignored, even after a match.
  bool hit = false;
  std::size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t' || header[i] == ',')) ++i;
    if (i == header.size()) break;
    std::size_t start = i;
    if (header.compare(i, 2, "W/") == 0) i += 2;
    if (i >= header.size() || header[i] != '"') return false;
    std::size_t close = header.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    if (opaque_part(header.substr(start, close + 1 - start)) == ours) hit = true;
    i = close + 1;
    // After a tag: the end, or a separator.
    if (i < header.size() && header[i] != ',' && header[i] != ' ' && header[i] != '\t') return false;
  }
  return hit;
}

}  // namespace planetude::http
