#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <climits>
#include <set>
#include <string>
#include <vector>

#include "llm/openai_wire.hpp"
#include "llm/sse_parser.hpp"

namespace json = boost::json;
using namespace planetude::llm;

namespace {

Prompt sample_prompt() {
  Prompt p;
  p.system = "Tu es PixelCoach.";
  p.turns = {{Turn::Role::user, "Bonjour"}, {Turn::Role::model, "Salut !"}, {Turn::Role::user, "Et \"demain\" ?\né"}};
  p.max_output_tokens = 256;
  p.temperature = 0.4;
  return p;
}

std::set<std::string> keys(const json::value& v) {
  std::set<std::string> out;
  for (const auto& kv : v.as_object()) out.insert(std::string(kv.key()));
  return out;
}

// Every event of a stream, through the project's SSE parser, as the provider reads them.
std::vector<std::string> sse_data(std::string_view bytes) {
  SseParser sse;
  sse.feed(bytes);
  std::vector<std::string> out;
  while (auto event = sse.next()) out.push_back(event->data);
  EXPECT_FALSE(sse.has_partial());
  return out;
}

Chunk stream_chunk(std::string_view data) {
  std::optional<Chunk> chunk = parse_openai_stream_data(data);
  EXPECT_TRUE(chunk.has_value()) << data;
  return chunk.value_or(Chunk{});
}

// The OpenAI error body.
std::string openai_error(std::string_view message, std::string_view type, std::string_view code_json) {
  return R"({"error":{"message":")" + std::string(message) + R"(","type":")" + std::string(type) +
         R"(","param":null,"code":)" + std::string(code_json) + "}}";
}

}  // namespace

// ---- Request body ------------------------------------------------------------------------------

TEST(OpenAiRequest, UnaryBodyEveryField) {
  json::value body = json::parse(openai_request_body(sample_prompt(), "gpt-4o-mini", false));
  EXPECT_EQ(keys(body), (std::set<std::string>{"model", "messages", "temperature", "max_tokens", "stream"}));
  EXPECT_EQ(body.at("model").as_string(), "gpt-4o-mini");
  EXPECT_DOUBLE_EQ(body.at("temperature").to_number<double>(), 0.4);
  EXPECT_EQ(body.at("max_tokens").to_number<int>(), 256);
  EXPECT_EQ(body.at("stream").as_bool(), false);

  const json::array& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 4u);
  const char* roles[] = {"system", "user", "assistant", "user"};
  const char* texts[] = {"Tu es PixelCoach.", "Bonjour", "Salut !", "Et \"demain\" ?\né"};
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(keys(messages[i]), (std::set<std::string>{"role", "content"}));
    EXPECT_EQ(messages[i].at("role").as_string(), roles[i]);
    EXPECT_EQ(messages[i].at("content").as_string(), texts[i]);
  }
}

TEST(OpenAiRequest, StreamAsksForUsage) {
  json::value body = json::parse(openai_request_body(sample_prompt(), "llama3.2", true));
  EXPECT_EQ(keys(body),
            (std::set<std::string>{"model", "messages", "temperature", "max_tokens", "stream", "stream_options"}));
  EXPECT_EQ(body.at("stream").as_bool(), true);
  EXPECT_EQ(keys(body.at("stream_options")), std::set<std::string>{"include_usage"});
  EXPECT_EQ(body.at("stream_options").at("include_usage").as_bool(), true);
  EXPECT_EQ(body.at("model").as_string(), "llama3.2");
}

TEST(OpenAiRequest, OnlyParametersOpenAiAccepts) {
  // OpenAI answers 400 "Unrecognized request argument supplied" to anything else (OpenAI's API reference).
  const std::set<std::string> accepted{"model",      "messages",       "temperature", "top_p",
                                       "max_tokens", "stop",           "n",           "seed",
                                       "stream",     "stream_options", "user",        "max_completion_tokens"};
  for (bool stream : {false, true}) {
    json::value body = json::parse(openai_request_body(sample_prompt(), "m", stream));
    for (const std::string& k : keys(body)) EXPECT_TRUE(accepted.contains(k)) << k;
  }
}

