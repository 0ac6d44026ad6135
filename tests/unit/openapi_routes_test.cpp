// Every route the router serves is in the published OpenAPI document, and the reverse.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "app/app.hpp"
#include "resources/openapi.hpp"
#include "resources/web_assets.hpp"

namespace {

// "/api/planning/:id" → "/api/planning/{id}"
std::string to_openapi_path(const std::string& pattern) {
  std::string out;
  std::size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == ':') {
      std::size_t end = pattern.find('/', i);
      if (end == std::string::npos) end = pattern.size();
      out += "{" + pattern.substr(i + 1, end - i - 1) + "}";
      i = end;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST(OpenApi, DocumentAndRouterAgree) {
  auto dir = std::filesystem::temp_directory_path() / ("planetude-openapi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  planetude::Config config;
  config.sqlite_path = (dir / "test.db").string();
  config.data_dir = dir.string();
  config.jwt_secret = "unit-test-secret-unit-test-secret-0000";
  std::set<std::string> web_files;
  for (const auto& asset : planetude::resources::web_assets()) web_files.emplace(asset.path);
  std::set<std::string> served;
  {
    planetude::App app(config);
    for (const auto& r : app.router().routes()) {
      // The web app's pages and files are outside the API document (its info.description says so).
      if (r.pattern == "/" || web_files.count(r.pattern)) continue;
      served.insert(lower(r.method) + " " + to_openapi_path(r.pattern));
    }
  }
  std::filesystem::remove_all(dir);

  auto doc = boost::json::parse(planetude::resources::openapi_document()).as_object();
  EXPECT_EQ(doc.at("openapi").as_string().subview().substr(0, 3), "3.1");
  std::set<std::string> documented;
  const std::set<std::string> methods{"get", "put", "post", "delete", "patch", "options", "head", "trace"};
  for (const auto& [path, item] : doc.at("paths").as_object())
    for (const auto& [key, op] : item.as_object())
      if (methods.count(std::string(key))) documented.insert(std::string(key) + " " + std::string(path));

  for (const auto& r : served) EXPECT_TRUE(documented.count(r)) << "served but not documented: " << r;
  for (const auto& d : documented) EXPECT_TRUE(served.count(d)) << "documented but not served: " << d;
  EXPECT_FALSE(served.empty());
}
