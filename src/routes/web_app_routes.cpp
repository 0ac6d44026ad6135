#include "routes/web_app_routes.hpp"

#include "core/errors.hpp"
#include "http/accept_encoding.hpp"
#include "http/conditional.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
using http::Request;
using http::Response;

namespace {

// Pages may load only what this server serves: no inline script or style, no eval, nothing
// from another origin, never framed. (The API's own answers keep their stricter policy.)
constexpr std::string_view kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

asio::awaitable<Response> ready(Response r) { co_return r; }

bool starts_with_segment(std::string_view path, std::string_view first) {
  return path.substr(0, first.size()) == first && (path.size() == first.size() || path[first.size()] == '/');
}

}  // namespace

bool is_client_route(std::string_view path) {
  if (path == "/") return true;
  // The app's screens, by their first segment (web/src/routes.ts).
  for (std::string_view screen : {"/connexion", "/inscription", "/planning", "/coach", "/progres", "/reglages"})
    if (starts_with_segment(path, screen)) return true;
  return false;
}

bool is_page_navigation(std::string_view path, std::string_view accept) {
  if (accept.find("text/html") == std::string_view::npos || path.empty() || path[0] != '/') return false;
  for (std::string_view reserved : {"/api", "/cal", "/assets"})
    if (starts_with_segment(path, reserved)) return false;
  std::string_view last = path.substr(path.rfind('/') + 1);
  return last.find('.') == std::string_view::npos;
}

Response serve_asset(const resources::WebAsset& asset, const Request& request) {
  auto choice =
      http::choose_content_coding(request.header("Accept-Encoding"), !asset.gzip.empty(), !asset.brotli.empty());
  std::string_view body = asset.identity;
  std::string tag(asset.etag);
  if (choice.coding == http::ContentCoding::br) {
    body = asset.brotli;
    tag += "-br";
  } else if (choice.coding == http::ContentCoding::gzip) {
    body = asset.gzip;
    tag += "-gz";  // each encoding is its own representation, with its own strong tag
  }
  Response r;
  r.with_header("ETag", http::quoted_etag(tag))
      .with_header("Cache-Control", asset.immutable ? "public, max-age=31536000, immutable" : "no-cache")
      .with_header("Content-Security-Policy", std::string(kPagePolicy));
  if (!asset.gzip.empty() || !asset.brotli.empty()) r.with_header("Vary", "Accept-Encoding");
  if (http::if_none_match_hits(request.header("If-None-Match"), http::quoted_etag(tag))) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.content_type = std::string(asset.content_type);
  r.body = std::string(body);
  if (choice.coding != http::ContentCoding::identity)
    r.with_header("Content-Encoding", std::string(http::content_coding_token(choice.coding)));
  return r;
}

WebAppRoutes::WebAppRoutes(std::span<const resources::WebAsset> assets) : assets_(assets) {
  for (const auto& a : assets_)
    if (a.path == "/index.html") index_ = &a;
}

void WebAppRoutes::add_to(http::Router& router) {
  if (!index_) return;
  for (const auto& asset : assets_)
    router.add("GET", std::string(asset.path), [&asset](Request& req) { return ready(serve_asset(asset, req)); });
  router.add("GET", "/", [this](Request& req) { return ready(serve_asset(*index_, req)); });
  // Client-side routes (/planning, /coach…) load the app, which shows the right screen. Other
  // unknown paths keep their JSON 404, but a browser landing on one gets the app's own 404 page.
  router.set_fallback("/*", [this](Request& req) {
    if (is_client_route(req.path)) return ready(serve_asset(*index_, req));
    req.route.clear();  // no route of ours: logged and counted with the other unmatched paths
    if (!is_page_navigation(req.path, req.header("Accept"))) throw errors::not_found();
    Response page = serve_asset(*index_, req);
    if (page.status == 200) page.status = 404;
    return ready(std::move(page));
  });
}

}  // namespace planetude::routes