TEST(OpenAiRequest, EmptySystemIsLeftOut) {
  Prompt p = sample_prompt();
  p.system.clear();
  json::value body = json::parse(openai_request_body(p, "m", false));
  const json::array& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].at("role").as_string(), "user");
  EXPECT_EQ(messages[0].at("content").as_string(), "Bonjour");
}

TEST(OpenAiRequest, DefaultsAreSent) {
  Prompt p;
  p.turns = {{Turn::Role::user, "x"}};
  json::value body = json::parse(openai_request_body(p, "m", false));
  EXPECT_DOUBLE_EQ(body.at("temperature").to_number<double>(), 0.7);
  EXPECT_EQ(body.at("max_tokens").to_number<int>(), 1024);
}

// ---- Paths -------------------------------------------------------------------------------------

TEST(OpenAiPath, BareHostGetsV1) {
  EXPECT_EQ(openai_path(), "/v1/chat/completions");
  EXPECT_EQ(openai_url_path(""), "/v1/chat/completions");
  EXPECT_EQ(openai_url_path("/"), "/v1/chat/completions");
  EXPECT_EQ(openai_url_path("//"), "/v1/chat/completions");
}

TEST(OpenAiPath, BasePathIsTheApiRoot) {
  EXPECT_EQ(openai_url_path("/v1"), "/v1/chat/completions");  // http://localhost:11434/v1
  EXPECT_EQ(openai_url_path("/v1/"), "/v1/chat/completions");
  EXPECT_EQ(openai_url_path("/api/v1/"), "/api/v1/chat/completions");
  EXPECT_EQ(openai_url_path("/v1beta/openai"), "/v1beta/openai/chat/completions");
  EXPECT_EQ(openai_url_path("v1"), "/v1/chat/completions");
}

TEST(OpenAiPath, FullEndpointAndQueryAreKept) {
  EXPECT_EQ(openai_url_path("/v1/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(openai_url_path("/chat/completions/"), "/chat/completions");
  EXPECT_EQ(openai_url_path("/openai/deployments/coach?api-version=2024-06-01"),
            "/openai/deployments/coach/chat/completions?api-version=2024-06-01");
  EXPECT_EQ(openai_url_path("?x=1"), "/v1/chat/completions?x=1");
}

// ---- Unary responses ---------------------------------------------------------------------------

TEST(OpenAiResponse, DocumentedBody) {
  // A real OpenAI chat completion, with its elisions ("chatcmpl-…", "fp_…", "…") filled in.
  const char* body =
      R"({"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18",
 "choices":[{"index":0,"message":{"role":"assistant","content":"Bonjour ! Prêt à réviser ?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
 "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
          "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
          "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
 "service_tier":"default","system_fingerprint":"fp_06737a9306"})";
  Chunk c = parse_openai_response(body);
  EXPECT_EQ(c.text, "Bonjour ! Prêt à réviser ?");
  ASSERT_TRUE(c.finish);
  EXPECT_EQ(*c.finish, Finish::stop);
  ASSERT_TRUE(c.usage);
  EXPECT_EQ(c.usage->prompt_tokens, 19);
  EXPECT_EQ(c.usage->output_tokens, 10);
  EXPECT_EQ(c.usage->total_tokens, 29);
  EXPECT_FALSE(c.prompt_blocked);
}

TEST(OpenAiResponse, OllamaCompactBody) {
  const char* body =
      R"({"id":"chatcmpl-417","object":"chat.completion","created":1741569952,"model":"llama3.2","system_fingerprint":"fp_ollama",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":"Salut"},"finish_reason":"stop"}],)"
      R"("usage":{"prompt_tokens":26,"completion_tokens":2,"total_tokens":28}})";
  Chunk c = parse_openai_response(body);
  EXPECT_EQ(c.text, "Salut");
  EXPECT_EQ(c.finish, Finish::stop);
  ASSERT_TRUE(c.usage);
  EXPECT_EQ(c.usage->total_tokens, 28);
}

TEST(OpenAiResponse, NullContentWithLength) {
  // The thinking-model case: the budget went on reasoning, content is null.
  Chunk c = parse_openai_response(
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"Hmm…"},"finish_reason":"length"}]})");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::max_tokens);
  EXPECT_FALSE(c.usage);
}

