// The web app: its built files (embedded at build time), and index.html for every client-side
// route, with the caching, compression and Content-Security-Policy that pages need.
#pragma once
#include <span>

#include "http/router.hpp"
#include "resources/web_assets.hpp"

namespace planetude::routes {

class WebAppRoutes {
 public:
  explicit WebAppRoutes(std::span<const resources::WebAsset> assets);
  // False when the binary was built without the web app (web/dist missing): nothing is added.
  bool has_app() const { return index_ != nullptr; }
  void add_to(http::Router& router);

 private:
  std::span<const resources::WebAsset> assets_;
  const resources::WebAsset* index_ = nullptr;
};

// Whether `path` is one of the app's client-side routes (served index.html): `/` and the paths
// under the app's screens (/planning, /coach…; web/src/routes.ts lists them, and the HTTP tests
// check that both lists agree). Any other path stays a 404 for API clients.
bool is_client_route(std::string_view path);
// An unknown path a browser navigates to (it accepts text/html; not an API, feed or file path):
// it gets the app with status 404, and the app says the page does not exist.
bool is_page_navigation(std::string_view path, std::string_view accept);

// The answer for one embedded file: the encoding Accept-Encoding prefers, ETag and 304 on
// If-None-Match, cache lifetime by kind (hashed assets forever, the rest revalidated).
http::Response serve_asset(const resources::WebAsset& asset, const http::Request& request);

}  // namespace planetude::routes
