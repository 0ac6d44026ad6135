#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <climits>
#include <set>
#include <stdexcept>
#include <string>

#include "llm/gemini_wire.hpp"
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

// Every object key anywhere in the document.
void collect_names(const json::value& v, std::set<std::string>& out) {
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      out.insert(std::string(kv.key()));
      collect_names(kv.value(), out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v.get_array()) collect_names(item, out);
  }
}

std::string retry_body(std::string_view delay) {
  return R"({"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED","details":[)"
         R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":")" +
         std::string(delay) + R"("}]}})";
}

}  // namespace

// ---- Request body ------------------------------------------------------------------------------

TEST(GeminiRequest, EveryFieldAndValue) {
  json::value body = json::parse(gemini_request_body(sample_prompt()));
  EXPECT_EQ(keys(body), (std::set<std::string>{"contents", "systemInstruction", "safetySettings", "generationConfig"}));

  const json::array& contents = body.at("contents").as_array();
  ASSERT_EQ(contents.size(), 3u);
  const char* roles[] = {"user", "model", "user"};
  const char* texts[] = {"Bonjour", "Salut !", "Et \"demain\" ?\né"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(keys(contents[i]), (std::set<std::string>{"role", "parts"}));
    EXPECT_EQ(contents[i].at("role").as_string(), roles[i]);
    const json::array& parts = contents[i].at("parts").as_array();
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_EQ(keys(parts[0]), std::set<std::string>{"text"});
    EXPECT_EQ(parts[0].at("text").as_string(), texts[i]);
  }

  const json::value& system = body.at("systemInstruction");
  EXPECT_EQ(keys(system), std::set<std::string>{"parts"});
  ASSERT_EQ(system.at("parts").as_array().size(), 1u);
  EXPECT_EQ(system.at("parts").as_array()[0].at("text").as_string(), "Tu es PixelCoach.");

  const json::array& safety = body.at("safetySettings").as_array();
  std::set<std::string> categories;
  for (const auto& s : safety) {
    EXPECT_EQ(keys(s), (std::set<std::string>{"category", "threshold"}));
    EXPECT_EQ(s.at("threshold").as_string(), "BLOCK_MEDIUM_AND_ABOVE");
    categories.insert(std::string(s.at("category").as_string()));
  }
  EXPECT_EQ(safety.size(), 4u);
  EXPECT_EQ(categories, (std::set<std::string>{"HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH",
                                               "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_DANGEROUS_CONTENT"}));

  const json::value& config = body.at("generationConfig");
  EXPECT_EQ(keys(config), (std::set<std::string>{"temperature", "maxOutputTokens", "thinkingConfig"}));
  EXPECT_DOUBLE_EQ(config.at("temperature").to_number<double>(), 0.4);
  EXPECT_EQ(config.at("maxOutputTokens").to_number<std::int64_t>(), 256);
  EXPECT_EQ(keys(config.at("thinkingConfig")), std::set<std::string>{"thinkingBudget"});
  EXPECT_EQ(config.at("thinkingConfig").at("thinkingBudget").to_number<std::int64_t>(), 0);
}

TEST(GeminiRequest, OnlyNamesTheApiKnows) {
  std::set<std::string> names;
  collect_names(json::parse(gemini_request_body(sample_prompt())), names);
  const std::set<std::string> known{"contents",          "role",           "parts",           "text",
                                    "systemInstruction", "safetySettings", "category",        "threshold",
                                    "generationConfig",  "temperature",    "maxOutputTokens", "thinkingConfig",
                                    "thinkingBudget"};
  for (const auto& n : names) EXPECT_TRUE(known.count(n)) << "unknown field name " << n;
}

TEST(GeminiRequest, EmptySystemIsLeftOut) {
  Prompt p = sample_prompt();
  p.system.clear();
  json::value body = json::parse(gemini_request_body(p));
  EXPECT_FALSE(body.as_object().contains("systemInstruction"));
  EXPECT_EQ(body.at("contents").as_array().size(), 3u);
}

// ---- Path --------------------------------------------------------------------------------------