TEST(OpenAiResponse, ContentFilterIsSafety) {
  Chunk c = parse_openai_response(
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":null},"finish_reason":"content_filter"}],"usage":null})");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::safety);
  EXPECT_FALSE(c.usage);
}

TEST(OpenAiResponse, ToolCallIsOther) {
  Chunk c = parse_openai_response(
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",)"
      R"("function":{"name":"create_planning","arguments":"{\"periode\":\"semaine\"}"}}]},"finish_reason":"tool_calls"}]})");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::other);
}

TEST(OpenAiResponse, FinishReasonMapping) {
  auto finish = [](std::string_view reason) {
    return parse_openai_response(R"({"choices":[{"message":{"content":"x"},"finish_reason":)" + std::string(reason) +
                                 "}]}")
        .finish;
  };
  EXPECT_EQ(finish(R"("stop")"), Finish::stop);
  EXPECT_EQ(finish(R"("length")"), Finish::max_tokens);
  EXPECT_EQ(finish(R"("content_filter")"), Finish::safety);
  EXPECT_EQ(finish(R"("function_call")"), Finish::other);
  EXPECT_EQ(finish(R"("something_new")"), Finish::other);
  EXPECT_EQ(finish("null"), std::nullopt);
}

TEST(OpenAiResponse, ContentPartsAreJoined) {
  Chunk c = parse_openai_response(
      R"({"choices":[{"message":{"content":[{"type":"text","text":"Bon"},{"type":"image_url","image_url":{"url":"x"}},)"
      R"({"type":"text","text":"jour"}]},"finish_reason":"stop"}]})");
  EXPECT_EQ(c.text, "Bonjour");
}

TEST(OpenAiResponse, UsageWithoutTotalIsSummed) {
  Chunk c = parse_openai_response(
      R"({"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":5,"completion_tokens":3}})");
  ASSERT_TRUE(c.usage);
  EXPECT_EQ(c.usage->total_tokens, 8);
  EXPECT_FALSE(c.finish);
}

TEST(OpenAiResponse, HugeCountsAreClamped) {
  Chunk c = parse_openai_response(
      R"({"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":1e300,"completion_tokens":-4,"total_tokens":99999999999}})");
  ASSERT_TRUE(c.usage);
  EXPECT_EQ(c.usage->prompt_tokens, INT_MAX);
  EXPECT_EQ(c.usage->output_tokens, 0);
  EXPECT_EQ(c.usage->total_tokens, INT_MAX);
}

TEST(OpenAiResponse, WrongShapesThrow) {
  const char* bad[] = {
      "",
      "not json",
      R"({"choices":[{"message":{"content":"tronq)",
      "[]",
      R"("text")",
      "{}",
      R"({"choices":null})",
      R"({"choices":[]})",
      R"({"choices":{"0":{}}})",
      R"({"choices":["x"]})",
      R"({"choices":[{"finish_reason":"stop"}]})",
      R"({"choices":[{"message":"hello"}]})",
      R"({"choices":[{"message":{"content":42}}]})",
      R"({"choices":[{"message":{"content":[{"type":"text","text":7}]}}]})",
      R"({"choices":[{"message":{"content":"x"},"finish_reason":1}]})",
      R"({"choices":[{"message":{"content":"x"}}],"usage":[]})",
      R"({"choices":[{"message":{"content":"x"}}],"usage":{"prompt_tokens":"19"}})",
      R"({"error":{"message":"boom","type":"server_error","param":null,"code":null}})",
  };
  for (const char* body : bad) EXPECT_THROW(parse_openai_response(body), WireError) << body;
}

TEST(OpenAiResponse, DeepNestingIsRefusedNotRecursed) {
  std::string deep(100000, '[');
  EXPECT_THROW(parse_openai_response(deep), WireError);
  EXPECT_THROW(parse_openai_stream_data(deep), WireError);
}

// ---- Streams -----------------------------------------------------------------------------------

// A real OpenAI stream, byte for byte except its elisions ("chatcmpl-…", "created":…, "model":"…",
// "system_fingerprint":"…" and the second chunk's "{…,") filled in with the same values.
constexpr std::string_view kDocumentedStream =
    "data: "
    "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]}\n"
    "\n"
    "data: "
    "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,\"delta\":"
    "{\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}]}\n"
    "\n"
    "data: "
    "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
    "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,\"delta\":"
    "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n"
    "\n"
    "data: [DONE]\n"
    "\n";

