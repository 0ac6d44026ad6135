#include "http/client_address.hpp"

namespace planetude::http {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string client_address(const std::string& peer, std::string_view forwarded_for, const IpRanges& trusted_proxies) {
  if (trusted_proxies.empty() || forwarded_for.empty() || !trusted_proxies.contains(peer)) return peer;
  std::string client = peer;
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    std::size_t comma = rest.rfind(',');
    std::string_view entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (entry.empty()) continue;
    if (!parse_ip(entry)) break;
    client = std::string(entry);
    if (!trusted_proxies.contains(entry)) break;
  }
  return client;
}

}  // namespace planetude::http
