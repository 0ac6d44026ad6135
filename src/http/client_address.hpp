// The address a request comes from, as throttling sees it: the TCP peer's, unless the peer is a
// trusted reverse proxy (TRUSTED_PROXIES). Then X-Forwarded-For is read from its end: each
// trusted proxy appended the address it received the request from, so the first entry from the
// right that is not a trusted proxy is the client. An entry that is not an address stops the walk
// (what lies left of it was written by the client and proves nothing): the last trusted hop is
// used. Without trusted proxies the header is ignored, so a client cannot choose its address.
#pragma once
#include <string>
#include <string_view>

#include "core/ip_ranges.hpp"

namespace planetude::http {

std::string client_address(const std::string& peer, std::string_view forwarded_for, const IpRanges& trusted_proxies);

}  // namespace planetude::http