TEST(OpenAiStream, DocumentedEventsThroughTheSseParser) {
  std::vector<std::string> events = sse_data(kDocumentedStream);
  ASSERT_EQ(events.size(), 4u);

  Chunk role_only = stream_chunk(events[0]);
  EXPECT_EQ(role_only.text, "");
  EXPECT_FALSE(role_only.finish);
  EXPECT_FALSE(role_only.usage);

  Chunk delta = stream_chunk(events[1]);
  EXPECT_EQ(delta.text, "Hel");
  EXPECT_FALSE(delta.finish);

  Chunk last = stream_chunk(events[2]);
  EXPECT_EQ(last.text, "");
  EXPECT_EQ(last.finish, Finish::stop);
  EXPECT_FALSE(last.usage);

  EXPECT_EQ(events[3], "[DONE]");
  EXPECT_EQ(parse_openai_stream_data(events[3]), std::nullopt);
  for (const std::string& e : events) EXPECT_EQ(openai_stream_error(e), std::nullopt) << e;
}

TEST(OpenAiStream, DoneToleratesSurroundingSpace) {
  EXPECT_EQ(parse_openai_stream_data(" [DONE]\r\n"), std::nullopt);
  EXPECT_THROW(parse_openai_stream_data("[DONE] now"), WireError);
}

TEST(OpenAiStream, IncludeUsageChunks) {
  // With stream_options.include_usage: "usage": null on every chunk, then one with "choices": [].
  Chunk delta = stream_chunk(
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1",)"
      R"("choices":[{"index":0,"delta":{"content":"Bonjour"},"logprobs":null,"finish_reason":null}],"usage":null})");
  EXPECT_EQ(delta.text, "Bonjour");
  EXPECT_FALSE(delta.usage);

  Chunk usage = stream_chunk(
      R"({"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1",)"
      R"("choices":[],"usage":{"prompt_tokens":24,"completion_tokens":58,"total_tokens":82,)"
      R"("prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}})");
  EXPECT_EQ(usage.text, "");
  EXPECT_FALSE(usage.finish);
  ASSERT_TRUE(usage.usage);
  EXPECT_EQ(usage.usage->prompt_tokens, 24);
  EXPECT_EQ(usage.usage->output_tokens, 58);
  EXPECT_EQ(usage.usage->total_tokens, 82);
}

TEST(OpenAiStream, OllamaRoleInEveryDelta) {
  // Ollama's OpenAI-compatible stream: no role-only first chunk, role in every delta, no logprobs, 3-field usage.
  const char* stream =
      "data: "
      "{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"llama3.2\","
      "\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
      "\"Bon\"},"
      "\"finish_reason\":null}]}\n\n"
      "data: "
      "{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"llama3.2\","
      "\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
      "\"jour\"},"
      "\"finish_reason\":null}]}\n\n"
      "data: "
      "{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"llama3.2\","
      "\"system_fingerprint\":\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
      "\"\"},"
      "\"finish_reason\":\"stop\"}]}\n\n"
      "data: "
      "{\"id\":\"chatcmpl-417\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"llama3.2\","
      "\"system_fingerprint\":\"fp_ollama\",\"choices\":[],\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":2,"
      "\"total_tokens\":28}}\n\n"
      "data: [DONE]\n\n";
  std::vector<std::string> events = sse_data(stream);
  ASSERT_EQ(events.size(), 5u);
  std::string text;
  std::optional<Finish> finish;
  std::optional<Usage> usage;
  bool done = false;
  for (const std::string& e : events) {
    std::optional<Chunk> c = parse_openai_stream_data(e);
    if (!c) {
      done = true;
      continue;
    }
    text += c->text;
    if (c->finish) finish = c->finish;
    if (c->usage) usage = c->usage;
  }
  EXPECT_TRUE(done);
  EXPECT_EQ(text, "Bonjour");
  EXPECT_EQ(finish, Finish::stop);
  ASSERT_TRUE(usage);
  EXPECT_EQ(usage->prompt_tokens, 26);
  EXPECT_EQ(usage->output_tokens, 2);
  EXPECT_EQ(usage->total_tokens, 28);
}

