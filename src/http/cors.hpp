// CORS for the origins listed in CORS_ORIGIN only; with none listed, same-origin use only.
#pragma once
#include <string>
#include <vector>

#include "http/message.hpp"

namespace planetude::http {

class Cors {
 public:
  explicit Cors(std::vector<std::string> allowed_origins) : origins_(std::move(allowed_origins)) {}

  static bool is_preflight(const http::Request& request);
  // The 204 answer to a preflight on a path served with `methods`.
  http::Response preflight(const http::Request& request, const std::vector<std::string>& methods) const;
  // Adds the CORS headers to an ordinary response when the request's Origin is allowed.
  void apply(const http::Request& request, http::Response& response) const;

 private:
  bool allowed(std::string_view origin) const;
  std::vector<std::string> origins_;
};

}  // namespace planetude::http