TEST(GeminiPath, UnaryAndStream) {
  EXPECT_EQ(gemini_path("gemini-2.5-flash", false), "/v1beta/models/gemini-2.5-flash:generateContent");
  EXPECT_EQ(gemini_path("gemini-2.5-flash", true), "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
}

TEST(GeminiPath, PrefixesAreKept) {
  EXPECT_EQ(gemini_path("models/gemini-2.5-flash-lite", false), "/v1beta/models/gemini-2.5-flash-lite:generateContent");
  EXPECT_EQ(gemini_path("tunedModels/my_model.v2", true),
            "/v1beta/tunedModels/my_model.v2:streamGenerateContent?alt=sse");
}

TEST(GeminiPath, OtherBytesAreEscaped) {
  EXPECT_EQ(gemini_path("../x?key=1#f", false), "/v1beta/models/..%2Fx%3Fkey%3D1%23f:generateContent");
  EXPECT_EQ(gemini_path("a b:c%", false), "/v1beta/models/a%20b%3Ac%25:generateContent");
  EXPECT_EQ(gemini_path("é", false), "/v1beta/models/%C3%A9:generateContent");
  EXPECT_EQ(gemini_path("models/tunedModels/x", false), "/v1beta/models/tunedModels%2Fx:generateContent");
}

TEST(GeminiPath, EmptyModelIsRefused) {
  EXPECT_THROW(gemini_path("", false), std::invalid_argument);
  EXPECT_THROW(gemini_path("models/", true), std::invalid_argument);
}

// ---- Responses ---------------------------------------------------------------------------------

TEST(GeminiResponse, DocumentedUnaryBody) {
  const std::string body = R"({
  "candidates": [
    {
      "content": {
        "parts": [
          {
            "text": "Hello!"
          }
        ],
        "role": "model"
      },
      "finishReason": "STOP",
      "index": 0,
      "safetyRatings": [
        {
          "category": "HARM_CATEGORY_HARASSMENT",
          "probability": "NEGLIGIBLE"
        }
      ]
    }
  ],
  "usageMetadata": {
    "promptTokenCount": 3,
    "candidatesTokenCount": 2,
    "totalTokenCount": 22,
    "promptTokensDetails": [
      {
        "modality": "TEXT",
        "tokenCount": 3
      }
    ],
    "thoughtsTokenCount": 17
  },
  "modelVersion": "gemini-2.5-flash",
  "responseId": "FugfaZasF6ra2roP_9i9KQ"
}
)";
  Chunk c = parse_gemini_response(body);
  EXPECT_EQ(c.text, "Hello!");
  ASSERT_TRUE(c.finish.has_value());
  EXPECT_EQ(*c.finish, Finish::stop);
  ASSERT_TRUE(c.usage.has_value());
  EXPECT_EQ(c.usage->prompt_tokens, 3);
  EXPECT_EQ(c.usage->output_tokens, 2);
  EXPECT_EQ(c.usage->total_tokens, 22);
  EXPECT_FALSE(c.prompt_blocked);
}

TEST(GeminiResponse, CapturedStreamEventThroughTheSseParser) {
  SseParser sse;
  sse.feed(
      "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"1, 2, 3\"}],\"role\": "
      "\"model\"},\"finishReason\": "
      "\"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 8,\"candidatesTokenCount\": 7,"
      "\"totalTokenCount\": 38,\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 8}],"
      "\"thoughtsTokenCount\": 23},\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": "
      "\"4HkhaaajEJaY0-kPyI_b2A4\"}\r\n\r\n");
  auto event = sse.next();
  ASSERT_TRUE(event.has_value());
  EXPECT_FALSE(gemini_stream_error(event->data).has_value());
  Chunk c = parse_gemini_response(event->data);
  EXPECT_EQ(c.text, "1, 2, 3");
  EXPECT_EQ(c.finish, Finish::stop);
  ASSERT_TRUE(c.usage.has_value());
  EXPECT_EQ(c.usage->prompt_tokens, 8);
  EXPECT_EQ(c.usage->output_tokens, 7);  // thoughts (23) are not output
  EXPECT_EQ(c.usage->total_tokens, 38);
}

TEST(GeminiResponse, MidStreamChunkHasNoFinish) {
  Chunk c = parse_gemini_response(
      R"({"candidates": [{"content": {"parts": [{"text": "Bon"}],"role": "model"},"index": 0}],)"
      R"("usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 1,"totalTokenCount": 30}})");
  EXPECT_EQ(c.text, "Bon");
  EXPECT_FALSE(c.finish.has_value());
  EXPECT_EQ(c.usage->output_tokens, 1);
}

TEST(GeminiResponse, SafetyBlockedCandidateWithoutContent) {
  Chunk c = parse_gemini_response(
      R"({"candidates":[{"finishReason":"SAFETY","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT",)"
      R"("probability":"HIGH","blocked":true}]}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}})");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::safety);
  EXPECT_FALSE(c.prompt_blocked);
  EXPECT_EQ(c.usage->output_tokens, 0);
  EXPECT_EQ(c.usage->total_tokens, 5);
}