TEST(OpenAiStream, LlamaCppNullFirstContentAndUsageOnTheLastChunk) {
  // Keys sorted as nlohmann::json writes them; first delta {"role":"assistant","content":null}.
  Chunk first = stream_chunk(
      R"({"choices":[{"delta":{"content":null,"role":"assistant"},"finish_reason":null,"index":0}],"created":1741569952,)"
      R"("id":"chatcmpl-0123456789abcdef0123456789abcdef","model":"qwen2.5","object":"chat.completion.chunk","system_fingerprint":"b6000"})");
  EXPECT_EQ(first.text, "");
  EXPECT_FALSE(first.finish);

  Chunk last = stream_chunk(
      R"({"choices":[{"delta":{},"finish_reason":"length","index":0}],"created":1741569952,"id":"chatcmpl-x",)"
      R"("model":"qwen2.5","object":"chat.completion.chunk","system_fingerprint":"b6000",)"
      R"("timings":{"predicted_n":16,"prompt_n":30},"usage":{"completion_tokens":16,"prompt_tokens":30,"total_tokens":46}})");
  EXPECT_EQ(last.finish, Finish::max_tokens);
  ASSERT_TRUE(last.usage);
  EXPECT_EQ(last.usage->total_tokens, 46);
}

TEST(OpenAiStream, ReasoningAndToolCallDeltasCarryNoText) {
  EXPECT_EQ(
      stream_chunk(R"({"choices":[{"index":0,"delta":{"reasoning_content":"Je réfléchis"},"finish_reason":null}]})")
          .text,
      "");
  EXPECT_EQ(stream_chunk(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"…"}}]})").text,
            "");
  Chunk call = stream_chunk(
      R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"per"}}]},"finish_reason":null}]})");
  EXPECT_EQ(call.text, "");
  EXPECT_EQ(stream_chunk(R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})").finish, Finish::other);
}

TEST(OpenAiStream, ContentFilterMidStream) {
  Chunk c = stream_chunk(R"({"choices":[{"index":0,"delta":{"content":null},"finish_reason":"content_filter"}]})");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::safety);
}

TEST(OpenAiStream, WrongShapesThrow) {
  const char* bad[] = {
      "",
      R"({"candidates": [{"content": {"parts": [{"text": "Bonj)",  // the fake's malformed_json event
      "[1]",
      "42",
      R"({"choices":"x"})",
      R"({"choices":[null]})",
      R"({"choices":[{"delta":"Hel"}]})",
      R"({"choices":[{"delta":{"content":5}}]})",
      R"({"choices":[{"delta":{},"finish_reason":["stop"]}]})",
      R"({"choices":[],"usage":{"total_tokens":"x"}})",
  };
  for (const char* data : bad) EXPECT_THROW(parse_openai_stream_data(data), WireError) << data;
}

// ---- Errors inside a stream --------------------------------------------------------------------

TEST(OpenAiStreamError, OpenAiShapeAfterContent) {
  std::vector<std::string> events = sse_data(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Bon\"},\"finish_reason\":null}]}\n\n"
      "data: {\"error\":{\"message\":\"The server had an error while processing your request. Sorry about that!\","
      "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(openai_stream_error(events[0]), std::nullopt);
  std::optional<ProviderError> e = openai_stream_error(events[1]);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->http_status, 500);
  EXPECT_EQ(e->status, "server_error");
  EXPECT_EQ(e->message, "The server had an error while processing your request. Sorry about that!");
  EXPECT_FALSE(e->bad_key);
  EXPECT_FALSE(e->retry_after_seconds);
  EXPECT_THROW(parse_openai_stream_data(events[1]), WireError);
}

TEST(OpenAiStreamError, LlamaCppIntegerCodeIsTheStatus) {
  auto e = openai_stream_error(R"({"error":{"code":503,"message":"Loading model","type":"unavailable_error"}})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->http_status, 503);
  EXPECT_EQ(e->status, "unavailable_error");
  EXPECT_EQ(e->message, "Loading model");

  auto context = openai_stream_error(
      R"({"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}})");
  ASSERT_TRUE(context);
  EXPECT_EQ(context->http_status, 400);
}

