// The failures of the domain, as every layer below HTTP raises them: a kind (what went wrong, in
// the domain's terms), a stable code and a French message for the student, and details per field.
// Which HTTP status and headers a kind becomes is decided once, in http/error_response.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace planetude {

enum class ErrorKind {
  invalid_input,    // the request breaks a rule: bad field, overlap, outside the period...
  unauthenticated,  // no valid credentials or session
  not_found,        // absent, or someone else's
  conflict,         // the resource is not in a state that allows it (taken, already done)
  rate_limited,     // too many attempts; `retry` says when to come back
  unavailable,      // a dependency (the database) does not answer
  internal,         // a bug: nothing the client can fix
};

struct FieldError {
  std::string path;     // JSON path of the faulty field, e.g. "preferences.themes[3]"
  std::string message;  // French, for people
};

// The limit a rate_limited error hit: how many were allowed, and in how many seconds it resets.
struct RetryInfo {
  std::int64_t limit = 0;
  std::int64_t reset_seconds = 1;
};

class DomainError : public std::exception {
 public:
  DomainError(ErrorKind kind, std::string code, std::string message, std::vector<FieldError> details = {})
      : kind_(kind), code_(std::move(code)), message_(std::move(message)), details_(std::move(details)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& details() const { return details_; }
  const std::optional<RetryInfo>& retry() const { return retry_; }
  const char* what() const noexcept override { return code_.c_str(); }

 protected:
  std::optional<RetryInfo> retry_;

 private:
  ErrorKind kind_;
  std::string code_;
  std::string message_;
  std::vector<FieldError> details_;
};

// A planning rule broken by otherwise well-formed data (overlap, outside the period, invalid
// fields): callers that can repair or fall back catch this type.
class RuleBroken : public DomainError {
 public:
  RuleBroken(std::string code, std::string message, std::vector<FieldError> details = {})
      : DomainError(ErrorKind::invalid_input, std::move(code), std::move(message), std::move(details)) {}
};

class RateLimited : public DomainError {
 public:
  RateLimited(std::string message, RetryInfo retry)
      : DomainError(ErrorKind::rate_limited, "rate_limited", std::move(message)) {
    retry_ = retry;
  }
};

namespace errors {
DomainError not_found();
DomainError unauthenticated(std::string message = "Authentification requise.");
DomainError token_expired();
DomainError invalid_credentials();
DomainError invalid_json(std::string message = "Le corps de la requête n'est pas du JSON valide.");
// validation_failed, with one detail per faulty field; the message names the first.
RuleBroken validation(std::vector<FieldError> details);
DomainError conflict(std::string code, std::string message);
DomainError unavailable(std::string code, std::string message);
DomainError internal();
}  // namespace errors

}  // namespace planetude
