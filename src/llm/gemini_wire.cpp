#include "llm/gemini_wire.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <stdexcept>

#include "core/json_input.hpp"
#include "llm/wire_json.hpp"

namespace planetude::llm {

namespace json = boost::json;

namespace {

using wire::field;
using wire::string_or_empty;
constexpr wire::Reader kWire{"Gemini response"};

// ---- Request --------------------------------------------------------------------------------

json::object text_content(std::string_view text) {
  json::array parts;
  parts.push_back(json::object{{"text", text}});
  return json::object{{"parts", std::move(parts)}};
}

// A JSON Schema (lower-case types) as Gemini's OpenAPI-subset Schema: upper-case types, and only
// the keys Gemini knows (it answers 400 "Unknown name" to additionalProperties, $schema, const…).
json::value gemini_schema(const json::value& v) {
  if (!v.is_object()) return v;
  json::object out;
  for (const auto& [key, value] : v.get_object()) {
    if (key == "type" && value.is_string()) {
      std::string type(value.get_string());
      for (char& c : type) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      out.emplace(key, type);
    } else if (key == "items") {
      out.emplace(key, gemini_schema(value));
    } else if (key == "properties" && value.is_object()) {
      json::object properties;
      for (const auto& [name, schema] : value.get_object()) properties.emplace(name, gemini_schema(schema));
      out.emplace(key, std::move(properties));
    } else if (key == "description" || key == "enum" || key == "required" || key == "format" || key == "nullable" ||
               key == "minItems" || key == "maxItems" || key == "minimum" || key == "maximum" || key == "minLength" ||
               key == "maxLength" || key == "pattern" || key == "propertyOrdering") {
      out.emplace(key, value);
    }
  }
  return out;
}

bool model_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

// ---- Response -------------------------------------------------------------------------------

Finish finish_of(std::string_view reason) {
  static constexpr std::array<std::string_view, 6> kSafety{"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST",
                                                           "SPII",   "RECITATION",         "IMAGE_SAFETY"};
  if (reason == "STOP") return Finish::stop;
  if (reason == "MAX_TOKENS") return Finish::max_tokens;
  if (std::find(kSafety.begin(), kSafety.end(), reason) != kSafety.end()) return Finish::safety;
  return Finish::other;  // LANGUAGE, MALFORMED_FUNCTION_CALL, OTHER… and values newer than this code
}

// ---- Errors ---------------------------------------------------------------------------------

// A protobuf Duration ("47s", "0.5s", "45.837906927s") in whole seconds, rounded up.
std::optional<int> duration_seconds(std::string_view s) {
  if (!s.ends_with('s')) return std::nullopt;
  s.remove_suffix(1);
  std::string_view whole = s.substr(0, s.find('.'));
  std::string_view fraction = whole.size() < s.size() ? s.substr(whole.size() + 1) : std::string_view{};
  auto digits = [](std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(fraction) || (whole.size() < s.size() && fraction.empty()))
    return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (ec == std::errc::result_out_of_range || seconds > INT_MAX - 1) return INT_MAX;
  if (fraction.find_first_not_of('0') != std::string_view::npos) ++seconds;
  return static_cast<int>(seconds);
}

// A QuotaFailure whose violated quota counts per day ("GenerateRequestsPerDayPerProjectPerModel…"):
// it clears only the next day, so waiting a few seconds is pointless (Gemini's quota errors).
bool names_daily_quota(const json::object& failure) {
  const json::value* violations = failure.if_contains("violations");
  if (!violations || !violations->is_array()) return false;
  for (const json::value& v : violations->get_array()) {
    if (!v.is_object()) continue;
    if (string_or_empty(v.get_object(), "quotaId").find("PerDay") != std::string_view::npos) return true;
  }
  return false;
}

// The google.rpc.Status inside `{"error": {...}}`: status, message, the key and retry details.
ProviderError error_from_status(int http_status, const json::object& error) {
  ProviderError e;
  e.http_status = http_status;
  e.status = string_or_empty(error, "status");
  e.message = string_or_empty(error, "message");
  bool key_invalid = false;
  const json::value* details = error.if_contains("details");
  if (details && details->is_array()) {
    for (const json::value& d : details->get_array()) {
      if (!d.is_object()) continue;
      std::string_view type = string_or_empty(d.get_object(), "@type");
      if (type == "type.googleapis.com/google.rpc.ErrorInfo" &&
          string_or_empty(d.get_object(), "reason") == "API_KEY_INVALID")
        key_invalid = true;
      else if (type == "type.googleapis.com/google.rpc.RetryInfo")
        e.retry_after_seconds = duration_seconds(string_or_empty(d.get_object(), "retryDelay"));
      else if (type == "type.googleapis.com/google.rpc.QuotaFailure")
        e.daily_quota = e.daily_quota || names_daily_quota(d.get_object());
    }
  }
  // A wrong key is a 400 with API_KEY_INVALID; a missing, leaked or blocked key a 403; 401 a refused credential.
  e.bad_key = (http_status == 400 && key_invalid) || (http_status == 403 && e.status == "PERMISSION_DENIED") ||
              http_status == 401;
  return e;
}

// The start of a body that is not JSON (an HTML page from a proxy, say), cut on a UTF-8 boundary.
std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 512;
  std::size_t first = body.find_first_not_of(" \t\r\n");
  body = first == std::string_view::npos ? std::string_view{} : body.substr(first);
  if (body.size() <= kMax) return std::string(body.substr(0, body.find_last_not_of(" \t\r\n") + 1));
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  return std::string(body.substr(0, cut)) + "…";
}

}  // namespace