TEST(OpenAiStreamError, StatusFromCodeOrType) {
  auto status = [](std::string_view data) { return openai_stream_error(data).value_or(ProviderError{}).http_status; };
  EXPECT_EQ(status(R"({"error":{"message":"slow down","type":"tokens","param":null,"code":"rate_limit_exceeded"}})"),
            429);
  EXPECT_EQ(status(R"({"error":{"message":"k","type":"invalid_request_error","param":null,"code":"invalid_api_key"}})"),
            401);
  EXPECT_EQ(status(R"({"error":{"message":"m","type":"not_found_error","param":null,"code":null}})"), 404);
  EXPECT_EQ(status(R"({"error":{"message":"m","type":"api_error","param":null,"code":null}})"), 500);
  EXPECT_EQ(status(R"({"error":{"message":"m","type":"brand_new_error"}})"), 500);
  EXPECT_EQ(status(R"({"error":{"code":200,"message":"odd"}})"), 500);
  EXPECT_TRUE(openai_stream_error(R"({"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}})")
                  ->bad_key);
}

TEST(OpenAiStreamError, StringAndBareShapes) {
  auto text = openai_stream_error(R"({"error":"an error was encountered while running the model"})");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->http_status, 500);
  EXPECT_EQ(text->message, "an error was encountered while running the model");

  // vLLM before it wrapped errors in {"error": …}.
  auto bare = openai_stream_error(
      R"({"object":"error","message":"Model is overloaded","type":"ServiceUnavailableError","param":null,"code":503})");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->http_status, 503);
  EXPECT_EQ(bare->status, "ServiceUnavailableError");
  EXPECT_EQ(bare->message, "Model is overloaded");
  EXPECT_THROW(parse_openai_stream_data(R"({"object":"error","message":"x","code":503})"), WireError);
}

TEST(OpenAiStreamError, OrdinaryEventsAreNotErrors) {
  EXPECT_EQ(openai_stream_error("[DONE]"), std::nullopt);
  EXPECT_EQ(openai_stream_error("not json"), std::nullopt);
  EXPECT_EQ(openai_stream_error(R"({"error":null,"choices":[]})"), std::nullopt);
  EXPECT_EQ(openai_stream_error(R"({"choices":[],"usage":{"total_tokens":1}})"), std::nullopt);
}

// ---- HTTP errors -------------------------------------------------------------------------------

TEST(OpenAiError, NoKeyIs401) {
  ProviderError e = parse_openai_error(
      401,
      openai_error("You didn't provide an API key. You need to provide your API key in an Authorization header using "
                   "Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                   "invalid_request_error", "null"),
      std::nullopt);
  EXPECT_EQ(e.http_status, 401);
  EXPECT_TRUE(e.bad_key);
  EXPECT_EQ(e.status, "invalid_request_error");
  EXPECT_TRUE(e.message.starts_with("You didn't provide an API key."));
  EXPECT_FALSE(e.retry_after_seconds);
}

TEST(OpenAiError, InvalidKeyIs401) {
  // OpenAI pretty-prints its error bodies.
  ProviderError e = parse_openai_error(401, R"({
    "error": {
        "message": "Incorrect API key provided: sk-ab***wxyz. You can find your API key at https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": null,
        "code": "invalid_api_key"
    }
})",
                                       std::nullopt);
  EXPECT_TRUE(e.bad_key);
  EXPECT_EQ(e.status, "invalid_api_key");
  EXPECT_TRUE(e.message.starts_with("Incorrect API key provided"));
}

TEST(OpenAiError, LlamaCppInvalidKey) {
  ProviderError e = parse_openai_error(
      401, R"({"error":{"code":401,"message":"Invalid API Key","type":"authentication_error"}})", std::nullopt);
  EXPECT_TRUE(e.bad_key);
  EXPECT_EQ(e.http_status, 401);
  EXPECT_EQ(e.status, "authentication_error");
  EXPECT_EQ(e.message, "Invalid API Key");
}

