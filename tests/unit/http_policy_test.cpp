// The HTTP policy pieces of src/http/: how errors become responses, CORS, X-Request-Id, the
// security headers and the JSON content type (docs/api.md, "Conventions").
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.hpp"
#include "http/content_type.hpp"
#include "http/cors.hpp"
#include "http/error_response.hpp"
#include "http/message.hpp"
#include "http/request_id.hpp"
#include "http/security_headers.hpp"

namespace {

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using planetude::DomainError;
using planetude::ErrorKind;
using planetude::RateLimited;
using planetude::RetryInfo;
using planetude::http::Cors;
using planetude::http::Request;
using planetude::http::Response;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the one header called `name`; nullopt when absent, a failure when repeated.
std::optional<std::string> header(const Response& r, const std::string& name) {
  std::optional<std::string> found;
  for (const auto& [n, v] : r.headers) {
    if (n != name) continue;
    if (found) ADD_FAILURE() << name << " appears more than once";
    found = v;
  }
  return found;
}

// The names of the headers whose name starts with `prefix`.
std::vector<std::string> headers_starting(const Response& r, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& [n, v] : r.headers)
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  return out;
}

Request request(bhttp::verb method, Headers headers = {}) {
  Request req;
  req.raw.method(method);
  req.raw.target("/api/planning");
  for (const auto& [n, v] : headers) req.raw.set(n, v);
  return req;
}

// ---------------------------------------------------------------------------------------------
// error_response

TEST(HttpPolicyErrorResponse, EachKindHasItsStatus) {
  using planetude::http::status_of;
  EXPECT_EQ(status_of(ErrorKind::invalid_input), 400u);
  EXPECT_EQ(status_of(ErrorKind::unauthenticated), 401u);
  EXPECT_EQ(status_of(ErrorKind::not_found), 404u);
  EXPECT_EQ(status_of(ErrorKind::conflict), 409u);
  EXPECT_EQ(status_of(ErrorKind::rate_limited), 429u);
  EXPECT_EQ(status_of(ErrorKind::unavailable), 503u);
  EXPECT_EQ(status_of(ErrorKind::internal), 500u);
}

TEST(HttpPolicyErrorResponse, TheResponseTakesTheStatusOfTheKind) {
  using planetude::http::error_response;
  EXPECT_EQ(error_response(planetude::errors::not_found()).status, 404u);
  EXPECT_EQ(error_response(planetude::errors::token_expired()).status, 401u);
  EXPECT_EQ(error_response(planetude::errors::invalid_json()).status, 400u);
  EXPECT_EQ(error_response(planetude::errors::conflict("email_taken", "Déjà pris.")).status, 409u);
  EXPECT_EQ(error_response(planetude::errors::unavailable("not_ready", "Pas prêt.")).status, 503u);
  EXPECT_EQ(error_response(planetude::errors::internal()).status, 500u);
}

TEST(HttpPolicyErrorResponse, BodyHoldsCodeAndMessageOnly) {
  Response r = planetude::http::error_response(planetude::errors::not_found());
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":{"code":"not_found","message":"Ressource introuvable."}})"));
  EXPECT_TRUE(r.headers.empty());
}

TEST(HttpPolicyErrorResponse, DetailsListEachFieldWithItsPath) {
  DomainError e = planetude::errors::validation(
      {{"matiere", "doit faire 1 à 100 caractères"}, {"sessions[2].debut", "doit précéder la fin"}});
  Response r = planetude::http::error_response(e);
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(json::parse(r.body), json::parse(R"json({"error":{
      "code":"validation_failed",
      "message":"Le champ « matiere » doit faire 1 à 100 caractères. (1 autre(s) problème(s))",
      "details":[{"path":"matiere","message":"doit faire 1 à 100 caractères"},
                 {"path":"sessions[2].debut","message":"doit précéder la fin"}]}})json"));
}

TEST(HttpPolicyErrorResponse, RateLimitedCarriesRetryAfterAndRateLimitHeaders) {
  Response r = planetude::http::error_response(RateLimited("Trop de tentatives.", RetryInfo{10, 42}));
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(json::parse(r.body), json::parse(R"({"error":{"code":"rate_limited","message":"Trop de tentatives."}})"));
  EXPECT_EQ(header(r, "Retry-After"), "42");
  EXPECT_EQ(header(r, "RateLimit-Limit"), "10");
  EXPECT_EQ(header(r, "RateLimit-Remaining"), "0");
  EXPECT_EQ(header(r, "RateLimit-Reset"), "42");
  EXPECT_EQ(r.headers.size(), 4u);
}

