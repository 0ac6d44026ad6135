// Conditional reads of a user's own data (RFC 9110 §13.1.2, §15.4.5): GET /api/users/me, the
// planning list and one planning, and the progress report carry an entity tag, and a request whose
// If-None-Match names it gets 304 with no body.
//
// The tag is derived, not hashed from the body: from the user's data version (counted in the
// database by every write to their profile, plannings, sessions or progress, so it holds across
// instances), the request target, the user's local day for reads that depend on the date, and the
// server's representation revision. Deciding a 304 therefore costs nothing beyond authentication,
// which has read the user already. The version is read before the content, so a tag can only be
// older than what it labels: a client may get a 200 it did not need, never a stale 304.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"
#include "store/records.hpp"

namespace planetude::routes {

// The strong entity tag (with its quotes) of a read of `user`'s data at this request's target;
// `day` (YYYY-MM-DD in the user's zone) for content that depends on the date, else empty.
std::string user_data_etag(const store::UserRecord& user, const http::Request& request, std::string_view day = {});

// The 304 answer when the request's If-None-Match names `etag`, else nullopt.
std::optional<http::Response> not_modified(const http::Request& request, const std::string& etag);

// Adds the validators to a 200: ETag, and Cache-Control "private, no-cache" (a browser may keep it
// but must revalidate it each time; shared caches must not keep it).
http::Response with_validators(http::Response response, const std::string& etag);

}  // namespace planetude::routes