TEST(OpenAiError, Forbidden) {
  ProviderError region =
      parse_openai_error(403,
                         openai_error("Country, region, or territory not supported", "request_forbidden",
                                      R"("unsupported_country_region_territory")"),
                         std::nullopt);
  EXPECT_FALSE(region.bad_key);
  EXPECT_EQ(region.status, "unsupported_country_region_territory");

  ProviderError permission = parse_openai_error(
      403, R"({"error":{"code":403,"message":"Forbidden","type":"permission_error"}})", std::nullopt);
  EXPECT_TRUE(permission.bad_key);
}

TEST(OpenAiError, UnknownModelIs404) {
  ProviderError openai =
      parse_openai_error(404,
                         openai_error("The model `gpt-9` does not exist or you do not have access to it.",
                                      "invalid_request_error", R"("model_not_found")"),
                         std::nullopt);
  EXPECT_EQ(openai.http_status, 404);
  EXPECT_EQ(openai.status, "model_not_found");
  EXPECT_FALSE(openai.bad_key);

  ProviderError ollama = parse_openai_error(
      404,
      R"({"error":{"message":"model \"x\" not found, try pulling it first","type":"not_found_error","param":null,"code":null}})",
      std::nullopt);
  EXPECT_EQ(ollama.status, "not_found_error");
  EXPECT_EQ(ollama.message, "model \"x\" not found, try pulling it first");
  EXPECT_FALSE(ollama.bad_key);
}

TEST(OpenAiError, RateLimitWithRetryAfter) {
  std::string body = openai_error(
      "Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM): Limit 30000, Used 29873, "
      "Requested 3298. Please try again in 6.596s. Visit https://platform.openai.com/account/rate-limits to learn "
      "more.",
      "tokens", R"("rate_limit_exceeded")");
  ProviderError e = parse_openai_error(429, body, "20");
  EXPECT_EQ(e.http_status, 429);
  EXPECT_EQ(e.status, "rate_limit_exceeded");
  EXPECT_FALSE(e.bad_key);
  EXPECT_EQ(e.retry_after_seconds, 20);  // the header wins over the message

  EXPECT_EQ(parse_openai_error(429, body, std::nullopt).retry_after_seconds, 7);  // 6.596 s, rounded up
  // An HTTP-date is not read; the message still gives the wait.
  EXPECT_EQ(parse_openai_error(429, body, "Wed, 21 Oct 2026 07:28:00 GMT").retry_after_seconds, 7);
}