TEST(HttpPolicyErrorResponse, RateLimitedNeverSaysRetryAfterZero) {
  Response now = planetude::http::error_response(RateLimited("Trop.", RetryInfo{20, 0}));
  EXPECT_EQ(header(now, "Retry-After"), "1");
  EXPECT_EQ(header(now, "RateLimit-Reset"), "1");
  Response past = planetude::http::error_response(RateLimited("Trop.", RetryInfo{20, -5}));
  EXPECT_EQ(header(past, "Retry-After"), "1");
  EXPECT_EQ(header(past, "RateLimit-Reset"), "1");
}

TEST(HttpPolicyErrorResponse, OtherKindsCarryNoRateLimitHeaders) {
  DomainError e(ErrorKind::rate_limited, "rate_limited", "Sans informations de reprise.");
  Response r = planetude::http::error_response(e);
  EXPECT_EQ(r.status, 429u);
  EXPECT_TRUE(r.headers.empty());  // no RetryInfo: nothing to announce
}

TEST(HttpPolicyErrorResponse, TheHttpLevelOverloadUsesTheSameBody) {
  Response r = planetude::http::error_response(405, "method_not_allowed", "Méthode non autorisée sur cette ressource.");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(
      json::parse(r.body),
      json::parse(R"({"error":{"code":"method_not_allowed","message":"Méthode non autorisée sur cette ressource."}})"));
  EXPECT_TRUE(r.headers.empty());
}

TEST(HttpPolicyErrorResponse, MessagesAreEscapedAsJson) {
  Response r = planetude::http::error_response(400, "bad_request", "Il a dit \"non\"\n\\ fin");
  json::value body = json::parse(r.body);
  EXPECT_EQ(body.at("error").at("message").as_string(), "Il a dit \"non\"\n\\ fin");
}

TEST(HttpPolicyErrorResponse, RateLimitHeadersOnAnAnswer) {
  Response r = Response::json(200, json::object{{"ok", true}});
  planetude::http::add_rate_limit_headers(r, 20, 7, 13);
  EXPECT_EQ(r.headers, (Headers{{"RateLimit-Limit", "20"}, {"RateLimit-Remaining", "7"}, {"RateLimit-Reset", "13"}}));
  Response late = Response::no_content();
  planetude::http::add_rate_limit_headers(late, 20, 20, -2);
  EXPECT_EQ(header(late, "RateLimit-Reset"), "0");  // a window already free resets in 0 s, never less
}

// ---------------------------------------------------------------------------------------------
// CORS

const std::vector<std::string> kMethods{"GET", "POST"};

TEST(HttpPolicyCors, APreflightIsAnOptionsWithOriginAndRequestMethod) {
  EXPECT_TRUE(Cors::is_preflight(
      request(bhttp::verb::options, {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}})));
  EXPECT_FALSE(Cors::is_preflight(request(bhttp::verb::options, {{"Origin", "https://app.example"}})));
  EXPECT_FALSE(Cors::is_preflight(request(bhttp::verb::options, {{"Access-Control-Request-Method", "POST"}})));
  EXPECT_FALSE(Cors::is_preflight(
      request(bhttp::verb::get, {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "POST"}})));
}

