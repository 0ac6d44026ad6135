// Cutting a byte stream into pieces the way a network might: sizes drawn from a seed the input
// gives, so a crash replays exactly.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace planetude::fuzz {

// `bytes` in pieces of 1 to `max_piece` bytes (at least 1), sizes from SplitMix64 over `seed`.
inline std::vector<std::string_view> random_pieces(std::string_view bytes, std::uint64_t seed, std::size_t max_piece) {
  if (max_piece == 0) max_piece = 1;
  std::vector<std::string_view> pieces;
  std::uint64_t state = seed;
  while (!bytes.empty()) {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    z ^= z >> 31U;
    const std::size_t n = 1 + static_cast<std::size_t>(z % max_piece);
    pieces.push_back(bytes.substr(0, n));
    bytes.remove_prefix(pieces.back().size());
  }
  return pieces;
}

}  // namespace planetude::fuzz
