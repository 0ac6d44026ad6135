// The web app's built files (web/dist), compiled into the binary by cmake/embed_web.py so that
// the server alone serves the app. Each text file comes with its gzip and brotli forms when the
// web build made them.
#pragma once
#include <span>
#include <string_view>

namespace planetude::resources {

struct WebAsset {
  std::string_view path;          // URL path, e.g. "/assets/app-3F2A9C1B.js"
  std::string_view content_type;  // with charset for text
  std::string_view etag;          // hash of the identity bytes (unquoted)
  bool immutable;                 // under /assets/: the name carries the content hash
  std::string_view identity;
  std::string_view gzip;    // empty when none
  std::string_view brotli;  // empty when none
};

std::span<const WebAsset> web_assets();

}  // namespace planetude::resources
