// IPv4 and IPv6 addresses and CIDR ranges, such as the reverse proxies a server trusts
// (TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8, fd00::/8"). IPv4 addresses are compared in their
// IPv4-mapped IPv6 form, so "127.0.0.1" also matches a dual-stack socket's "::ffff:127.0.0.1".
#pragma once
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace planetude {

using IpBytes = std::array<unsigned char, 16>;

// The address as 16 bytes (IPv4 mapped into IPv6); nullopt when `text` is not an address.
std::optional<IpBytes> parse_ip(std::string_view text);

class IpRanges {
 public:
  // A comma-separated list of addresses and ranges ("a.b.c.d/n", "x::y/n"); blanks around entries
  // and empty entries are ignored. On failure, nullopt and `bad_entry` is the entry that could not
  // be read.
  static std::optional<IpRanges> parse(std::string_view list, std::string* bad_entry);

  bool contains(std::string_view address) const;
  bool contains(const IpBytes& address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    IpBytes base{};
    int prefix = 128;  // leading bits that must match
  };
  std::vector<Range> ranges_;
};

}  // namespace planetude