TEST(GeminiResponse, BlockedPrompt) {
  Chunk c = parse_gemini_response(
      R"({"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[{"category":"HARM_CATEGORY_DANGEROUS_CONTENT",)"
      R"("probability":"HIGH","blocked":true}]},"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},)"
      R"("modelVersion":"gemini-2.5-flash"})");
  EXPECT_TRUE(c.prompt_blocked);
  EXPECT_EQ(c.text, "");
  EXPECT_FALSE(c.finish.has_value());
  EXPECT_EQ(c.usage->prompt_tokens, 12);
}

TEST(GeminiResponse, FeedbackWithoutBlockReasonIsNotABlock) {
  EXPECT_FALSE(parse_gemini_response(R"({"promptFeedback":{"safetyRatings":[]}})").prompt_blocked);
  EXPECT_FALSE(parse_gemini_response(
                   R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}],"promptFeedback":{"blockReason":"OTHER"}})")
                   .prompt_blocked);
}

TEST(GeminiResponse, MaxTokensWithContentLackingParts) {
  Chunk c =
      parse_gemini_response(R"({"candidates":[{"content":{"role":"model"},"finishReason":"MAX_TOKENS","index":0}]})");
  EXPECT_EQ(c.text, "");
  EXPECT_EQ(c.finish, Finish::max_tokens);
  EXPECT_FALSE(c.usage.has_value());
}

TEST(GeminiResponse, ThoughtPartsAndNonTextPartsAreSkipped) {
  Chunk c = parse_gemini_response(
      R"({"candidates":[{"content":{"role":"model","parts":[)"
      R"({"text":"Let me think...","thought":true},{"text":"Bon","thought":false},)"
      R"({"functionCall":{"name":"f","args":{}},"thoughtSignature":"c2ln"},{"text":"jour"}]}}]})");
  EXPECT_EQ(c.text, "Bonjour");
}

TEST(GeminiResponse, OnlyCandidateZeroCounts) {
  Chunk c = parse_gemini_response(R"({"candidates":[{"content":{"parts":[{"text":"A"}]},"finishReason":"STOP"},)"
                                  R"({"content":{"parts":[{"text":"B"}]},"finishReason":"SAFETY","index":1}]})");
  EXPECT_EQ(c.text, "A");
  EXPECT_EQ(c.finish, Finish::stop);
}

TEST(GeminiResponse, FinishReasonMapping) {
  const std::pair<const char*, Finish> cases[] = {
      {"STOP", Finish::stop},
      {"MAX_TOKENS", Finish::max_tokens},
      {"SAFETY", Finish::safety},
      {"PROHIBITED_CONTENT", Finish::safety},
      {"BLOCKLIST", Finish::safety},
      {"SPII", Finish::safety},
      {"RECITATION", Finish::safety},
      {"IMAGE_SAFETY", Finish::safety},
      {"LANGUAGE", Finish::other},
      {"OTHER", Finish::other},
      {"MALFORMED_FUNCTION_CALL", Finish::other},
      {"FINISH_REASON_UNSPECIFIED", Finish::other},
      {"TOO_MANY_TOOL_CALLS", Finish::other},
      {"SOMETHING_NEWER", Finish::other},
  };
  for (const auto& [reason, want] : cases) {
    Chunk c = parse_gemini_response(std::string(R"({"candidates":[{"finishReason":")") + reason + R"("}]})");
    ASSERT_TRUE(c.finish.has_value()) << reason;
    EXPECT_EQ(*c.finish, want) << reason;
  }
}

TEST(GeminiResponse, MalformedInputThrows) {
  const char* bad[] = {
      "",
      "not json",
      "{\"candidates\":[",
      "[1,2]",
      "\"text\"",
      "42",
      R"({"candidates":3})",
      R"({"candidates":["x"]})",
      R"({"candidates":[{"content":{"parts":[{"text":7}]}}]})",
      R"({"candidates":[{"finishReason":1}]})",
      R"({"usageMetadata":{"promptTokenCount":"many"}})",
      R"({"error":{"code":500,"message":"boom","status":"INTERNAL"}})",
  };
  for (const char* body : bad) EXPECT_THROW(parse_gemini_response(body), WireError) << body;
}

TEST(GeminiResponse, EmptyObjectIsAnEmptyChunk) {
  Chunk c = parse_gemini_response("{}");
  EXPECT_EQ(c.text, "");
  EXPECT_FALSE(c.finish.has_value());
  EXPECT_FALSE(c.usage.has_value());
  EXPECT_FALSE(c.prompt_blocked);
}

// ---- Errors ------------------------------------------------------------------------------------

TEST(GeminiError, BadKeyIs400ApiKeyInvalid) {
  const std::string body = R"({
  "error": {
    "code": 400,
    "message": "API key not valid. Please pass a valid API key.",
    "status": "INVALID_ARGUMENT",
    "details": [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {
          "service": "generativelanguage.googleapis.com"
        }
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        "locale": "en-US",
        "message": "API key not valid. Please pass a valid API key."
      }
    ]
  }
}
)";
  ProviderError e = parse_gemini_error(400, body);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.status, "INVALID_ARGUMENT");
  EXPECT_EQ(e.message, "API key not valid. Please pass a valid API key.");
  EXPECT_TRUE(e.bad_key);
  EXPECT_FALSE(e.retry_after_seconds.has_value());
}

