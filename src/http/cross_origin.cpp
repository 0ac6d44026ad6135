#include "http/cross_origin.hpp"

#include <algorithm>

namespace planetude::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "scheme://host[:port]" in a canonical form (lower case, default port written out), or ""
// when `origin` is not a tuple origin ("null", garbage).
std::string canonical_origin(std::string_view origin) {
  std::string o = lower(origin);
  while (!o.empty() && o.back() == '/') o.pop_back();
  std::string scheme;
  if (o.rfind("http://", 0) == 0) scheme = "http";
  else if (o.rfind("https://", 0) == 0) scheme = "https";
  else return "";
  std::string authority = o.substr(scheme.size() + 3);
  if (authority.empty() || authority.find_first_of("/?#@ ") != std::string::npos) return "";
  bool has_port = authority.front() == '[' ? authority.find("]:") != std::string::npos  // [IPv6]:port
                                           : authority.find(':') != std::string::npos;
  if (!has_port) authority += scheme == "http" ? ":80" : ":443";
  return scheme + "://" + authority;
}

bool is_unsafe(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

}  // namespace

CrossOriginGuard::CrossOriginGuard(std::vector<std::string> trusted_origins) {
  for (std::string o : trusted_origins) {
    // A URL such as PUBLIC_URL may carry a path: its origin is what precedes it.
    if (auto scheme_end = o.find("://"); scheme_end != std::string::npos)
      if (auto slash = o.find('/', scheme_end + 3); slash != std::string::npos) o.resize(slash);
    if (auto c = canonical_origin(o); !c.empty()) trusted_.push_back(c);
  }
}

bool CrossOriginGuard::trusted(std::string_view origin, std::string_view host) const {
  std::string canonical = canonical_origin(origin);
  if (canonical.empty()) return false;  // "null" (sandboxed frames, some redirects) or malformed
  if (std::find(trusted_.begin(), trusted_.end(), canonical) != trusted_.end()) return true;
  // Same origin: the page was served by this host. TLS may end at a proxy, so either scheme
  // with the Host header's authority counts.
  std::string scheme = canonical.substr(0, canonical.find(':'));
  return !host.empty() && canonical == canonical_origin(scheme + "://" + std::string(host));
}

bool CrossOriginGuard::refuses(const Request& request) const {
  if (!is_unsafe(request.method())) return false;
  if (!request.header("Authorization").empty() || !request.cookie("token")) return false;
  std::string_view origin = request.header("Origin");
  if (!origin.empty()) return !trusted(origin, request.header("Host"));
  std::string site = lower(request.header("Sec-Fetch-Site"));
  return site == "cross-site" || site == "same-site";
}

}  // namespace planetude::http
