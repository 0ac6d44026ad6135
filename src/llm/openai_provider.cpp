#include "llm/openai_provider.hpp"

#include "llm/openai_wire.hpp"
#include "llm/provider_exchange.hpp"

namespace planetude::llm {

boost::asio::awaitable<Completion> OpenAiProvider::complete(const Prompt& prompt, DeltaFn on_delta,
                                                            CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  http::ClientRequest request;
  request.target = openai_url_path(base_.path);
  request.headers = {{"Content-Type", "application/json"}};
  if (!key_.empty()) request.headers.emplace_back("Authorization", "Bearer " + key_);
  if (stream) request.headers.emplace_back("Accept", "text/event-stream");
  request.body = openai_request_body(prompt, model_, stream);
  co_return co_await exchange(client_, base_, std::move(request), openai_reader(), std::move(on_delta), options);
}

}  // namespace planetude::llm
