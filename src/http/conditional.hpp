// Conditional requests (RFC 9110 §13): entity tags and If-None-Match.
#pragma once
#include <string>
#include <string_view>

namespace planetude::http {

// A strong entity tag with its quotes, e.g. "\"3f2a…\"" from 3f2a….
std::string quoted_etag(std::string_view opaque);

// True when If-None-Match names `etag` (weak comparison, §13.1.2) or is "*": the client's copy
// is current and a GET or HEAD gets 304 instead of the content.
bool if_none_match_hits(std::string_view if_none_match, std::string_view etag);

}  // namespace planetude::http
