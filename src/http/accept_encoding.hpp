// Content-coding negotiation (RFC 9110 §12.5.3): which of the encodings a resource has on hand
// the client's Accept-Encoding prefers.
#pragma once
#include <string_view>

namespace planetude::http {

enum class ContentCoding { identity, gzip, br };

// The preferred coding among identity and the available ones: the highest q-value wins, and on
// a tie the smaller one (br, then gzip, then identity). Without the header, identity. Returns
// nullopt only when the header refuses identity and every available coding (406 territory; the
// caller may still send identity, as RFC 9110 allows).
struct CodingChoice {
  ContentCoding coding = ContentCoding::identity;
  bool acceptable = true;
};
CodingChoice choose_content_coding(std::string_view accept_encoding, bool has_gzip, bool has_br);

// The Content-Encoding token of a coding ("" for identity).
std::string_view content_coding_token(ContentCoding coding);

}  // namespace planetude::http
