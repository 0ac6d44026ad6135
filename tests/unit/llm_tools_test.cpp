// Function calling and structured output on both wires (Gemini and OpenAI API references): what we send
// (tools, toolConfig, responseSchema, response_format), what we read back (functionCall parts,
// tool_calls whole and in fragments), how fragments become calls, and the per-day quota flag.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "llm/gemini_wire.hpp"
#include "llm/openai_wire.hpp"
#include "llm/provider.hpp"

namespace json = boost::json;
using namespace planetude::llm;

namespace {

json::object session_schema() {
  return json::object{
      {"type", "object"},
      {"additionalProperties", false},
      {"properties", json::object{{"sessionId", json::object{{"type", "string"}, {"description", "id"}}},
                                  {"jour", json::object{{"type", "integer"}, {"minimum", 0}}},
                                  {"tags", json::object{{"type", "array"},
                                                        {"items", json::object{{"type", "string"}, {"const", "x"}}}}}}},
      {"required", json::array{"sessionId"}}};
}

Prompt with_tool() {
  Prompt p;
  p.turns = {{Turn::Role::user, "Décale les maths"}};
  p.tools = std::make_shared<const std::vector<ToolDeclaration>>(
      std::vector<ToolDeclaration>{{"update_session", "Propose de modifier une session.", session_schema()}});
  return p;
}

}  // namespace

TEST(GeminiTools, DeclarationsWithGeminiSchemaAndAutoMode) {
  json::object body = json::parse(gemini_request_body(with_tool())).as_object();
  const auto& decl = body.at("tools").as_array().at(0).at("functionDeclarations").as_array().at(0).as_object();
  EXPECT_EQ(decl.at("name"), "update_session");
  EXPECT_EQ(decl.at("description"), "Propose de modifier une session.");
  const auto& params = decl.at("parameters").as_object();
  EXPECT_EQ(params.at("type"), "OBJECT");
  EXPECT_FALSE(params.contains("additionalProperties"));  // Gemini: 400 Unknown name
  EXPECT_EQ(params.at("required"), (json::array{"sessionId"}));
  const auto& props = params.at("properties").as_object();
  EXPECT_EQ(props.at("sessionId").at("type"), "STRING");
  EXPECT_EQ(props.at("sessionId").at("description"), "id");
  EXPECT_EQ(props.at("jour").at("type"), "INTEGER");
  EXPECT_EQ(props.at("jour").at("minimum"), 0);
  EXPECT_EQ(props.at("tags").at("items").at("type"), "STRING");
  EXPECT_FALSE(props.at("tags").at("items").as_object().contains("const"));
  EXPECT_EQ(body.at("toolConfig"), (json::object{{"functionCallingConfig", json::object{{"mode", "AUTO"}}}}));
  EXPECT_FALSE(body.at("generationConfig").as_object().contains("responseMimeType"));
}

TEST(GeminiTools, NoToolsNoToolKeys) {
  Prompt p;
  p.turns = {{Turn::Role::user, "Salut"}};
  json::object body = json::parse(gemini_request_body(p)).as_object();
  EXPECT_FALSE(body.contains("tools"));
  EXPECT_FALSE(body.contains("toolConfig"));
}

TEST(GeminiStructuredOutput, MimeTypeAndSchema) {
  Prompt p;
  p.turns = {{Turn::Role::user, "Plan"}};
  p.response_schema = session_schema();
  json::object config = json::parse(gemini_request_body(p)).as_object().at("generationConfig").as_object();
  EXPECT_EQ(config.at("responseMimeType"), "application/json");
  EXPECT_EQ(config.at("responseSchema").at("type"), "OBJECT");
  EXPECT_FALSE(config.at("responseSchema").as_object().contains("additionalProperties"));
}

TEST(GeminiResponse, FunctionCallPartsWholeAndNumbered) {
  Chunk c = parse_gemini_response(R"({"candidates":[{"content":{"parts":[
      {"functionCall":{"name":"update_session","args":{"sessionId":"abc","debut":"2027-03-01T09:00:00+01:00"}},"thoughtSignature":"c2ln"},
      {"functionCall":{"name":"delete_session","args":{"sessionId":"def"}}}],"role":"model"},
      "finishReason":"STOP","index":0,"finishMessage":"Model generated function call(s)."}]})");
  ASSERT_EQ(c.calls.size(), 2u);
  EXPECT_EQ(c.calls[0].index, 0);
  EXPECT_EQ(c.calls[0].name, "update_session");
  EXPECT_EQ(json::parse(c.calls[0].arguments),
            (json::object{{"sessionId", "abc"}, {"debut", "2027-03-01T09:00:00+01:00"}}));
  EXPECT_EQ(c.calls[1].index, 1);
  EXPECT_EQ(c.calls[1].name, "delete_session");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::stop);
}

