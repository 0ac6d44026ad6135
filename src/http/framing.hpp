// The rules of HTTP/1.1 message framing (RFC 9112) that Beast's parser leaves to the server:
// Host, transfer codings, obsolete line folding, and request targets in absolute form.
#pragma once
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace planetude::http {

// A refusal for a request whose header breaks a framing rule (the connection must then close):
// 400 for a missing, repeated or malformed Host (HTTP/1.1, RFC 9112 §3.2), an origin-form target
// that is not a valid URI path and query (§3.2.1), or a body whose length cannot be known (chunked
// not last, RFC 9112 §6.3); 501 for a transfer coding other than chunked (RFC 9112 §6.1). nullopt
// when the header is fine.
std::optional<Response> framing_refusal(const boost::beast::http::request_header<>& head);

// Scans header bytes as they are parsed: true when a line starts with a space or a tab, i.e. an
// obsolete line folding (RFC 9112 §5.2) or whitespace before a field name (§2.2), both refused.
// `previous` is the last byte of the bytes scanned before (or '\0').
bool starts_folded_line(char previous, std::string_view bytes);

// An origin-form ("/path?q") or absolute-form ("http://host/path?q") request target, split.
struct Target {
  std::string path;  // percent-decoded
  std::vector<std::pair<std::string, std::string>> query;
  std::optional<std::string> authority;  // from an absolute-form target: it replaces Host (§3.2.3)
};
std::optional<Target> parse_target(std::string_view target);

}  // namespace planetude::http