TEST(OpenAiError, RetryAfterHeaderForms) {
  auto wait = [](std::string_view header) { return parse_openai_error(503, "{}", header).retry_after_seconds; };
  EXPECT_EQ(wait("7"), 7);
  EXPECT_EQ(wait(" 0 "), 0);
  EXPECT_EQ(wait("1.5"), 2);
  EXPECT_EQ(wait("99999999999999999999"), INT_MAX);
  EXPECT_EQ(wait("Wed, 21 Oct 2026 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(wait("-3"), std::nullopt);
  EXPECT_EQ(wait(""), std::nullopt);
  EXPECT_EQ(wait("5s"), std::nullopt);
  EXPECT_EQ(wait("1."), std::nullopt);
}

TEST(OpenAiError, RetryHintInTheMessage) {
  auto wait = [](std::string_view message) {
    return parse_openai_error(429, openai_error(message, "requests", R"("rate_limit_exceeded")"), std::nullopt)
        .retry_after_seconds;
  };
  EXPECT_EQ(wait("Please try again in 120ms. Visit"), 1);
  EXPECT_EQ(wait("Please try again in 1m30s."), 90);
  EXPECT_EQ(wait("Please try again in 20s."), 20);
  EXPECT_EQ(wait("Please try again later."), std::nullopt);
  EXPECT_EQ(wait("Please try again in 5 minutes."), std::nullopt);
  // Only a 429's message is read.
  EXPECT_EQ(parse_openai_error(500, openai_error("Please try again in 3s.", "server_error", "null"), std::nullopt)
                .retry_after_seconds,
            std::nullopt);
}

TEST(OpenAiError, QuotaHasNoRetryHint) {
  ProviderError e =
      parse_openai_error(429,
                         openai_error("You exceeded your current quota, please check your plan and billing details.",
                                      "insufficient_quota", R"("insufficient_quota")"),
                         std::nullopt);
  EXPECT_EQ(e.status, "insufficient_quota");
  EXPECT_FALSE(e.retry_after_seconds);
  EXPECT_FALSE(e.bad_key);
}

TEST(OpenAiError, ServerErrors) {
  ProviderError e = parse_openai_error(
      500,
      openai_error("The server had an error while processing your request. Sorry about that!", "server_error", "null"),
      std::nullopt);
  EXPECT_EQ(e.http_status, 500);
  EXPECT_EQ(e.status, "server_error");
  EXPECT_FALSE(e.bad_key);

  ProviderError loading =
      parse_openai_error(503, R"({"error":{"code":503,"message":"Loading model","type":"unavailable_error"}})", "3");
  EXPECT_EQ(loading.http_status, 503);
  EXPECT_EQ(loading.status, "unavailable_error");
  EXPECT_EQ(loading.retry_after_seconds, 3);
}

TEST(OpenAiError, ParamIsNamedInTheMessage) {
  ProviderError e = parse_openai_error(
      400,
      R"({"error":{"message":"Unrecognized request argument supplied: top_k","type":"invalid_request_error","param":"top_k","code":null}})",
      std::nullopt);
  EXPECT_EQ(e.message, "Unrecognized request argument supplied: top_k (param: top_k)");
  EXPECT_EQ(e.status, "invalid_request_error");
  EXPECT_FALSE(e.bad_key);
}

TEST(OpenAiError, StringShapedError) {
  ProviderError e = parse_openai_error(400, R"({"error":"model is required"})", std::nullopt);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.message, "model is required");
  EXPECT_EQ(e.status, "");
  EXPECT_FALSE(e.bad_key);
  EXPECT_TRUE(parse_openai_error(401, R"({"error":"unauthorized"})", std::nullopt).bad_key);
}

TEST(OpenAiError, VllmAndProxyShapes) {
  ProviderError bare = parse_openai_error(
      404,
      R"({"object":"error","message":"The model `x` does not exist.","type":"NotFoundError","param":null,"code":404})",
      std::nullopt);
  EXPECT_EQ(bare.http_status, 404);
  EXPECT_EQ(bare.status, "NotFoundError");
  EXPECT_EQ(bare.message, "The model `x` does not exist.");

  ProviderError wrapped = parse_openai_error(
      400, R"({"error":{"message":"max_tokens is too large","type":"BadRequestError","param":null,"code":400}})",
      std::nullopt);
  EXPECT_EQ(wrapped.http_status, 400);  // the HTTP status, whatever the code says
  EXPECT_EQ(wrapped.status, "BadRequestError");

  ProviderError detail = parse_openai_error(404, R"({"detail":"Not Found"})", std::nullopt);
  EXPECT_EQ(detail.message, "Not Found");
}

TEST(OpenAiError, NonJsonBodyKeepsTheStatus) {
  ProviderError html = parse_openai_error(502, "\r\n<html><body>502 Bad Gateway</body></html>\n", std::nullopt);
  EXPECT_EQ(html.http_status, 502);
  EXPECT_EQ(html.status, "");
  EXPECT_EQ(html.message, "<html><body>502 Bad Gateway</body></html>");
  EXPECT_FALSE(html.bad_key);

  EXPECT_TRUE(parse_openai_error(401, "Unauthorized", std::nullopt).bad_key);
  EXPECT_EQ(parse_openai_error(500, "", std::nullopt).message, "");
  EXPECT_EQ(parse_openai_error(500, R"({"error":{"message":"tronq)", std::nullopt).message,
            R"({"error":{"message":"tronq)");
  EXPECT_EQ(parse_openai_error(500, "[1,2]", std::nullopt).message, "[1,2]");
  EXPECT_EQ(parse_openai_error(500, std::string(100000, '['), std::nullopt).http_status, 500);
}

TEST(OpenAiError, LongBodyIsCutOnACharacter) {
  std::string body = "x";
  for (int i = 0; i < 300; ++i) body += "é";  // 2 bytes each: byte 512 is the second half of one
  ProviderError e = parse_openai_error(500, body, std::nullopt);
  ASSERT_TRUE(e.message.ends_with("…"));
  std::string kept = e.message.substr(0, e.message.size() - std::string("…").size());
  EXPECT_EQ(kept.size(), 511u);  // "x" + 255 whole "é"
  EXPECT_EQ(kept.back(), '\xA9');
}
