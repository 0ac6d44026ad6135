#include "llm/provider.hpp"

namespace planetude::llm {

const char* failure_label(FailureKind kind) {
  switch (kind) {
    case FailureKind::timeout: return "timeout";
    case FailureKind::network: return "network_error";
    case FailureKind::http_error: return "http_error";
    case FailureKind::bad_key: return "bad_key";
    case FailureKind::rate_limited: return "rate_limited";
    case FailureKind::unavailable: return "unavailable";
    case FailureKind::malformed: return "malformed";
    case FailureKind::blocked: return "blocked";
    case FailureKind::cancelled: return "cancelled";
  }
  return "error";
}

ProviderFailure failure_from(const ProviderError& e) {
  std::string what = "HTTP " + std::to_string(e.http_status) + " " + e.status;
  if (e.bad_key) return {FailureKind::bad_key, what};
  if (e.http_status == 429) return {FailureKind::rate_limited, what, e.retry_after_seconds};
  if (e.http_status == 503) return {FailureKind::unavailable, what, e.retry_after_seconds};
  return {FailureKind::http_error, what};
}

ProviderFailure failure_from(const http::ClientError& e) {
  switch (e.kind()) {
    case http::ClientFailure::timeout:
    case http::ClientFailure::first_byte_timeout: return {FailureKind::timeout, e.what()};
    case http::ClientFailure::cancelled: return {FailureKind::cancelled, e.what()};
    case http::ClientFailure::too_large: return {FailureKind::malformed, e.what()};
    default: return {FailureKind::network, e.what()};
  }
}

}  // namespace planetude::llm