TEST(GeminiError, Other400IsNotABadKey) {
  ProviderError e = parse_gemini_error(
      400,
      R"({"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \"foo\": Cannot find field.",)"
      R"("status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",)"
      R"("fieldViolations":[{"description":"Invalid JSON payload received. Unknown name \"foo\": Cannot find field."}]}]}})");
  EXPECT_FALSE(e.bad_key);
  EXPECT_EQ(e.status, "INVALID_ARGUMENT");
  EXPECT_EQ(e.message, "Invalid JSON payload received. Unknown name \"foo\": Cannot find field.");
}

TEST(GeminiError, MissingKeyIs403PermissionDenied) {
  ProviderError e = parse_gemini_error(
      403, R"({"error":{"code":403,"message":"Method doesn't allow unregistered callers (callers without established )"
           R"(identity). Please use API Key or other form of API consumer identity to call this API.",)"
           R"("status":"PERMISSION_DENIED"}})");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.status, "PERMISSION_DENIED");
  EXPECT_TRUE(e.bad_key);
  EXPECT_TRUE(e.message.starts_with("Method doesn't allow unregistered callers"));
}

TEST(GeminiError, QuotaWithRetryInfo) {
  const std::string body =
      R"({"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.",)"
      R"("status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":)"
      R"([{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":)"
      R"("GenerateRequestsPerMinutePerProjectPerModel-FreeTier","quotaDimensions":{"location":"global","model":)"
      R"("gemini-2.0-flash"}}]},{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Learn more )"
      R"(about Gemini API quotas","url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},)"
      R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"47s"}]}})";
  ProviderError e = parse_gemini_error(429, body);
  EXPECT_EQ(e.http_status, 429);
  EXPECT_EQ(e.status, "RESOURCE_EXHAUSTED");
  EXPECT_EQ(e.retry_after_seconds, 47);
  EXPECT_FALSE(e.bad_key);
}

TEST(GeminiError, RetryDelayRoundsUp) {
  EXPECT_EQ(parse_gemini_error(429, retry_body("0.5s")).retry_after_seconds, 1);
  EXPECT_EQ(parse_gemini_error(429, retry_body("1.250s")).retry_after_seconds, 2);
  EXPECT_EQ(parse_gemini_error(429, retry_body("45.837906927s")).retry_after_seconds, 46);
  EXPECT_EQ(parse_gemini_error(429, retry_body("2.000s")).retry_after_seconds, 2);
  EXPECT_EQ(parse_gemini_error(429, retry_body("0s")).retry_after_seconds, 0);
  EXPECT_EQ(parse_gemini_error(429, retry_body("99999999999999999999s")).retry_after_seconds, INT_MAX);
  for (const char* bad : {"", "47", "s", "-1s", "1.s", ".5s", "1.2.3s", "4 7s", "47ms"})
    EXPECT_FALSE(parse_gemini_error(429, retry_body(bad)).retry_after_seconds.has_value()) << bad;
}

TEST(GeminiError, QuotaWithoutRetryInfo) {
  ProviderError e = parse_gemini_error(
      429,
      R"({"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}})");
  EXPECT_FALSE(e.retry_after_seconds.has_value());
  EXPECT_EQ(e.message, "Resource has been exhausted (e.g. check quota).");
}

TEST(GeminiError, ServerErrors) {
  ProviderError internal = parse_gemini_error(
      500, R"({"error":{"code":500,"message":"An internal error has occurred. Please retry or report in )"
           R"(https://developers.generativeai.google/guide/troubleshooting","status":"INTERNAL"}})");
  EXPECT_EQ(internal.http_status, 500);
  EXPECT_EQ(internal.status, "INTERNAL");
  EXPECT_FALSE(internal.bad_key);
  EXPECT_TRUE(internal.message.starts_with("An internal error has occurred."));

  ProviderError overloaded = parse_gemini_error(
      503,
      "{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"The model is overloaded. Please try again later.\",\n"
      "    \"status\": \"UNAVAILABLE\"\n  }\n}\n");
  EXPECT_EQ(overloaded.http_status, 503);
  EXPECT_EQ(overloaded.status, "UNAVAILABLE");
  EXPECT_EQ(overloaded.message, "The model is overloaded. Please try again later.");
  EXPECT_FALSE(overloaded.retry_after_seconds.has_value());
}

