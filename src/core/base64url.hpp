// Base64url without padding (RFC 4648 §5), as JWTs, cursors and calendar secrets use it.
#pragma once
#include <string>
#include <string_view>

namespace planetude::base64url {

std::string encode(std::string_view bytes);
// False on any character outside the URL-safe alphabet, or on padding.
bool decode(std::string_view text, std::string& out);

}  // namespace planetude::base64url
