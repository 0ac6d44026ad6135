#include "core/ip_ranges.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "core/text.hpp"

namespace planetude {

std::optional<IpBytes> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  std::string z(text);
  IpBytes out{};
  in_addr v4{};
  if (inet_pton(AF_INET, z.c_str(), &v4) == 1) {
    out[10] = 0xff;
    out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, z.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    return out;
  }
  return std::nullopt;
}

std::optional<IpRanges> IpRanges::parse(std::string_view list, std::string* bad_entry) {
  IpRanges out;
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    const std::string trimmed = text::trim(list.substr(0, comma));
    const std::string_view entry = trimmed;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    if (entry.empty()) continue;
    auto fail = [&] {
      if (bad_entry) *bad_entry = std::string(entry);
      return std::nullopt;
    };
    std::string_view address = entry;
    std::optional<int> prefix;
    if (std::size_t slash = entry.find('/'); slash != std::string_view::npos) {
      address = entry.substr(0, slash);
      std::string_view bits = entry.substr(slash + 1);
      int n = -1;
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
      if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty()) return fail();
      prefix = n;
    }
    auto bytes = parse_ip(address);
    if (!bytes) return fail();
    const bool v4 = address.find(':') == std::string_view::npos;
    const int max_bits = v4 ? 32 : 128;
    if (prefix && (*prefix < 0 || *prefix > max_bits)) return fail();
    Range r{*bytes, (v4 ? 96 : 0) + prefix.value_or(max_bits)};
    // The host bits of a range are not part of it: 10.1.2.3/8 means 10.0.0.0/8.
    for (int bit = r.prefix; bit < 128; ++bit) r.base[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
    out.ranges_.push_back(r);
  }
  return out;
}

bool IpRanges::contains(const IpBytes& address) const {
  for (const Range& r : ranges_) {
    int full = r.prefix / 8;
    if (std::memcmp(r.base.data(), address.data(), static_cast<std::size_t>(full)) != 0) continue;
    int rest = r.prefix % 8;
    if (rest == 0) return true;
    auto mask = static_cast<unsigned char>(0xffu << (8 - rest));
    if ((address[full] & mask) == r.base[full]) return true;
  }
  return false;
}

bool IpRanges::contains(std::string_view address) const {
  auto bytes = parse_ip(address);
  return bytes && contains(*bytes);
}

}  // namespace planetude
