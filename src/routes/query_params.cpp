#include "routes/query_params.hpp"

#include <algorithm>

namespace planetude::routes {

std::optional<std::size_t> parse_limit(std::string_view text) {
  bool digits = !text.empty() && text.size() <= 3 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return std::nullopt;
  std::size_t n = 0;
  for (char c : text) n = n * 10 + static_cast<std::size_t>(c - '0');
  if (n < 1 || n > 100) return std::nullopt;
  return n;
}

}  // namespace planetude::routes
