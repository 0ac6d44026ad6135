#include "http/client_address.hpp"

#include "core/text.hpp"

namespace planetude::http {

std::string client_address(const std::string& peer, std::string_view forwarded_for, const IpRanges& trusted_proxies) {
  if (trusted_proxies.empty() || forwarded_for.empty() || !trusted_proxies.contains(peer)) return peer;
  std::string client = peer;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    std::size_t comma = rest.rfind(',');
    const std::string entry = text::trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (entry.empty()) continue;
    if (!parse_ip(entry)) break;
    client = entry;
    if (!trusted_proxies.contains(entry)) break;
  }
  return client;
}

}  // namespace planetude::http
