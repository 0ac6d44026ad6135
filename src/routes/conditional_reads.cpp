#include "routes/conditional_reads.hpp"

#include <cstdint>
#include <cstdio>

#include "http/conditional.hpp"

namespace planetude::routes {

namespace {

// Changes when these reads' JSON changes shape, so that copies from an older server are not
// taken as current by a newer one sharing the same database.
constexpr std::string_view kRepresentationRevision = "1";

// FNV-1a, 64 bits: stable across builds and instances (std::hash is not), and cheap. Each part is
// preceded by its length so that ("ab", "c") and ("a", "bc") differ.
class TagHash {
 public:
  void add(std::string_view part) {
    std::uint64_t n = part.size();
    for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(n >> (8 * i)));
    for (unsigned char c : part) mix(c);
  }
  std::uint64_t value() const { return h_; }

 private:
  void mix(unsigned char c) {
    h_ ^= c;
    h_ *= 1099511628211ULL;
  }
  std::uint64_t h_ = 14695981039346656037ULL;
};

}  // namespace

std::string user_data_etag(const store::UserRecord& user, const http::Request& request, std::string_view day) {
  TagHash h;
  h.add(PLANETUDE_VERSION);
  h.add(kRepresentationRevision);
  h.add(user.id);
  h.add(day);
  h.add(request.path);
  for (const auto& [name, value] : request.query) {
    h.add(name);
    h.add(value);
  }
  char opaque[48];
  std::snprintf(opaque, sizeof opaque, "%lld-%016llx", static_cast<long long>(user.data_version),
                static_cast<unsigned long long>(h.value()));
  return http::quoted_etag(opaque);
}

std::optional<http::Response> not_modified(const http::Request& request, const std::string& etag) {
  if (!http::if_none_match_hits(request.header("If-None-Match"), etag)) return std::nullopt;
  http::Response r;
  r.status = 304;
  return with_validators(std::move(r), etag);
}

http::Response with_validators(http::Response response, const std::string& etag) {
  response.with_header("ETag", etag);
  response.with_header("Cache-Control", "private, no-cache");
  return response;
}

}  // namespace planetude::routes
