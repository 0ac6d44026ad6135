// Google Gemini over its REST API (v1beta): generateContent, and streamGenerateContent?alt=sse.
#pragma once
#include "http_client/client.hpp"
#include "llm/provider.hpp"

namespace planetude::llm {

class GeminiProvider : public LlmProvider {
 public:
  GeminiProvider(http::HttpClient& client, http::Url base, std::string api_key, std::string model)
      : client_(client), base_(std::move(base)), key_(std::move(api_key)), model_(std::move(model)) {}
  const char* name() const override { return "gemini"; }
  const std::string& model() const override { return model_; }
  boost::asio::awaitable<Completion> complete(const Prompt& prompt, DeltaFn on_delta, CallOptions options) override;

 private:
  http::HttpClient& client_;
  http::Url base_;
  std::string key_;  // sent in x-goog-api-key, never in the URL (URLs end up in logs)
  std::string model_;
};

}  // namespace planetude::llm
