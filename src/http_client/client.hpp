// Outbound HTTP(S) for the AI providers: asynchronous (no thread waits on the network), TLS with
// certificate and host-name verification against the system CA store, HTTPS_PROXY tunnelling,
// a total deadline and a first-byte timeout, and cancellation when the student hangs up.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cancellation.hpp"

namespace planetude::http {

struct Url {
  bool tls = false;
  std::string host;  // an IPv6 literal without its brackets, as the resolver wants it
  std::string port;
  std::string path;  // without a trailing slash; "" for the root
};
// http://host[:port][/path] or https://…, host possibly a bracketed IPv6 literal ("[::1]");
// nullopt when malformed.
std::optional<Url> parse_url(std::string_view text);

// True when `host` is an IPv4 or IPv6 address rather than a name.
bool is_ip_literal(std::string_view host);
// "host:port", the IPv6 literal in brackets: the target of a CONNECT.
std::string authority(const Url& url);
// The Host header of a request to `url` (RFC 9110 §7.2): the port is named unless it is the scheme's
// default, an IPv6 literal is in brackets.
std::string host_header_value(const Url& url);

// NO_PROXY entries, as load_config normalises them (trimmed, lower-cased, none empty): "*" (every
// host), a host name matching itself and its subdomains ("example.com" or ".example.com"), an IP
// address (IPv6 bare or bracketed), each optionally followed by ":port".
using NoProxyList = std::vector<std::string>;
// True when a call to `url` must not go through the proxy.
bool bypasses_proxy(const NoProxyList& no_proxy, const Url& url);

using planetude::Cancellation;

struct ClientRequest {
  std::string method = "POST";
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct ClientResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                            // empty when streamed to `on_data`
};

enum class ClientFailure { timeout, first_byte_timeout, network, tls, cancelled, too_large, proxy };

class ClientError : public std::runtime_error {
 public:
  ClientError(ClientFailure kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ClientFailure kind() const { return kind_; }

 private:
  ClientFailure kind_;
};

struct CallLimits {
  std::chrono::steady_clock::time_point deadline;  // the whole call, streaming included
  std::chrono::milliseconds first_byte{10000};     // from sending to the status line
  std::size_t max_body = std::size_t{8} * 1024 * 1024;
};

// Receives the body of a 2xx answer piece by piece (streaming); not called for errors, whose body
// is collected in ClientResponse::body.
using BodySink = std::function<boost::asio::awaitable<void>(std::string)>;

class HttpClient {
 public:
  // `proxy`: the HTTPS_PROXY URL, used for https:// targets only, except the hosts of `no_proxy`.
  explicit HttpClient(std::optional<Url> proxy, NoProxyList no_proxy = {});
  boost::asio::awaitable<ClientResponse> send(Url url, ClientRequest request, CallLimits limits, BodySink on_data,
                                              Cancellation* cancel);

 private:
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::optional<Url> proxy_;
  NoProxyList no_proxy_;
};

}  // namespace planetude::http
