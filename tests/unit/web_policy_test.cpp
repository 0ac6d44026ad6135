// The HTTP policy of the web app: content-coding negotiation (RFC 9110 §12.5.3), If-None-Match
// (§13.1.2), the cross-origin write guard, and how an embedded file is answered.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/accept_encoding.hpp"
#include "http/conditional.hpp"
#include "http/cross_origin.hpp"
#include "http/message.hpp"
#include "routes/web_app_routes.hpp"

namespace {

namespace bhttp = boost::beast::http;
using planetude::http::choose_content_coding;
using planetude::http::ContentCoding;
using planetude::http::CrossOriginGuard;
using planetude::http::if_none_match_hits;
using planetude::http::Request;
using planetude::http::Response;
using planetude::resources::WebAsset;
using Headers = std::vector<std::pair<std::string, std::string>>;

Request request(std::string_view method, Headers headers) {
  Request req;
  req.raw.method_string(method);
  req.raw.target("/api/planning");
  for (const auto& [n, v] : headers) req.raw.insert(n, v);
  return req;
}

std::optional<std::string> header(const Response& r, const std::string& name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return std::nullopt;
}

ContentCoding coding(std::string_view accept, bool gz = true, bool br = true) {
  return choose_content_coding(accept, gz, br).coding;
}

}  // namespace

TEST(AcceptEncoding, WithoutPreferenceIdentity) {
  EXPECT_EQ(coding(""), ContentCoding::identity);
  EXPECT_EQ(coding("   "), ContentCoding::identity);
}

TEST(AcceptEncoding, PrefersBrotliThenGzipOnEqualWeights) {
  EXPECT_EQ(coding("gzip, deflate, br"), ContentCoding::br);
  EXPECT_EQ(coding("gzip, br", true, false), ContentCoding::gzip);
  EXPECT_EQ(coding("br", true, false), ContentCoding::identity);  // asked for what we lack
  EXPECT_EQ(coding("GZIP"), ContentCoding::gzip);                 // tokens are case-insensitive
  EXPECT_EQ(coding("x-gzip"), ContentCoding::gzip);
}

TEST(AcceptEncoding, QValuesDecide) {
  EXPECT_EQ(coding("br;q=0.5, gzip;q=0.8"), ContentCoding::gzip);
  EXPECT_EQ(coding("br;q=0, gzip"), ContentCoding::gzip);
  EXPECT_EQ(coding("br;q=0, gzip;q=0"), ContentCoding::identity);
  EXPECT_EQ(coding("identity;q=1, br;q=0.9"), ContentCoding::identity);
  EXPECT_EQ(coding("br ; q=1.000"), ContentCoding::br);
  EXPECT_EQ(coding("br;q=0.001"), ContentCoding::br);
}

TEST(AcceptEncoding, WildcardCoversTheCodingsNotNamed) {
  EXPECT_EQ(coding("*"), ContentCoding::br);
  EXPECT_EQ(coding("*;q=0.5, br;q=0"), ContentCoding::gzip);
  // "*;q=0" refuses identity too when identity is not named: nothing acceptable is left.
  auto none = choose_content_coding("*;q=0", false, false);
  EXPECT_FALSE(none.acceptable);
  EXPECT_EQ(none.coding, ContentCoding::identity);
  EXPECT_TRUE(choose_content_coding("*;q=0, identity", false, false).acceptable);
}

TEST(AcceptEncoding, MalformedWeightsAreIgnored) {
  // A bad q-value drops that member only (q=2, q=0.1234, q=abc are not qvalues).
  EXPECT_EQ(coding("br;q=2, gzip"), ContentCoding::gzip);
  EXPECT_EQ(coding("br;q=0.1234, gzip;q=0.1"), ContentCoding::gzip);
  EXPECT_EQ(coding("br;q=abc"), ContentCoding::identity);
  EXPECT_EQ(coding(",,, ;, br"), ContentCoding::br);
}

