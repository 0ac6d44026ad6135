#include "llm/gemini_provider.hpp"

#include "llm/gemini_wire.hpp"
#include "llm/provider_exchange.hpp"

namespace planetude::llm {

boost::asio::awaitable<Completion> GeminiProvider::complete(const Prompt& prompt, DeltaFn on_delta,
                                                            CallOptions options) {
  const bool stream = static_cast<bool>(on_delta);
  http::ClientRequest request;
  request.target = base_.path + gemini_path(model_, stream);
  request.headers = {{"Content-Type", "application/json"}, {"x-goog-api-key", key_}};
  if (stream) request.headers.emplace_back("Accept", "text/event-stream");
  request.body = gemini_request_body(prompt, model_);
  co_return co_await exchange(client_, base_, std::move(request), gemini_reader(), std::move(on_delta), options);
}

}  // namespace planetude::llm