std::optional<int> gemini_thinking_budget(std::string_view model) {
  // Gemini thinking budget: 2.5 Flash and Flash-Lite can turn thinking off (0); 2.5 Pro cannot, and its
  // smallest budget is 128. Other models get no thinkingConfig: older ones do not think, and
  // Gemini 3 takes thinkingLevel instead.
  if (model.find("2.5-pro") != std::string_view::npos) return 128;
  if (model.find("2.5-flash") != std::string_view::npos) return 0;
  return std::nullopt;
}

std::string gemini_request_body(const Prompt& prompt, std::string_view model) {
  json::array contents;
  for (const Turn& turn : prompt.turns) {
    json::object content = text_content(turn.text);
    content.emplace("role", turn.role == Turn::Role::model ? "model" : "user");
    contents.push_back(std::move(content));
  }
  json::object body{{"contents", std::move(contents)}};
  if (!prompt.system.empty()) body.emplace("systemInstruction", text_content(prompt.system));

  // A student app: block from "medium" up, stricter than the SDK's usual BLOCK_ONLY_HIGH.
  json::array safety;
  for (std::string_view category : {"HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH",
                                    "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_DANGEROUS_CONTENT"})
    safety.push_back(json::object{{"category", category}, {"threshold", "BLOCK_MEDIUM_AND_ABOVE"}});
  body.emplace("safetySettings", std::move(safety));

  if (prompt.tools && !prompt.tools->empty()) {
    json::array declarations;
    for (const ToolDeclaration& tool : *prompt.tools)
      declarations.push_back(json::object{
          {"name", tool.name}, {"description", tool.description}, {"parameters", gemini_schema(tool.parameters)}});
    body.emplace("tools", json::array{json::object{{"functionDeclarations", std::move(declarations)}}});
    body.emplace("toolConfig", json::object{{"functionCallingConfig", json::object{{"mode", "AUTO"}}}});
  }

  // A chat coach needs few thinking tokens: the smallest budget the model accepts.
  json::object config{{"temperature", prompt.temperature}, {"maxOutputTokens", prompt.max_output_tokens}};
  if (prompt.response_schema) {
    config.emplace("responseMimeType", "application/json");
    config.emplace("responseSchema", gemini_schema(*prompt.response_schema));
  }
  if (auto budget = gemini_thinking_budget(model))
    config.emplace("thinkingConfig", json::object{{"thinkingBudget", *budget}});
  body.emplace("generationConfig", std::move(config));
  return json::serialize(body);
}

std::string gemini_path(std::string_view model, bool stream) {
  std::string_view prefix = "models/";
  if (model.starts_with("models/")) model.remove_prefix(prefix.size());
  else if (model.starts_with("tunedModels/")) {
    prefix = "tunedModels/";
    model.remove_prefix(prefix.size());
  }
  if (model.empty()) throw std::invalid_argument("Gemini model id is empty");

  // The id becomes one path segment: escape anything that could end it or start a query.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string path = "/v1beta/" + std::string(prefix);
  for (char c : model) {
    if (model_id_char(c)) {
      path += c;
    } else {
      auto b = static_cast<unsigned char>(c);
      path += '%';
      path += kHex[b >> 4];
      path += kHex[b & 0xF];
    }
  }
  path += stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
  return path;
}

