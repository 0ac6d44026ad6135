// Any OpenAI-compatible chat-completions server (OpenAI, Ollama, llama.cpp's server, vLLM), so a
// student can keep their data on their own machine.
#pragma once
#include "http_client/client.hpp"
#include "llm/provider.hpp"

namespace planetude::llm {

class OpenAiProvider : public LlmProvider {
 public:
  OpenAiProvider(http::HttpClient& client, http::Url base, std::string api_key, std::string model)
      : client_(client), base_(std::move(base)), key_(std::move(api_key)), model_(std::move(model)) {}
  const char* name() const override { return "openai"; }
  const std::string& model() const override { return model_; }
  boost::asio::awaitable<Completion> complete(const Prompt& prompt, DeltaFn on_delta, CallOptions options) override;

 private:
  http::HttpClient& client_;
  http::Url base_;
  std::string key_;  // optional: local servers usually need none
  std::string model_;
};

}  // namespace planetude::llm
