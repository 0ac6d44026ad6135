// An AI provider in memory: each call takes the next scripted outcome (a completion, streamed in
// the given pieces, or a failure) and records the prompt it was asked with.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "llm/provider.hpp"

namespace planetude::testing {

class FakeProvider : public llm::LlmProvider {
 public:
  struct Reply {
    std::vector<std::string> pieces;  // streamed one by one to on_delta, joined for a unary call
    std::vector<llm::ToolCall> calls;
    llm::Finish finish = llm::Finish::stop;
    // Thrown after the pieces were streamed (a failure mid-stream).
    std::optional<llm::ProviderFailure> fail_after;
  };

  explicit FakeProvider(const char* name = "gemini") : name_(name) {}

  FakeProvider& then_reply(std::string text, std::vector<llm::ToolCall> calls = {}) {
    Reply r;
    if (!text.empty()) r.pieces.push_back(std::move(text));
    r.calls = std::move(calls);
    script_.emplace_back(std::move(r));
    return *this;
  }
  FakeProvider& then(Reply reply) {
    script_.emplace_back(std::move(reply));
    return *this;
  }
  FakeProvider& then_fail(llm::FailureKind kind, std::optional<int> retry_after = std::nullopt) {
    script_.emplace_back(llm::ProviderFailure(kind, llm::failure_label(kind), retry_after));
    return *this;
  }

  const char* name() const override { return name_; }
  const std::string& model() const override { return model_; }

  boost::asio::awaitable<llm::Completion> complete(const llm::Prompt& prompt, llm::DeltaFn on_delta,
                                                   llm::CallOptions options) override {
    prompts.push_back(prompt);
    streamed.push_back(static_cast<bool>(on_delta));
    deadlines.push_back(options.deadline);
    if (script_.empty()) throw llm::ProviderFailure(llm::FailureKind::network, "no scripted reply left");
    auto next = std::move(script_.front());
    script_.pop_front();
    if (auto* failure = std::get_if<llm::ProviderFailure>(&next)) throw *failure;
    Reply& reply = std::get<Reply>(next);
    llm::Completion out;
    for (auto& piece : reply.pieces) {
      out.text += piece;
      if (on_delta) co_await on_delta(piece);
    }
    if (reply.fail_after) throw *reply.fail_after;
    out.calls = std::move(reply.calls);
    out.finish = reply.finish;
    co_return out;
  }

  std::size_t calls_left() const { return script_.size(); }

  std::vector<llm::Prompt> prompts;  // what each call was asked, in order
  std::vector<bool> streamed;        // whether each call streamed
  std::vector<std::chrono::steady_clock::time_point> deadlines;

 private:
  const char* name_;
  std::string model_ = "fake-model";
  std::deque<std::variant<Reply, llm::ProviderFailure>> script_;
};

}  // namespace planetude::testing
