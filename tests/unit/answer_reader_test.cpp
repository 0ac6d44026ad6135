// llm/answer_reader: one AI answer folded from a whole body or from streamed bytes, as
// provider_exchange reads it (tests/fuzz/ai_stream_fuzz.cpp checks the same on random input).
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "llm/answer_reader.hpp"
#include "llm/gemini_wire.hpp"
#include "llm/openai_wire.hpp"

using namespace planetude::llm;

namespace {

struct Streamed {
  std::vector<std::string> deltas;
  Completion completion;
};

// Feeds `pieces` one by one, handing on each chunk's text before folding it in.
Streamed stream(const WireReader& wire, const std::vector<std::string_view>& pieces) {
  AnswerReader answer(wire);
  Streamed out;
  for (std::string_view piece : pieces) {
    answer.feed(piece);
    while (auto chunk = answer.next_chunk()) {
      if (!chunk->text.empty()) out.deltas.push_back(chunk->text);
      answer.absorb(*chunk);
    }
  }
  answer.end_of_stream();
  out.completion = answer.finish();
  return out;
}

FailureKind failure_of(const WireReader& wire, const std::vector<std::string_view>& pieces) {
  try {
    stream(wire, pieces);
  } catch (const ProviderFailure& f) {
    return f.kind();
  }
  ADD_FAILURE() << "no failure";
  return FailureKind::network;
}

const std::string kOpenAiStream =
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Bon\"}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"jour\",\"tool_calls\":[{\"index\":0,"
    "\"function\":{\"name\":\"propose\",\"arguments\":\"{\\\"n\\\"\"}}]}}]}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
    "\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":2,\"total_tokens\":10}}\n\n"
    "data: [DONE]\n\n";

}  // namespace

TEST(AnswerReader, StreamInPiecesGivesDeltasCallsAndUsage) {
  std::string_view bytes = kOpenAiStream;
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < bytes.size(); i += 7) pieces.push_back(bytes.substr(i, 7));
  Streamed got = stream(openai_reader(), pieces);
  EXPECT_EQ(got.deltas, (std::vector<std::string>{"Bon", "jour"}));
  EXPECT_EQ(got.completion.text, "Bonjour");
  EXPECT_EQ(got.completion.finish, Finish::other);
  EXPECT_EQ(got.completion.usage.total_tokens, 10);
  ASSERT_EQ(got.completion.calls.size(), 1U);
  EXPECT_EQ(got.completion.calls[0].name, "propose");
  EXPECT_EQ(got.completion.calls[0].args.at("n").as_int64(), 1);
}

TEST(AnswerReader, StreamCutBeforeItsEndIsANetworkFailure) {
  std::string_view bytes = kOpenAiStream;
  EXPECT_EQ(failure_of(openai_reader(), {bytes.substr(0, bytes.find("data: [DONE]") - 30)}), FailureKind::network);
  // Gemini has no end marker: a last chunk without finishReason is a cut stream.
  EXPECT_EQ(failure_of(gemini_reader(), {"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\n\n"}),
            FailureKind::network);
}

TEST(AnswerReader, ErrorEventAndMalformedEventFail) {
  EXPECT_EQ(failure_of(openai_reader(), {"data: {\"error\":{\"message\":\"x\",\"code\":503}}\n\n"}),
            FailureKind::unavailable);
  EXPECT_EQ(failure_of(gemini_reader(), {"data: {not json\n\n"}), FailureKind::malformed);
}

TEST(AnswerReader, SafetyFinishIsBlockedAfterItsTextWasHandedOn) {
  AnswerReader answer(gemini_reader());
  answer.feed(R"(data: {"candidates":[{"content":{"parts":[{"text":"Je"}]},"finishReason":"SAFETY"}]})"
              "\n\n");
  auto chunk = answer.next_chunk();
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->text, "Je");
  try {
    answer.absorb(*chunk);
    FAIL() << "a safety finish must fail";
  } catch (const ProviderFailure& f) {
    EXPECT_EQ(f.kind(), FailureKind::blocked);
  }
}

TEST(AnswerReader, WholeBody) {
  AnswerReader answer(gemini_reader());
  answer.read_whole(R"({"candidates":[{"content":{"parts":[{"text":"Salut"}]},"finishReason":"MAX_TOKENS"}]})");
  Completion done = answer.finish();
  EXPECT_EQ(done.text, "Salut");
  EXPECT_EQ(done.finish, Finish::max_tokens);

  AnswerReader broken(openai_reader());
  try {
    broken.read_whole("<html>");
    FAIL() << "a body that is not JSON must fail";
  } catch (const ProviderFailure& f) {
    EXPECT_EQ(f.kind(), FailureKind::malformed);
  }
}
