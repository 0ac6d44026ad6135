// core/ip_ranges (TRUSTED_PROXIES) and http/client_address: which address throttling sees.
#include <gtest/gtest.h>

#include "core/ip_ranges.hpp"
#include "http/client_address.hpp"

namespace {

using planetude::IpRanges;
using planetude::http::client_address;

IpRanges ranges(const char* list) {
  std::string bad;
  auto r = IpRanges::parse(list, &bad);
  EXPECT_TRUE(r.has_value()) << list << ": " << bad;
  return r.value_or(IpRanges{});
}

TEST(IpRanges, AddressesAndCidrRanges) {
  IpRanges r = ranges(" 127.0.0.1 , 10.0.0.0/8,192.168.1.77/24, ::1, fd00::/8,,");
  EXPECT_TRUE(r.contains("127.0.0.1"));
  EXPECT_TRUE(r.contains("::ffff:127.0.0.1"));  // a dual-stack socket's spelling
  EXPECT_FALSE(r.contains("127.0.0.2"));
  EXPECT_TRUE(r.contains("10.255.3.4"));
  EXPECT_FALSE(r.contains("11.0.0.1"));
  EXPECT_TRUE(r.contains("192.168.1.1"));  // the host bits of 192.168.1.77/24 are not part of the range
  EXPECT_FALSE(r.contains("192.168.2.1"));
  EXPECT_TRUE(r.contains("::1"));
  EXPECT_TRUE(r.contains("fd12:3456::1"));
  EXPECT_FALSE(r.contains("fe80::1"));
  EXPECT_FALSE(r.contains("not an address"));
  EXPECT_FALSE(r.contains(""));
}

TEST(IpRanges, OddPrefixesAndTheWholeSpace) {
  IpRanges r = ranges("172.16.0.0/12, 203.0.113.0/31");
  EXPECT_TRUE(r.contains("172.31.255.255"));
  EXPECT_FALSE(r.contains("172.32.0.0"));
  EXPECT_TRUE(r.contains("203.0.113.1"));
  EXPECT_FALSE(r.contains("203.0.113.2"));
  IpRanges all = ranges("0.0.0.0/0");
  EXPECT_TRUE(all.contains("8.8.8.8"));
  EXPECT_FALSE(all.contains("2001:db8::1"));  // IPv4's whole space, not IPv6's
  EXPECT_TRUE(ranges("").empty());
}

TEST(IpRanges, ABadEntryIsNamed) {
  for (const char* bad :
       {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "example.com", "10.0.0.0/8/8", "1.2.3", "10.0.0.0/-1"}) {
    std::string entry;
    EXPECT_FALSE(IpRanges::parse(std::string("127.0.0.1, ") + bad, &entry).has_value()) << bad;
    EXPECT_EQ(entry, bad);
  }
}

TEST(ClientAddress, OnlyATrustedPeerMayNameTheClient) {
  IpRanges proxies = ranges("127.0.0.1, 10.0.0.0/8");
  EXPECT_EQ(client_address("203.0.113.9", "198.51.100.1", proxies), "203.0.113.9");  // not a proxy
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.1", IpRanges{}), "127.0.0.1");   // no proxy trusted
  EXPECT_EQ(client_address("127.0.0.1", "", proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.1", proxies), "198.51.100.1");
}

TEST(ClientAddress, TheFirstUntrustedEntryFromTheRight) {
  IpRanges proxies = ranges("127.0.0.1, 10.0.0.0/8");
  EXPECT_EQ(client_address("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.0.0.2", proxies), "198.51.100.1");
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.1 , ,10.0.0.2,", proxies), "198.51.100.1");
  EXPECT_EQ(client_address("127.0.0.1", "2001:db8::5", proxies), "2001:db8::5");
  // Only proxies: the farthest one is the best that is known.
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.3, 10.0.0.2", proxies), "10.0.0.3");
  // Something that is not an address stops the walk at the last trusted hop.
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.1, unknown", proxies), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "198.51.100.1, unknown, 10.0.0.2", proxies), "10.0.0.2");
  EXPECT_EQ(client_address("127.0.0.1", "[2001:db8::5]:443", proxies), "127.0.0.1");
}

}  // namespace