TEST(GeminiResponse, FunctionCallWithoutArgsIsAnEmptyObject) {
  Chunk c = parse_gemini_response(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f"}}]}}]})");
  ASSERT_EQ(c.calls.size(), 1u);
  EXPECT_EQ(c.calls[0].arguments, "{}");
}

TEST(GeminiResponse, FunctionCallOfWrongShapeIsAWireError) {
  EXPECT_THROW(parse_gemini_response(R"({"candidates":[{"content":{"parts":[{"functionCall":"f"}]}}]})"), WireError);
  EXPECT_THROW(
      parse_gemini_response(R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":[1]}}]}}]})"),
      WireError);
}

TEST(GeminiError, PerDayQuotaIsFlagged) {
  auto body = [](const char* quota) {
    return std::string(R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[
        {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":")") +
           quota + R"("}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"30s"}]}})";
  };
  ProviderError day = parse_gemini_error(429, body("GenerateRequestsPerDayPerProjectPerModel-FreeTier"));
  EXPECT_TRUE(day.daily_quota);
  EXPECT_EQ(failure_from(day).kind(), FailureKind::quota_exhausted);
  ProviderError minute = parse_gemini_error(429, body("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"));
  EXPECT_FALSE(minute.daily_quota);
  EXPECT_EQ(failure_from(minute).kind(), FailureKind::rate_limited);
  EXPECT_EQ(failure_from(minute).retry_after_seconds(), 30);
}

TEST(OpenAiTools, ToolsAndResponseFormat) {
  Prompt p = with_tool();
  json::object body = json::parse(openai_request_body(p, "gpt-4o-mini", false)).as_object();
  const auto& tool = body.at("tools").as_array().at(0).as_object();
  EXPECT_EQ(tool.at("type"), "function");
  EXPECT_EQ(tool.at("function").at("name"), "update_session");
  EXPECT_EQ(tool.at("function").at("parameters"), session_schema());  // OpenAI takes JSON Schema as is
  EXPECT_FALSE(body.contains("response_format"));

  Prompt s;
  s.turns = {{Turn::Role::user, "Plan"}};
  s.response_schema = session_schema();
  json::object b2 = json::parse(openai_request_body(s, "m", true)).as_object();
  EXPECT_FALSE(b2.contains("tools"));
  EXPECT_EQ(b2.at("response_format").at("type"), "json_schema");
  EXPECT_EQ(b2.at("response_format").at("json_schema").at("schema"), session_schema());
  EXPECT_EQ(b2.at("response_format").at("json_schema").at("name"), "reponse");
}

TEST(OpenAiResponse, UnaryToolCalls) {
  Chunk c = parse_openai_response(R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,
      "tool_calls":[{"id":"call_1","type":"function","function":{"name":"delete_session","arguments":"{\"sessionId\":\"x\"}"}}]},
      "finish_reason":"tool_calls"}]})");
  ASSERT_EQ(c.calls.size(), 1u);
  EXPECT_EQ(c.calls[0].name, "delete_session");
  EXPECT_EQ(c.calls[0].arguments, R"({"sessionId":"x"})");
  EXPECT_EQ(c.finish, Finish::other);
}

TEST(OpenAiStream, ToolCallFragmentsJoinIntoOneCall) {
  std::vector<ToolCallPart> parts;
  for (
      const char* data :
      {R"({"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"update_session","arguments":""}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"sessionId\""}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":\"abc\"}"}}]},"finish_reason":null}]})",
       R"({"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]})"}) {
    auto chunk = parse_openai_stream_data(data);
    ASSERT_TRUE(chunk);
    parts.insert(parts.end(), chunk->calls.begin(), chunk->calls.end());
  }
  auto calls = assemble_calls(parts);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].name, "update_session");
  EXPECT_EQ(calls[0].args, (json::object{{"sessionId", "abc"}}));
}

TEST(AssembleCalls, KeepsOrderOfFirstAppearanceAndRejectsBadCalls) {
  auto calls = assemble_calls({{1, "b", "{}"}, {0, "a", "{\"x\""}, {0, "", ":1}"}});
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].name, "b");
  EXPECT_EQ(calls[1].name, "a");
  EXPECT_EQ(calls[1].args, (json::object{{"x", 1}}));
  EXPECT_TRUE(assemble_calls({}).empty());
  EXPECT_EQ(assemble_calls({{0, "f", ""}})[0].args, json::object{});
  try {
    assemble_calls({{0, "", "{}"}});
    FAIL() << "a call without a name";
  } catch (const ProviderFailure& f) {
    EXPECT_EQ(f.kind(), FailureKind::malformed);
  }
  EXPECT_THROW(assemble_calls({{0, "f", "[1]"}}), ProviderFailure);
  EXPECT_THROW(assemble_calls({{0, "f", "{\"x\":"}}), ProviderFailure);
}
