// http/client's pure parts: parse_url (IPv6 literals included), the Host header and CONNECT
// authority, IP-literal detection (no SNI for addresses), the NO_PROXY matcher.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "http_client/client.hpp"

using planetude::http::authority;
using planetude::http::bypasses_proxy;
using planetude::http::host_header_value;
using planetude::http::is_ip_literal;
using planetude::http::NoProxyList;
using planetude::http::parse_url;
using planetude::http::Url;

namespace {

Url url(const std::string& text) {
  auto u = parse_url(text);
  if (!u) throw std::runtime_error("not a URL: " + text);
  return *u;
}

}  // namespace

// ---- parse_url ----------------------------------------------------------------------------------------

TEST(ParseUrl, SchemesDefaultPortsAndPaths) {
  Url a = url("https://generativelanguage.googleapis.com");
  EXPECT_TRUE(a.tls);
  EXPECT_EQ(a.host, "generativelanguage.googleapis.com");
  EXPECT_EQ(a.port, "443");
  EXPECT_EQ(a.path, "");

  Url b = url("http://localhost:11434/v1/");
  EXPECT_FALSE(b.tls);
  EXPECT_EQ(b.host, "localhost");
  EXPECT_EQ(b.port, "11434");
  EXPECT_EQ(b.path, "/v1");

  EXPECT_EQ(url("http://example.com/").port, "80");
  EXPECT_EQ(url("http://user:secret@proxy.local:3128").host, "proxy.local");  // credentials dropped
}

TEST(ParseUrl, BracketedIpv6Literals) {
  Url a = url("http://[::1]:8080/x");
  EXPECT_EQ(a.host, "::1");  // bare, for the resolver
  EXPECT_EQ(a.port, "8080");
  EXPECT_EQ(a.path, "/x");

  Url b = url("https://[2001:db8::42]");
  EXPECT_EQ(b.host, "2001:db8::42");
  EXPECT_EQ(b.port, "443");

  Url c = url("http://user:pw@[::1]:3128");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, "3128");
}

TEST(ParseUrl, MalformedUrlsAreRefused) {
  for (const char* bad :
       {"ftp://example.com", "example.com", "http://", "https://:443", "http://host:", "http://host:8a",
        "http://host:0", "http://host:65536", "http://[::1", "http://[::1]8080", "http://[]:80", "http://[not-v6]:80",
        "http://[127.0.0.1]:80", "http://::1/x", "http://[::1]:/x"})
    EXPECT_FALSE(parse_url(bad).has_value()) << bad;
  EXPECT_TRUE(parse_url("http://host:65535").has_value());
}

// ---- Host header, CONNECT authority, IP literals ------------------------------------------------------

TEST(HostHeader, NamesThePortUnlessItIsTheSchemesDefault) {
  EXPECT_EQ(host_header_value(url("https://api.example")), "api.example");
  EXPECT_EQ(host_header_value(url("https://api.example:443")), "api.example");
  EXPECT_EQ(host_header_value(url("http://api.example:80")), "api.example");
  EXPECT_EQ(host_header_value(url("https://localhost:8443")), "localhost:8443");
  EXPECT_EQ(host_header_value(url("http://127.0.0.1:11434/v1")), "127.0.0.1:11434");
  // The other scheme's default port is not a default.
  EXPECT_EQ(host_header_value(url("https://api.example:80")), "api.example:80");
  EXPECT_EQ(host_header_value(url("http://api.example:443")), "api.example:443");
}

TEST(HostHeader, Ipv6LiteralsKeepTheirBrackets) {
  EXPECT_EQ(host_header_value(url("http://[::1]:8080")), "[::1]:8080");
  EXPECT_EQ(host_header_value(url("https://[2001:db8::1]")), "[2001:db8::1]");
}

TEST(ConnectAuthority, AlwaysHostColonPort) {
  EXPECT_EQ(authority(url("https://api.example")), "api.example:443");
  EXPECT_EQ(authority(url("https://localhost:8443")), "localhost:8443");
  EXPECT_EQ(authority(url("https://[::1]:8443")), "[::1]:8443");
}

