#include "core/ids.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdint>
#include <vector>

namespace planetude::ids {

namespace {
std::string to_hex(const unsigned char* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0x0f];
  }
  return out;
}
}  // namespace

std::string generate() {
  unsigned char bytes[12];
  auto seconds = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  bytes[0] = static_cast<unsigned char>(seconds >> 24);
  bytes[1] = static_cast<unsigned char>(seconds >> 16);
  bytes[2] = static_cast<unsigned char>(seconds >> 8);
  bytes[3] = static_cast<unsigned char>(seconds);
  randombytes_buf(bytes + 4, 8);
  return to_hex(bytes, sizeof bytes);
}

bool is_valid(std::string_view id) {
  if (id.size() != 24) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string random_hex(std::size_t bytes) {
  if (bytes == 0) return {};
  std::vector<unsigned char> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return to_hex(buf.data(), buf.size());
}

}  // namespace planetude::ids

namespace {
// libsodium must be initialised before its random generator is used; this runs at start-up.
[[maybe_unused]] const int kSodiumReady = sodium_init();
}  // namespace
