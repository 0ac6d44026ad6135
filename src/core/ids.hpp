// Resource identifiers: 24 lowercase hex characters, as the original (MongoDB ObjectId) design had.
#pragma once
#include <string>
#include <string_view>

namespace planetude::ids {

// 4 bytes of seconds since the epoch (so ids sort roughly by creation) then 8 random bytes.
std::string generate();
bool is_valid(std::string_view id);
// Hex of `bytes` random bytes from libsodium's CSPRNG.
std::string random_hex(std::size_t bytes);

}  // namespace planetude::ids