Chunk parse_gemini_response(std::string_view text) {
  std::optional<json::value> v = json_input::try_parse(text);
  if (!v) throw WireError("Gemini response is not JSON");
  if (!v->is_object()) throw WireError("Gemini response is not a JSON object");
  const json::object& root = v->get_object();
  if (field(root, "error")) throw WireError("Gemini response is an error (see gemini_stream_error)");

  Chunk chunk;
  bool has_candidate = false;
  if (const json::value* candidates = field(root, "candidates")) {
    const json::array& list = kWire.array_at(*candidates, "candidates");
    has_candidate = !list.empty();
    if (has_candidate) {
      const json::object& candidate = kWire.object_at(list[0], "candidates[0]");
      // A blocked candidate has no content, and MAX_TOKENS can come with content but no parts.
      const json::value* content = field(candidate, "content");
      const json::value* parts = content ? field(kWire.object_at(*content, "candidates[0].content"), "parts") : nullptr;
      if (parts) {
        for (const json::value& p : kWire.array_at(*parts, "candidates[0].content.parts")) {
          const json::object& part = kWire.object_at(p, "candidates[0].content.parts[]");
          const json::value* thought = field(part, "thought");
          if (thought && thought->is_bool() && thought->get_bool()) continue;  // the model's reasoning, not the answer
          if (const json::value* t = field(part, "text"))
            chunk.text += kWire.string_at(*t, "candidates[0].content.parts[].text");
          if (const json::value* call = field(part, "functionCall")) {
            // Gemini sends each call whole, in one part: its own index, arguments as one JSON text.
            const json::object& c = kWire.object_at(*call, "candidates[0].content.parts[].functionCall");
            const json::value* name = field(c, "name");
            const json::value* args = field(c, "args");
            ToolCallPart piece;
            piece.index = static_cast<int>(chunk.calls.size());
            if (name) piece.name = kWire.string_at(*name, "functionCall.name");
            piece.arguments = args ? json::serialize(kWire.object_at(*args, "functionCall.args")) : "{}";
            chunk.calls.push_back(std::move(piece));
          }
        }
      }
      if (const json::value* reason = field(candidate, "finishReason"))
        chunk.finish = finish_of(kWire.string_at(*reason, "candidates[0].finishReason"));
    }
  }

  if (const json::value* usage = field(root, "usageMetadata")) {
    const json::object& u = kWire.object_at(*usage, "usageMetadata");
    // Output is the answer only: thoughtsTokenCount is in the total, not here.
    chunk.usage = Usage{kWire.count_at(u, "promptTokenCount", "usageMetadata"),
                        kWire.count_at(u, "candidatesTokenCount", "usageMetadata"),
                        kWire.count_at(u, "totalTokenCount", "usageMetadata")};
  }

  if (const json::value* feedback = field(root, "promptFeedback")) {
    const json::value* reason = field(kWire.object_at(*feedback, "promptFeedback"), "blockReason");
    chunk.prompt_blocked = reason && !kWire.string_at(*reason, "promptFeedback.blockReason").empty() && !has_candidate;
  }
  return chunk;
}

std::optional<ProviderError> gemini_stream_error(std::string_view text) {
  std::optional<json::value> v = json_input::try_parse(text);
  if (!v || !v->is_object()) return std::nullopt;
  const json::value* error = field(v->get_object(), "error");
  if (!error) return std::nullopt;
  if (!error->is_object()) {
    ProviderError e;
    e.http_status = 500;
    if (error->is_string()) e.message = error->get_string();
    return e;
  }
  // The HTTP status was already 200: the error's own code stands for it (a server fault if absent).
  const json::value* code = error->get_object().if_contains("code");
  int status = 500;
  if (code && code->is_int64() && code->get_int64() >= 400 && code->get_int64() <= 599)
    status = static_cast<int>(code->get_int64());
  return error_from_status(status, error->get_object());
}

ProviderError parse_gemini_error(int http_status, std::string_view body) {
  std::optional<json::value> v = json_input::try_parse(body);
  // The array-framed stream (no alt=sse) wraps the error in a one-element array.
  if (v && v->is_array() && !v->get_array().empty()) v = json::value(v->get_array()[0]);
  const json::value* error = v && v->is_object() ? v->get_object().if_contains("error") : nullptr;
  if (error && error->is_object()) return error_from_status(http_status, error->get_object());

  ProviderError e;
  e.http_status = http_status;
  e.message = error && error->is_string() ? std::string(error->get_string()) : excerpt(body);
  e.bad_key = http_status == 401;
  return e;
}

const WireReader& gemini_reader() {
  static const WireReader reader{
      .whole = parse_gemini_response,
      .stream_error = gemini_stream_error,
      .stream_event = [](std::string_view data) -> std::optional<Chunk> { return parse_gemini_response(data); },
      .http_error = [](int status, std::string_view body,
                       std::optional<std::string_view>) { return parse_gemini_error(status, body); },
      .calls_numbered_per_chunk = true,
  };
  return reader;
}

}  // namespace planetude::llm
