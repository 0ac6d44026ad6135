// http/router: literal segments, `:param` captures, 405 method lists, path hygiene.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/router.hpp"

using planetude::http::RouteMatch;
using planetude::http::Router;

namespace {

Router make_router() {
  Router r;
  r.add("GET", "/", {});
  r.add("GET", "/api/health", {});
  r.add("POST", "/api/auth/register", {});
  r.add("GET", "/api/users/me", {});
  r.add("PATCH", "/api/users/me", {});
  r.add("DELETE", "/api/users/me", {});
  r.add("GET", "/api/users/:id", {});
  r.add("GET", "/api/planning/:id", {});
  r.add("PUT", "/api/planning/:id", {});
  r.add("GET", "/api/planning/:id/sessions/:sessionId", {});
  r.add("PATCH", "/api/planning/:id/sessions/:sessionId", {});
  return r;
}

}  // namespace

TEST(Router, ExactMatch) {
  Router r = make_router();
  RouteMatch m = r.match("GET", "/api/health");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "GET");
  EXPECT_EQ(m.route->pattern, "/api/health");
  EXPECT_EQ(m.pattern, "/api/health");
  EXPECT_TRUE(m.params.empty());
  EXPECT_TRUE(m.allowed.empty());

  RouteMatch post = r.match("POST", "/api/auth/register");
  ASSERT_NE(post.route, nullptr);
  EXPECT_EQ(post.route->method, "POST");
}

TEST(Router, RootPath) {
  Router r = make_router();
  RouteMatch m = r.match("GET", "/");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.pattern, "/");
}

TEST(Router, LiteralRouteWinsWhenAddedFirst) {
  Router r = make_router();
  RouteMatch me = r.match("GET", "/api/users/me");
  ASSERT_NE(me.route, nullptr);
  EXPECT_EQ(me.pattern, "/api/users/me");
  EXPECT_TRUE(me.params.empty());
}

TEST(Router, ParamCapture) {
  Router r = make_router();
  RouteMatch m = r.match("GET", "/api/users/65a1b2c3d4e5f60718293a4b");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.pattern, "/api/users/:id");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params.at("id"), "65a1b2c3d4e5f60718293a4b");
}

TEST(Router, NestedParams) {
  Router r = make_router();
  RouteMatch m = r.match("PATCH", "/api/planning/p1/sessions/s-42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "PATCH");
  EXPECT_EQ(m.pattern, "/api/planning/:id/sessions/:sessionId");
  ASSERT_EQ(m.params.size(), 2u);
  EXPECT_EQ(m.params.at("id"), "p1");
  EXPECT_EQ(m.params.at("sessionId"), "s-42");

  RouteMatch shorter = r.match("GET", "/api/planning/p1");
  ASSERT_NE(shorter.route, nullptr);
  EXPECT_EQ(shorter.pattern, "/api/planning/:id");
  EXPECT_EQ(shorter.params.size(), 1u);
}

TEST(Router, WrongMethodListsAllowedMethodsWithoutDuplicates) {
  Router r = make_router();
  // "/api/users/me" matches its three literal routes and "/api/users/:id" (GET again).
  RouteMatch m = r.match("POST", "/api/users/me");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD", "PATCH", "DELETE"}));
  EXPECT_FALSE(m.pattern.empty());

  RouteMatch s = r.match("DELETE", "/api/planning/p1/sessions/s1");
  EXPECT_EQ(s.route, nullptr);
  EXPECT_EQ(s.allowed, (std::vector<std::string>{"GET", "HEAD", "PATCH"}));
  EXPECT_EQ(s.pattern, "/api/planning/:id/sessions/:sessionId");
}

TEST(Router, MethodsAreCaseSensitive) {
  Router r = make_router();
  RouteMatch m = r.match("get", "/api/health");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "HEAD"}));
  EXPECT_EQ(r.match("head", "/api/health").route, nullptr);
}

TEST(Router, HeadIsServedByTheGetRoute) {
  Router r = make_router();
  RouteMatch h = r.match("HEAD", "/api/planning/p1");
  ASSERT_NE(h.route, nullptr);
  EXPECT_EQ(h.route->method, "GET");
  EXPECT_EQ(h.route->pattern, "/api/planning/:id");
  EXPECT_EQ(h.params.at("id"), "p1");
  // No GET, no HEAD.
  RouteMatch post_only = r.match("HEAD", "/api/auth/register");
  EXPECT_EQ(post_only.route, nullptr);
  EXPECT_EQ(post_only.allowed, (std::vector<std::string>{"POST"}));
}

TEST(Router, UnknownPathMatchesNothing) {
  Router r = make_router();
  for (const char* path : {"/api/nothing", "/api", "/api/users", "/api/users/me/extra", "/API/health",
                           "/api/planning/p1/sessions", "/api/health/x"}) {
    RouteMatch m = r.match("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
    EXPECT_TRUE(m.pattern.empty()) << path;
  }
}

TEST(Router, OneTrailingSlashIsTolerated) {
  Router r = make_router();
  RouteMatch m = r.match("GET", "/api/health/");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.pattern, "/api/health");
  RouteMatch p = r.match("GET", "/api/users/abc/");
  ASSERT_NE(p.route, nullptr);
  EXPECT_EQ(p.params.at("id"), "abc");
}

TEST(Router, DoubleSlashesAreRefused) {
  Router r = make_router();
  for (const char* path : {"//api/health", "/api//health", "/api/health//", "//", "/api/planning/p1//sessions/s1"}) {
    RouteMatch m = r.match("GET", path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_TRUE(m.allowed.empty()) << path;
  }
}

TEST(Router, PathsMustStartWithASlash) {
  Router r = make_router();
  EXPECT_EQ(r.match("GET", "").route, nullptr);
  EXPECT_EQ(r.match("GET", "api/health").route, nullptr);
  EXPECT_TRUE(r.match("GET", "api/health").allowed.empty());
}

TEST(Router, RoutesAreKeptInOrder) {
  Router r = make_router();
  ASSERT_EQ(r.routes().size(), 11u);
  EXPECT_EQ(r.routes()[3].pattern, "/api/users/me");
  EXPECT_EQ(r.routes()[9].segments, (std::vector<std::string>{"api", "planning", ":id", "sessions", ":sessionId"}));
}

TEST(Router, FallbackAnswersGetAndHeadOnUnknownPathsOnly) {
  Router r = make_router();
  r.set_fallback("/*", {});
  for (const char* method : {"GET", "HEAD"}) {
    RouteMatch m = r.match(method, "/planning/semaine");
    ASSERT_NE(m.route, nullptr) << method;
    EXPECT_EQ(m.pattern, "/*");
  }
  // Other methods on unknown paths: still nothing (404), never a 405 from the fallback.
  RouteMatch post = r.match("POST", "/planning");
  EXPECT_EQ(post.route, nullptr);
  EXPECT_TRUE(post.allowed.empty());
  // Known paths keep their routes and their 405.
  EXPECT_EQ(r.match("GET", "/api/health").pattern, "/api/health");
  RouteMatch wrong = r.match("POST", "/api/users/me");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_FALSE(wrong.allowed.empty());
  // Unusable paths are not handed to the fallback either.
  EXPECT_EQ(r.match("GET", "//planning").route, nullptr);
}
