#include "llm/provider.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/json_input.hpp"

namespace planetude::llm {

const char* failure_label(FailureKind kind) {
  switch (kind) {
    case FailureKind::timeout: return "timeout";
    case FailureKind::network: return "network_error";
    case FailureKind::http_error: return "http_error";
    case FailureKind::bad_key: return "bad_key";
    case FailureKind::rate_limited: return "rate_limited";
    case FailureKind::quota_exhausted: return "quota_exhausted";
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
  if (e.daily_quota) return {FailureKind::quota_exhausted, what};
  if (e.http_status == 429) return {FailureKind::rate_limited, what, e.retry_after_seconds};
  if (e.http_status == 503) return {FailureKind::unavailable, what, e.retry_after_seconds};
  return {FailureKind::http_error, what};
}

std::vector<ToolCall> assemble_calls(const std::vector<ToolCallPart>& parts) {
  struct Pending {
    int index;
    std::string name;
    std::string arguments;
  };
  std::vector<Pending> pending;
  for (const ToolCallPart& part : parts) {
    auto it = std::find_if(pending.begin(), pending.end(), [&](const Pending& p) { return p.index == part.index; });
    if (it == pending.end()) it = pending.insert(pending.end(), Pending{part.index, {}, {}});
    if (!part.name.empty()) it->name = part.name;
    it->arguments += part.arguments;
  }
  std::vector<ToolCall> calls;
  for (Pending& p : pending) {
    if (p.name.empty()) throw ProviderFailure(FailureKind::malformed, "a function call without a name");
    // A call without arguments is an empty object (OpenAI sends "" or "{}").
    std::optional<boost::json::value> args =
        p.arguments.empty() ? boost::json::value(boost::json::object{}) : json_input::try_parse(p.arguments);
    if (!args || !args->is_object())
      throw ProviderFailure(FailureKind::malformed, "function call arguments are not a JSON object");
    calls.push_back(ToolCall{std::move(p.name), std::move(args->get_object())});
  }
  return calls;
}

}  // namespace planetude::llm