TEST(IfNoneMatch, MatchesByWeakComparison) {
  EXPECT_TRUE(if_none_match_hits("\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_hits("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_hits("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(if_none_match_hits(" * ", "\"abc\""));
  EXPECT_TRUE(if_none_match_hits("\"a,b\", \"abc\"", "\"abc\""));  // commas inside a tag
  EXPECT_FALSE(if_none_match_hits("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_hits("", "\"abc\""));
  EXPECT_FALSE(if_none_match_hits("abc", "\"abc\""));    // not a quoted tag: malformed, ignored
  EXPECT_FALSE(if_none_match_hits("\"abc", "\"abc\""));  // unterminated
  EXPECT_FALSE(if_none_match_hits("\"x\" junk", "\"abc\""));
  // The whole field is read: a match followed by something malformed is no match.
  EXPECT_FALSE(if_none_match_hits("\"abc\" junk", "\"abc\""));
  EXPECT_FALSE(if_none_match_hits("\"abc\"\"x\"", "\"abc\""));
  EXPECT_FALSE(if_none_match_hits("\"abc\", W/", "\"abc\""));
  EXPECT_TRUE(if_none_match_hits("\"abc\" , \"x\",", "\"abc\""));
}

TEST(CrossOriginGuard, RefusesCookieWritesFromAnotherOrigin) {
  CrossOriginGuard guard({});
  Headers victim{{"Host", "app.example:5000"}, {"Cookie", "token=abc"}};
  auto with = [&](Headers extra, std::string_view method = "POST") {
    Headers all = victim;
    all.insert(all.end(), extra.begin(), extra.end());
    return guard.refuses(request(method, all));
  };
  EXPECT_TRUE(with({{"Origin", "http://evil.example"}}));
  EXPECT_TRUE(with({{"Origin", "http://app.example:5001"}}));  // another port is another origin
  EXPECT_TRUE(with({{"Origin", "null"}}));
  EXPECT_TRUE(with({{"Origin", "http://evil.example"}}, "DELETE"));
  EXPECT_TRUE(with({{"Origin", "http://evil.example"}}, "PATCH"));
  EXPECT_TRUE(with({{"Origin", "http://evil.example"}}, "PUT"));
  EXPECT_TRUE(with({{"Sec-Fetch-Site", "cross-site"}}));
  EXPECT_TRUE(with({{"Sec-Fetch-Site", "same-site"}}));  // a sibling subdomain is not us
  // Its own pages, in any case and with the default port written or not.
  EXPECT_FALSE(with({{"Origin", "http://app.example:5000"}}));
  EXPECT_FALSE(with({{"Origin", "HTTP://APP.EXAMPLE:5000"}}));
  EXPECT_FALSE(with({{"Sec-Fetch-Site", "same-origin"}}));
  EXPECT_FALSE(with({{"Sec-Fetch-Site", "none"}}));
  EXPECT_FALSE(with({}));  // no browser header: a script, not a forged page
}

TEST(CrossOriginGuard, OnlyCookieAuthenticatedUnsafeRequests) {
  CrossOriginGuard guard({});
  Headers evil{{"Host", "app.example"}, {"Origin", "http://evil.example"}};
  EXPECT_FALSE(guard.refuses(request("POST", evil)));  // no cookie: nothing ambient to abuse
  Headers bearer = evil;
  bearer.emplace_back("Cookie", "token=abc");
  bearer.emplace_back("Authorization", "Bearer x");
  EXPECT_FALSE(guard.refuses(request("POST", bearer)));  // the bearer token decides, not the cookie
  Headers cookie = evil;
  cookie.emplace_back("Cookie", "theme=dark; token=abc");
  EXPECT_FALSE(guard.refuses(request("GET", cookie)));
  EXPECT_FALSE(guard.refuses(request("HEAD", cookie)));
  EXPECT_FALSE(guard.refuses(request("OPTIONS", cookie)));
  EXPECT_TRUE(guard.refuses(request("POST", cookie)));
}

TEST(CrossOriginGuard, TrustedOriginsAndDefaultPorts) {
  CrossOriginGuard guard({"https://planetude.example/app/", "http://localhost:3000"});
  auto post = [&](std::string host, std::string origin) {
    return guard.refuses(request("POST", {{"Host", host}, {"Cookie", "token=t"}, {"Origin", origin}}));
  };
  EXPECT_FALSE(post("10.0.0.5:5000", "https://planetude.example"));  // behind a proxy: PUBLIC_URL
  EXPECT_FALSE(post("10.0.0.5:5000", "https://planetude.example:443"));
  EXPECT_FALSE(post("10.0.0.5:5000", "http://localhost:3000"));  // CORS_ORIGIN
  EXPECT_TRUE(post("10.0.0.5:5000", "http://planetude.example"));
  EXPECT_FALSE(post("planetude.example", "https://planetude.example"));  // TLS ended at a proxy
  EXPECT_FALSE(post("[::1]:5000", "http://[::1]:5000"));
  EXPECT_TRUE(post("[::1]:5000", "http://[::1]:5001"));
  EXPECT_TRUE(post("a.example", "http://a.example@evil.example"));
}

namespace {
const WebAsset kIndex{"/index.html", "text/html; charset=utf-8", "abc123", false, "<html>", "GZ", "BR"};
const WebAsset kScript{"/assets/app-XYZ.js", "text/javascript; charset=utf-8", "def", true, "js", "", ""};
}  // namespace

TEST(WebAsset, NegotiatesTheEncodingWithItsOwnTag) {
  Response br = planetude::routes::serve_asset(kIndex, request("GET", {{"Accept-Encoding", "gzip, br"}}));
  EXPECT_EQ(br.status, 200u);
  EXPECT_EQ(br.body, "BR");
  EXPECT_EQ(header(br, "Content-Encoding"), "br");
  EXPECT_EQ(header(br, "ETag"), "\"abc123-br\"");
  EXPECT_EQ(header(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(header(br, "Cache-Control"), "no-cache");
  Response plain = planetude::routes::serve_asset(kIndex, request("GET", {}));
  EXPECT_EQ(plain.body, "<html>");
  EXPECT_EQ(header(plain, "Content-Encoding"), std::nullopt);
  EXPECT_EQ(header(plain, "ETag"), "\"abc123\"");
  EXPECT_EQ(plain.content_type, "text/html; charset=utf-8");
  auto csp = header(plain, "Content-Security-Policy");
  ASSERT_TRUE(csp);
  EXPECT_NE(csp->find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp->find("unsafe"), std::string::npos);
}

TEST(WebAsset, RevalidationGets304WithoutBody) {
  Response r = planetude::routes::serve_asset(
      kIndex, request("GET", {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"abc123-gz\""}}));
  EXPECT_EQ(r.status, 304u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header(r, "ETag"), "\"abc123-gz\"");
  // The tag of another encoding is another representation: full answer.
  Response other = planetude::routes::serve_asset(
      kIndex, request("GET", {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"abc123-br\""}}));
  EXPECT_EQ(other.status, 200u);
  EXPECT_EQ(other.body, "GZ");
}

TEST(WebAsset, HashedAssetsAreImmutableAndUncompressedOnesDoNotVary) {
  Response r = planetude::routes::serve_asset(kScript, request("GET", {{"Accept-Encoding", "br"}}));
  EXPECT_EQ(r.body, "js");
  EXPECT_EQ(header(r, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(r, "Vary"), std::nullopt);
}

TEST(WebAsset, ClientRoutes) {
  using planetude::routes::is_client_route;
  for (const char* p : {"/", "/planning", "/planning/jour", "/coach", "/reglages", "/connexion", "/progres/"})
    EXPECT_TRUE(is_client_route(p)) << p;
  for (const char* p :
       {"/api", "/api/nothing", "/cal/x.ics", "/assets/missing-1.js", "/favicon.ico", "/nope", "/planningx", ""})
    EXPECT_FALSE(is_client_route(p)) << p;
}

TEST(WebAsset, BrowsersLandingOnAnUnknownPageGetTheApp) {
  using planetude::routes::is_page_navigation;
  constexpr const char* kBrowser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
  EXPECT_TRUE(is_page_navigation("/nope", kBrowser));
  EXPECT_TRUE(is_page_navigation("/a/b", kBrowser));
  for (const char* p : {"/api/nope", "/cal/x", "/assets/x", "/missing.png", "/api"})
    EXPECT_FALSE(is_page_navigation(p, kBrowser)) << p;
  EXPECT_FALSE(is_page_navigation("/nope", "*/*"));
  EXPECT_FALSE(is_page_navigation("/nope", "application/json"));
  EXPECT_FALSE(is_page_navigation("/nope", ""));
}