TEST(GeminiError, NonJsonBodyKeepsTheStatus) {
  ProviderError e = parse_gemini_error(502, "\n<html><body>502 Bad Gateway</body></html>\n");
  EXPECT_EQ(e.http_status, 502);
  EXPECT_EQ(e.status, "");
  EXPECT_EQ(e.message, "<html><body>502 Bad Gateway</body></html>");
  EXPECT_FALSE(e.bad_key);

  EXPECT_EQ(parse_gemini_error(504, "").http_status, 504);
  EXPECT_EQ(parse_gemini_error(500, "{\"error\":").http_status, 500);
  EXPECT_EQ(parse_gemini_error(500, "[]").http_status, 500);
  EXPECT_EQ(parse_gemini_error(500, R"({"error":{"code":"x","message":5,"details":"no"}})").status, "");

  // A long body is cut, never in the middle of a UTF-8 sequence.
  std::string long_body(511, 'a');
  for (int i = 0; i < 400; ++i) long_body += "é";
  ProviderError cut = parse_gemini_error(500, long_body);
  EXPECT_LE(cut.message.size(), 520u);
  EXPECT_TRUE(cut.message.starts_with(std::string(511, 'a') + "…"));
}

TEST(GeminiError, ArrayFramedError) {
  ProviderError e =
      parse_gemini_error(429, R"([{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED","details":[)"
                              R"({"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}])");
  EXPECT_EQ(e.status, "RESOURCE_EXHAUSTED");
  EXPECT_EQ(e.retry_after_seconds, 3);
}

TEST(GeminiStreamError, ErrorEventIsRecognised) {
  auto e =
      gemini_stream_error(R"({"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}})");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->http_status, 500);
  EXPECT_EQ(e->status, "INTERNAL");
  EXPECT_EQ(e->message, "An internal error has occurred.");

  auto quota = gemini_stream_error(retry_body("2s"));
  ASSERT_TRUE(quota.has_value());
  EXPECT_EQ(quota->http_status, 429);
  EXPECT_EQ(quota->retry_after_seconds, 2);

  auto no_code = gemini_stream_error(R"({"error":{"message":"?"}})");
  ASSERT_TRUE(no_code.has_value());
  EXPECT_EQ(no_code->http_status, 500);
}

TEST(GeminiStreamError, OrdinaryEventsAreNotErrors) {
  EXPECT_FALSE(gemini_stream_error(R"({"candidates":[{"content":{"parts":[{"text":"error"}]}}]})").has_value());
  EXPECT_FALSE(gemini_stream_error(R"({"error":null})").has_value());
  EXPECT_FALSE(gemini_stream_error("not json").has_value());
  EXPECT_FALSE(gemini_stream_error("[]").has_value());
}

TEST(GeminiStreamError, ThroughTheSseParser) {
  SseParser sse;
  sse.feed("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Salut\"}]}}]}\r\n\r\n");
  sse.feed(
      "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n");
  auto first = sse.next();
  auto second = sse.next();
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(gemini_stream_error(first->data));
  EXPECT_EQ(parse_gemini_response(first->data).text, "Salut");
  auto e = gemini_stream_error(second->data);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->http_status, 503);
  EXPECT_EQ(e->status, "UNAVAILABLE");
}

TEST(GeminiRequestBody, ThinkingBudgetFollowsTheModel) {
  auto budget_of = [](std::string_view model) -> std::optional<std::int64_t> {
    auto config = json::parse(gemini_request_body(sample_prompt(), model)).at("generationConfig").as_object();
    if (!config.contains("thinkingConfig")) return std::nullopt;
    return config.at("thinkingConfig").at("thinkingBudget").to_number<std::int64_t>();
  };
  EXPECT_EQ(budget_of("gemini-2.5-flash"), 0);
  EXPECT_EQ(budget_of("gemini-2.5-flash-lite"), 0);
  EXPECT_EQ(budget_of("gemini-2.5-pro"), 128);  // Pro cannot turn thinking off
  EXPECT_EQ(budget_of("gemini-2.0-flash"), std::nullopt);
}