TEST(IsIpLiteral, AddressesButNotNames) {
  for (const char* ip : {"127.0.0.1", "10.0.0.7", "::1", "2001:db8::42", "::ffff:192.0.2.1"})
    EXPECT_TRUE(is_ip_literal(ip)) << ip;
  for (const char* name : {"localhost", "api.example", "1.2.3.example", "[::1]", "", "256.1.1.1"})
    EXPECT_FALSE(is_ip_literal(name)) << name;
}

// ---- NO_PROXY -----------------------------------------------------------------------------------------

TEST(NoProxy, EmptyListBypassesNothing) { EXPECT_FALSE(bypasses_proxy({}, url("https://api.example"))); }

TEST(NoProxy, StarBypassesEverything) {
  EXPECT_TRUE(bypasses_proxy({"*"}, url("https://api.example")));
  EXPECT_TRUE(bypasses_proxy({"other.example", "*"}, url("https://[::1]:8443")));
}

TEST(NoProxy, NamesMatchThemselvesAndTheirSubdomains) {
  for (const NoProxyList& list : {NoProxyList{"example.com"}, NoProxyList{".example.com"}}) {
    EXPECT_TRUE(bypasses_proxy(list, url("https://example.com"))) << list[0];
    EXPECT_TRUE(bypasses_proxy(list, url("https://api.example.com"))) << list[0];
    EXPECT_TRUE(bypasses_proxy(list, url("https://a.b.example.com:8443"))) << list[0];
    EXPECT_FALSE(bypasses_proxy(list, url("https://badexample.com"))) << list[0];
    EXPECT_FALSE(bypasses_proxy(list, url("https://example.com.evil.test"))) << list[0];
    EXPECT_FALSE(bypasses_proxy(list, url("https://example.org"))) << list[0];
  }
}

TEST(NoProxy, HostsAreComparedCaseInsensitively) {
  // Entries come lower-cased from load_config; URLs may not be.
  EXPECT_TRUE(bypasses_proxy({"example.com"}, url("https://API.Example.COM")));
}

TEST(NoProxy, PortsRestrictTheEntry) {
  NoProxyList list{"localhost:8443"};
  EXPECT_TRUE(bypasses_proxy(list, url("https://localhost:8443")));
  EXPECT_FALSE(bypasses_proxy(list, url("https://localhost")));
  EXPECT_FALSE(bypasses_proxy(list, url("https://localhost:9443")));
  EXPECT_TRUE(bypasses_proxy({"example.com:443"}, url("https://api.example.com")));
}

TEST(NoProxy, IpAddressesMatchExactly) {
  EXPECT_TRUE(bypasses_proxy({"127.0.0.1"}, url("https://127.0.0.1:8443")));
  EXPECT_TRUE(bypasses_proxy({"10.0.0.7:8443"}, url("https://10.0.0.7:8443")));
  EXPECT_FALSE(bypasses_proxy({"10.0.0.7:8443"}, url("https://10.0.0.7")));
  EXPECT_FALSE(bypasses_proxy({"0.0.1"}, url("https://10.0.0.1")));       // no suffix matching of addresses
  EXPECT_FALSE(bypasses_proxy({"127.0.0.1"}, url("https://localhost")));  // names are not resolved
}

TEST(NoProxy, Ipv6EntriesBareOrBracketed) {
  for (const char* entry : {"::1", "[::1]", "0:0:0:0:0:0:0:1"})
    EXPECT_TRUE(bypasses_proxy({entry}, url("https://[::1]:8443"))) << entry;
  EXPECT_TRUE(bypasses_proxy({"[::1]:8443"}, url("https://[::1]:8443")));
  EXPECT_FALSE(bypasses_proxy({"[::1]:9443"}, url("https://[::1]:8443")));
  EXPECT_FALSE(bypasses_proxy({"::2"}, url("https://[::1]")));
}

TEST(NoProxy, MalformedEntriesMatchNothing) {
  for (const char* entry : {"[::1", "localhost:abc", ".", ""})
    EXPECT_FALSE(bypasses_proxy({entry}, url("https://localhost"))) << entry;
}
