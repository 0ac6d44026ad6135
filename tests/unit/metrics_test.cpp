// observability/metrics: Prometheus text exposition of counters and histograms.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "observability/metrics.hpp"

using planetude::metrics::Counter;
using planetude::metrics::Histogram;
using planetude::metrics::Registry;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

}  // namespace

TEST(MetricsCounter, HelpTypeAndSeries) {
  Counter c("requests_total", "Requests answered.", {"method", "route", "status"});
  c.add({"GET", "/api/users/me", "200"});
  c.add({"GET", "/api/users/me", "200"}, 2);
  c.add({"POST", "/api/auth/login", "401"});
  std::string out;
  c.render(out);
  EXPECT_EQ(out,
            "# HELP requests_total Requests answered.\n"
            "# TYPE requests_total counter\n"
            "requests_total{method=\"GET\",route=\"/api/users/me\",status=\"200\"} 3\n"
            "requests_total{method=\"POST\",route=\"/api/auth/login\",status=\"401\"} 1\n");
}

TEST(MetricsCounter, NoSeriesStillHasHelpAndType) {
  Counter c("empty_total", "Nothing yet.", {"a"});
  std::string out;
  c.render(out);
  EXPECT_EQ(out, "# HELP empty_total Nothing yet.\n# TYPE empty_total counter\n");
}

TEST(MetricsCounter, LabelValuesAreEscaped) {
  Counter c("x_total", "X.", {"v"});
  c.add({"say \"hi\""});
  c.add({"C:\\path"});
  c.add({"two\nlines"});
  std::string out;
  c.render(out);
  EXPECT_TRUE(has_line(out, R"(x_total{v="say \"hi\""} 1)")) << out;
  EXPECT_TRUE(has_line(out, R"(x_total{v="C:\\path"} 1)")) << out;
  EXPECT_TRUE(has_line(out, R"(x_total{v="two\nlines"} 1)")) << out;
  EXPECT_EQ(lines_of(out).size(), 5u);  // the newline never splits a sample
}

TEST(MetricsCounter, LargeCountsAreExact) {
  Counter c("big_total", "Big.", {});
  c.add({}, 9'007'199'254'740'993ULL);  // 2^53 + 1: not representable as a double
  std::string out;
  c.render(out);
  EXPECT_TRUE(has_line(out, "big_total{} 9007199254740993")) << out;
}

TEST(MetricsHistogram, CumulativeBucketsInfEqualsCount) {
  Histogram h("duration_seconds", "Time taken.", {"route"}, {0.5, 1, 2.5});
  for (double v : {0.25, 0.5, 0.75, 3.0, 10.0}) h.observe({"/a"}, v);  // 0.5 is on a bound: le is inclusive
  h.observe({"/b"}, 1.0);
  std::string out;
  h.render(out);
  EXPECT_EQ(out,
            "# HELP duration_seconds Time taken.\n"
            "# TYPE duration_seconds histogram\n"
            "duration_seconds_bucket{route=\"/a\",le=\"0.5\"} 2\n"
            "duration_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
            "duration_seconds_bucket{route=\"/a\",le=\"2.5\"} 3\n"
            "duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"
            "duration_seconds_sum{route=\"/a\"} 14.5\n"
            "duration_seconds_count{route=\"/a\"} 5\n"
            "duration_seconds_bucket{route=\"/b\",le=\"0.5\"} 0\n"
            "duration_seconds_bucket{route=\"/b\",le=\"1\"} 1\n"
            "duration_seconds_bucket{route=\"/b\",le=\"2.5\"} 1\n"
            "duration_seconds_bucket{route=\"/b\",le=\"+Inf\"} 1\n"
            "duration_seconds_sum{route=\"/b\"} 1\n"
            "duration_seconds_count{route=\"/b\"} 1\n");
}

TEST(MetricsHistogram, NoLabels) {
  Histogram h("h", "H.", {}, {1});
  h.observe({}, 0.5);
  std::string out;
  h.render(out);
  EXPECT_TRUE(has_line(out, "h_bucket{le=\"1\"} 1")) << out;
  EXPECT_TRUE(has_line(out, "h_bucket{le=\"+Inf\"} 1")) << out;
  EXPECT_TRUE(has_line(out, "h_count{} 1")) << out;
}

TEST(MetricsHistogram, LabelEscaping) {
  Histogram h("h", "H.", {"route"}, {1});
  h.observe({"a\"b\\c"}, 2);
  std::string out;
  h.render(out);
  EXPECT_TRUE(has_line(out, R"(h_bucket{route="a\"b\\c",le="1"} 0)")) << out;
  EXPECT_TRUE(has_line(out, R"(h_bucket{route="a\"b\\c",le="+Inf"} 1)")) << out;
}

TEST(MetricsHistogram, BucketBoundsUseTheShortestDecimalForm) {
  // le="0.1", as every Prometheus client writes it; "0.10000000000000001" is a different label value
  // for selectors such as {le="0.1"} in dashboards and recording rules.
  Histogram h("h", "H.", {}, {0.005, 0.1, 0.25});
  h.observe({}, 0.05);
  std::string out;
  h.render(out);
  EXPECT_TRUE(has_line(out, "h_bucket{le=\"0.005\"} 0")) << out;
  EXPECT_TRUE(has_line(out, "h_bucket{le=\"0.1\"} 1")) << out;
  EXPECT_TRUE(has_line(out, "h_bucket{le=\"0.25\"} 1")) << out;
}

TEST(MetricsRegistry, RendersBothFamiliesConsistently) {
  Registry r;
  r.http_requests.add({"GET", "/api/health", "200"});
  for (double v : {0.0001, 0.003, 0.02, 0.3, 7.0, 60.0}) r.http_duration.observe({"GET", "/api/health"}, v);
  std::string out = r.render();
  EXPECT_TRUE(has_line(out, "# TYPE http_requests_total counter"));
  EXPECT_TRUE(has_line(out, "# TYPE http_request_duration_seconds histogram"));
  EXPECT_TRUE(has_line(out, R"(http_requests_total{method="GET",route="/api/health",status="200"} 1)"));

  // Buckets never decrease and +Inf equals _count.
  std::uint64_t previous = 0, inf = 0, count = 0;
  int buckets = 0;
  for (const auto& line : lines_of(out)) {
    if (line.rfind("http_request_duration_seconds_bucket", 0) == 0) {
      std::uint64_t v = std::stoull(line.substr(line.rfind(' ') + 1));
      EXPECT_GE(v, previous) << line;
      previous = v;
      ++buckets;
      if (line.find("le=\"+Inf\"") != std::string::npos) inf = v;
    } else if (line.rfind("http_request_duration_seconds_count", 0) == 0) {
      count = std::stoull(line.substr(line.rfind(' ') + 1));
    }
  }
  EXPECT_EQ(buckets, 15);
  EXPECT_EQ(inf, 6u);
  EXPECT_EQ(count, 6u);
}
