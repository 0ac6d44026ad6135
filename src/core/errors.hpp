// The one error type every layer throws; http/ turns it into API.md's error shape in one place.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace planetude {

struct FieldError {
  std::string path;     // JSON path of the faulty field, e.g. "preferences.themes[3]"
  std::string message;  // French, for people
};

class ApiError : public std::exception {
 public:
  ApiError(int status, std::string code, std::string message, std::vector<FieldError> details = {})
      : status_(status), code_(std::move(code)), message_(std::move(message)), details_(std::move(details)) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& details() const { return details_; }
  // Extra response headers (Retry-After, RateLimit-*), set by whoever raises the error.
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  ApiError& with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  const char* what() const noexcept override { return code_.c_str(); }

 private:
  int status_;
  std::string code_;
  std::string message_;
  std::vector<FieldError> details_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

namespace errors {
ApiError not_found();
ApiError unauthenticated(std::string message = "Authentification requise.");
ApiError token_expired();
ApiError invalid_credentials();
ApiError invalid_json(std::string message = "Le corps de la requête n'est pas du JSON valide.");
ApiError validation(std::vector<FieldError> details);
ApiError conflict(std::string code, std::string message);
ApiError internal();
}  // namespace errors

}  // namespace planetude