TEST(HttpPolicyCors, PreflightFromAnAllowedOrigin) {
  Cors cors({"https://app.example", "https://admin.example"});
  Response r = cors.preflight(
      request(bhttp::verb::options, {{"Origin", "https://admin.example"}, {"Access-Control-Request-Method", "POST"}}),
      kMethods);
  EXPECT_EQ(r.status, 204u);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header(r, "Vary"), "Origin");
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://admin.example");
  EXPECT_EQ(header(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "GET, POST");
  EXPECT_EQ(header(r, "Access-Control-Allow-Headers"), "Authorization, Content-Type, Accept, X-Request-Id");
  EXPECT_EQ(header(r, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(r.headers.size(), 6u);
}

TEST(HttpPolicyCors, PreflightFromAnotherOriginGetsNoCorsHeaders) {
  Cors cors({"https://app.example"});
  for (const char* origin : {"https://evil.example", "https://app.example.evil.example", "http://app.example",
                             "https://app.example:8443", "null"}) {
    Response r = cors.preflight(
        request(bhttp::verb::options, {{"Origin", origin}, {"Access-Control-Request-Method", "GET"}}), kMethods);
    EXPECT_EQ(r.status, 204u) << origin;
    EXPECT_EQ(header(r, "Vary"), "Origin") << origin;
    EXPECT_EQ(headers_starting(r, "Access-Control-"), std::vector<std::string>{}) << origin;
  }
}

TEST(HttpPolicyCors, AnAllowedOriginIsGrantedOnAnOrdinaryResponse) {
  Cors cors({"https://app.example"});
  Response r = Response::json(200, json::object{});
  cors.apply(request(bhttp::verb::get, {{"Origin", "https://app.example"}}), r);
  EXPECT_EQ(header(r, "Vary"), "Origin");
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(header(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header(r, "Access-Control-Expose-Headers"),
            "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
  EXPECT_EQ(r.headers.size(), 4u);
}

TEST(HttpPolicyCors, AnotherOriginGetsOnlyVary) {
  Cors cors({"https://app.example"});
  Response r = Response::json(200, json::object{});
  cors.apply(request(bhttp::verb::get, {{"Origin", "https://APP.example"}}), r);  // origins match exactly
  EXPECT_EQ(r.headers, (Headers{{"Vary", "Origin"}}));
}

TEST(HttpPolicyCors, NoOriginNoCorsHeaders) {
  // A same-origin or non-browser request: nothing is granted, but the answer still varies by
  // Origin so that a cache does not hand it to a cross-origin caller.
  Cors cors({"https://app.example"});
  Response r = Response::json(200, json::object{});
  cors.apply(request(bhttp::verb::get), r);
  EXPECT_EQ(r.headers, (Headers{{"Vary", "Origin"}}));
}

TEST(HttpPolicyCors, WithoutConfiguredOriginsNothingIsAdded) {
  Cors cors(std::vector<std::string>{});
  Response r = Response::json(200, json::object{});
  cors.apply(request(bhttp::verb::get, {{"Origin", "https://app.example"}}), r);
  EXPECT_TRUE(r.headers.empty());
  Response pre = cors.preflight(
      request(bhttp::verb::options, {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}}),
      kMethods);
  EXPECT_EQ(headers_starting(pre, "Access-Control-"), std::vector<std::string>{});
}

TEST(HttpPolicyCors, APreflightAnswerIsNotDecoratedTwice) {
  Cors cors({"https://app.example"});
  Request req =
      request(bhttp::verb::options, {{"Origin", "https://app.example"}, {"Access-Control-Request-Method", "GET"}});
  Response r = cors.preflight(req, kMethods);
  const Headers before = r.headers;
  cors.apply(req, r);
  EXPECT_EQ(r.headers, before);
}

// ---------------------------------------------------------------------------------------------
// X-Request-Id

bool is_generated_id(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

TEST(HttpPolicyRequestId, AWellFormedIdIsKept) {
  using planetude::http::request_id_for;
  EXPECT_EQ(request_id_for("abc-123_XYZ.v2"), "abc-123_XYZ.v2");
  EXPECT_EQ(request_id_for("7"), "7");
  const std::string longest(128, 'a');
  EXPECT_EQ(request_id_for(longest), longest);
}

TEST(HttpPolicyRequestId, AMissingMalformedOrTooLongIdIsReplaced) {
  using planetude::http::request_id_for;
  for (const std::string& bad :
       {std::string(), std::string(129, 'a'), std::string("a b"), std::string("abc/def"),
        std::string("id\r\nSet-Cookie: x=1"), std::string("café"), std::string("a:b"), std::string("a\0b", 3)}) {
    std::string id = request_id_for(bad);
    EXPECT_TRUE(is_generated_id(id)) << "for '" << bad << "' got '" << id << "'";
  }
}

TEST(HttpPolicyRequestId, EachGeneratedIdIsNew) {
  using planetude::http::request_id_for;
  EXPECT_NE(request_id_for(""), request_id_for(""));
}

// ---------------------------------------------------------------------------------------------
// Security headers

const Headers kSecurityHeaders{
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
};

TEST(HttpPolicySecurityHeaders, OutsideProductionNoHsts) {
  Response r = Response::json(200, json::object{});
  planetude::http::add_security_headers(r, false);
  EXPECT_EQ(r.headers, kSecurityHeaders);
  EXPECT_EQ(header(r, "Strict-Transport-Security"), std::nullopt);
}

TEST(HttpPolicySecurityHeaders, InProductionAlsoHsts) {
  Response r = Response::json(200, json::object{});
  planetude::http::add_security_headers(r, true);
  Headers expected = kSecurityHeaders;
  expected.emplace_back("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  EXPECT_EQ(r.headers, expected);
  EXPECT_EQ(header(r, "X-Powered-By"), std::nullopt);
}

TEST(HttpPolicySecurityHeaders, ExistingHeadersAreKept) {
  Response r = planetude::http::error_response(RateLimited("Trop.", RetryInfo{5, 9}));
  planetude::http::add_security_headers(r, false);
  EXPECT_EQ(header(r, "Retry-After"), "9");
  EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(r.headers.size(), 4u + kSecurityHeaders.size());
}

// ---------------------------------------------------------------------------------------------
// Content type

TEST(HttpPolicyContentType, JsonWithOrWithoutUtf8IsAccepted) {
  using planetude::http::is_json_content_type;
  for (const char* ok :
       {"application/json", "application/json; charset=utf-8", "application/json;charset=utf-8",
        "application/json; charset=\"utf-8\"", "application/json; charset=utf8", "application/json;"}) {
    EXPECT_TRUE(is_json_content_type(ok)) << ok;
  }
}

TEST(HttpPolicyContentType, CaseDoesNotMatter) {
  using planetude::http::is_json_content_type;
  for (const char* ok : {"Application/JSON", "APPLICATION/JSON; CHARSET=UTF-8", "application/json; Charset=Utf-8"}) {
    EXPECT_TRUE(is_json_content_type(ok)) << ok;
  }
}

TEST(HttpPolicyContentType, SpacesAroundPartsAreAllowed) {
  using planetude::http::is_json_content_type;
  for (const char* ok : {"  application/json  ", "application/json ; charset=utf-8",
                         "application/json;  charset=utf-8  ", "\tapplication/json\t;\tcharset=utf-8"}) {
    EXPECT_TRUE(is_json_content_type(ok)) << ok;
  }
}

TEST(HttpPolicyContentType, OtherTypesAreRefused) {
  using planetude::http::is_json_content_type;
  for (const char* bad :
       {"", " ", "text/plain", "application/xml", "text/json", "application/jsonp", "application/json-patch+json",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/ json",
        "application /json", "application", "json", "*/*"}) {
    EXPECT_FALSE(is_json_content_type(bad)) << bad;
  }
}

TEST(HttpPolicyContentType, OtherCharsetsAreRefused) {
  using planetude::http::is_json_content_type;
  for (const char* bad : {"application/json; charset=latin1", "application/json; charset=iso-8859-1",
                          "application/json; charset=utf-16", "application/json; charset=\"utf-16\"",
                          "application/json; charset=", "application/json; charset=utf-8; charset=latin1",
                          "application/json; charset=utf-8x"}) {
    EXPECT_FALSE(is_json_content_type(bad)) << bad;
  }
}

TEST(HttpPolicyContentType, SpacesAroundTheCharsetEqualsSignDoNotHideIt) {
  // Not valid HTTP, but a client that writes it means that charset: judge it, never skip it.
  using planetude::http::is_json_content_type;
  EXPECT_FALSE(is_json_content_type("application/json; charset = latin1"));
  EXPECT_FALSE(is_json_content_type("application/json; charset =latin1"));
  EXPECT_FALSE(is_json_content_type("application/json; CHARSET= utf-16"));
  EXPECT_FALSE(is_json_content_type("application/json; charset"));
  EXPECT_TRUE(is_json_content_type("application/json; charset = utf-8"));
}

TEST(HttpPolicyContentType, OtherParametersAreIgnored) {
  using planetude::http::is_json_content_type;
  EXPECT_TRUE(is_json_content_type("application/json; profile=planetude"));
  EXPECT_TRUE(is_json_content_type("application/json; profile=x; charset=utf-8"));
}

}  // namespace

TEST(HttpPolicy, RoutesMayTakeAnotherMediaType) {
  using planetude::http::has_media_type;
  EXPECT_TRUE(has_media_type("text/calendar", "text/calendar"));
  EXPECT_TRUE(has_media_type("Text/Calendar; charset=UTF-8", "text/calendar"));
  EXPECT_TRUE(has_media_type("text/calendar; method=PUBLISH; charset=utf-8", "text/calendar"));
  EXPECT_FALSE(has_media_type("text/calendar; charset=latin1", "text/calendar"));
  EXPECT_FALSE(has_media_type("application/json", "text/calendar"));
  EXPECT_FALSE(has_media_type("text/calendarx", "text/calendar"));
  EXPECT_FALSE(has_media_type("", "text/calendar"));
}
