#include "llm/openai_wire.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <utility>

#include "core/json_input.hpp"
#include "llm/wire_json.hpp"

namespace planetude::llm {

namespace json = boost::json;

namespace {

using wire::field;
using wire::string_or_empty;
constexpr wire::Reader kWire{"OpenAI response"};

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// ---- Responses ------------------------------------------------------------------------------

// Message content: a string, or (some servers) an array of parts of which only text parts count.
std::string content_text(const json::value* v, std::string_view path) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->get_string());
  std::string text;
  for (const json::value& p : kWire.array_at(*v, path)) {
    const json::object& part = kWire.object_at(p, std::string(path) + "[]");
    const json::value* type = field(part, "type");
    if (type && type->is_string() && type->get_string() != "text") continue;  // images, refusals…
    if (const json::value* t = field(part, "text")) text += kWire.string_at(*t, std::string(path) + "[].text");
  }
  return text;
}

Usage usage_of(const json::value& v) {
  const json::object& u = kWire.object_at(v, "usage");
  Usage usage{kWire.count_at(u, "prompt_tokens", "usage"), kWire.count_at(u, "completion_tokens", "usage"),
              kWire.count_at(u, "total_tokens", "usage")};
  if (!field(u, "total_tokens"))  // every known server sends it; the sum is the fallback
    usage.total_tokens = static_cast<int>(
        std::min<long long>(static_cast<long long>(usage.prompt_tokens) + usage.output_tokens, INT_MAX));
  return usage;
}

Finish finish_of(std::string_view reason) {
  if (reason == "stop") return Finish::stop;
  if (reason == "length") return Finish::max_tokens;
  if (reason == "content_filter") return Finish::safety;
  return Finish::other;  // tool_calls, function_call, and values newer than this code
}

std::optional<Finish> finish_at(const json::object& choice) {
  const json::value* reason = field(choice, "finish_reason");
  if (!reason) return std::nullopt;
  return finish_of(kWire.string_at(*reason, "choices[0].finish_reason"));
}

// message.tool_calls (whole) or delta.tool_calls (fragments): each entry's `index` when it has one
// (streams), else its position; `function.name` and `function.arguments` (a JSON text).
std::vector<ToolCallPart> tool_call_parts(const json::object& message, std::string_view path) {
  std::vector<ToolCallPart> parts;
  const json::value* calls = field(message, "tool_calls");
  if (!calls) return parts;
  const json::array& list = kWire.array_at(*calls, std::string(path) + ".tool_calls");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const json::object& call = kWire.object_at(list[i], std::string(path) + ".tool_calls[]");
    ToolCallPart part;
    part.index = static_cast<int>(i);
    if (const json::value* index = field(call, "index"); index && index->is_int64())
      part.index = static_cast<int>(std::clamp<std::int64_t>(index->get_int64(), 0, 1000));
    if (const json::value* function = field(call, "function")) {
      const json::object& f = kWire.object_at(*function, "tool_calls[].function");
      if (const json::value* name = field(f, "name")) part.name = kWire.string_at(*name, "tool_calls[].function.name");
      if (const json::value* args = field(f, "arguments")) {
        // Arguments are a JSON text; a server that sends the object itself is read all the same.
        part.arguments = args->is_string() ? std::string(args->get_string()) : json::serialize(*args);
      }
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

// An error document: `{"error": ...}`, or vLLM's older bare `{"object": "error", ...}`.
bool is_error(const json::object& root) {
  const json::value* object = field(root, "object");
  return field(root, "error") || (object && object->is_string() && object->get_string() == "error");
}

// ---- Errors ---------------------------------------------------------------------------------

// Error codes and types (OpenAI, Ollama, llama.cpp format_error_response) and the HTTP status they
// stand for, to give an in-stream error the status its HTTP answer would have had.
int status_of_name(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, int>, 15> kStatus{{
      {"invalid_request_error", 400},
      {"exceed_context_size_error", 400},
      {"invalid_api_key", 401},
      {"authentication_error", 401},
      {"permission_error", 403},
      {"not_found_error", 404},
      {"model_not_found", 404},
      {"rate_limit_exceeded", 429},
      {"insufficient_quota", 429},
      {"tokens", 429},
      {"requests", 429},
      {"server_error", 500},
      {"api_error", 500},
      {"not_supported_error", 501},
      {"unavailable_error", 503},
  }};
  for (const auto& [n, status] : kStatus)
    if (n == name) return status;
  return 0;
}

ProviderError error_from_object(int http_status, const json::object& error) {
  ProviderError e;
  e.http_status = http_status;
  const json::value* code = error.if_contains("code");
  std::string_view code_name = code && code->is_string() ? std::string_view(code->get_string()) : std::string_view{};
  e.status = !code_name.empty() ? code_name : string_or_empty(error, "type");
  e.message = string_or_empty(error, "message");
  if (std::string_view param = string_or_empty(error, "param"); !param.empty())
    e.message += " (param: " + std::string(param) + ")";
  return e;
}

// The status an in-stream error stands for: an integer code (llama.cpp, vLLM), else its names.
int stream_error_status(const json::object& error) {
  const json::value* code = error.if_contains("code");
  if (code && code->is_int64() && code->get_int64() >= 400 && code->get_int64() <= 599)
    return static_cast<int>(code->get_int64());
  if (code && code->is_string())
    if (int s = status_of_name(code->get_string())) return s;
  if (int s = status_of_name(string_or_empty(error, "type"))) return s;
  return 500;
}

bool key_refused(int http_status, std::string_view status) {
  // OpenAI's 403 for an unsupported country is about where the server runs, not about the key.
  return http_status == 401 || (http_status == 403 && status != "unsupported_country_region_territory");
}

// Decimal seconds ("7", "6.596") in whole seconds, rounded up; nullopt for anything else.
std::optional<int> decimal_seconds(std::string_view s) {
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

// OpenAI's 429 text "Please try again in 6.596s." / "in 120ms." / "in 1m30s." (a Go duration).
std::optional<int> retry_hint_in_message(std::string_view message) {
  constexpr std::string_view kLead = "try again in ";
  std::size_t at = message.find(kLead);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = message.substr(at + kLead.size());
  double total = 0;
  bool any = false;
  while (!rest.empty() && std::isdigit(static_cast<unsigned char>(rest.front()))) {
    std::size_t n = rest.find_first_not_of("0123456789.");
    if (n == std::string_view::npos) return std::nullopt;  // a number without a unit
    double value = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + n, value);
    if (ec != std::errc{} || end != rest.data() + n) return std::nullopt;
    rest.remove_prefix(n);
    const bool ms = rest.starts_with("ms");
    const double unit = ms                      ? 0.001
                        : rest.starts_with('h') ? 3600
                        : rest.starts_with('m') ? 60
                        : rest.starts_with('s') ? 1
                                                : 0;
    if (unit == 0) return std::nullopt;
    total += value * unit;
    rest.remove_prefix(ms ? 2 : 1);
    any = true;
  }
  if (!any || !std::isfinite(total)) return std::nullopt;
  return static_cast<int>(std::min(std::ceil(total), static_cast<double>(INT_MAX)));
}

// The start of a body that is not a known error (an HTML page from a proxy, say), cut on a UTF-8 boundary.
std::string excerpt(std::string_view body) {
  constexpr std::size_t kMax = 512;
  body = trim(body);
  if (body.size() <= kMax) return std::string(body);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;
  return std::string(body.substr(0, cut)) + "…";
}

}  // namespace

std::string openai_request_body(const Prompt& prompt, std::string_view model, bool stream) {
  json::array messages;
  if (!prompt.system.empty()) messages.push_back(json::object{{"role", "system"}, {"content", prompt.system}});
  for (const Turn& turn : prompt.turns)
    messages.push_back(
        json::object{{"role", turn.role == Turn::Role::model ? "assistant" : "user"}, {"content", turn.text}});
  // max_tokens, not max_completion_tokens: Ollama and llama.cpp read max_tokens, and OpenAI still
  // accepts it for chat models.
  json::object body{{"model", model},
                    {"messages", std::move(messages)},
                    {"temperature", prompt.temperature},
                    {"max_tokens", prompt.max_output_tokens},
                    {"stream", stream}};
  // Usage comes in a streamed answer only when asked for (OpenAI, vLLM, Ollama >= 0.5.2, llama.cpp;
  // older Ollama ignores the field). OpenAI and vLLM refuse it on a non-streamed request.
  if (stream) body.emplace("stream_options", json::object{{"include_usage", true}});
  if (prompt.tools && !prompt.tools->empty()) {
    json::array tools;
    for (const ToolDeclaration& tool : *prompt.tools)
      tools.push_back(json::object{
          {"type", "function"},
          {"function",
           json::object{{"name", tool.name}, {"description", tool.description}, {"parameters", tool.parameters}}}});
    body.emplace("tools", std::move(tools));
  }
  if (prompt.response_schema)
    body.emplace("response_format",
                 json::object{{"type", "json_schema"},
                              {"json_schema", json::object{{"name", "reponse"}, {"schema", *prompt.response_schema}}}});
  return json::serialize(body);
}

std::string openai_path() { return "/v1/chat/completions"; }

std::string openai_url_path(std::string_view base_path) {
  std::string_view query;
  if (std::size_t q = base_path.find('?'); q != std::string_view::npos) {
    query = base_path.substr(q);
    base_path = base_path.substr(0, q);
  }
  while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  std::string path;
  if (base_path.empty()) {
    path = openai_path();  // a bare host: every compatible server serves the /v1 route
  } else {
    if (base_path.front() != '/') path = "/";
    path += base_path;
    if (!path.ends_with("/chat/completions")) path += "/chat/completions";
  }
  return path + std::string(query);
}

Chunk parse_openai_response(std::string_view text) {
  std::optional<json::value> v = json_input::try_parse(text);
  if (!v) throw WireError("OpenAI response is not JSON");
  if (!v->is_object()) throw WireError("OpenAI response is not a JSON object");
  const json::object& root = v->get_object();
  if (is_error(root)) throw WireError("OpenAI response is an error (see parse_openai_error)");

  const json::value* choices = field(root, "choices");
  if (!choices) throw WireError("OpenAI response has no choices");
  const json::array& list = kWire.array_at(*choices, "choices");
  if (list.empty()) throw WireError("OpenAI response has no choices");
  const json::object& choice = kWire.object_at(list[0], "choices[0]");
  const json::value* message = field(choice, "message");
  if (!message) throw WireError("OpenAI response has no choices[0].message");

  Chunk chunk;
  // content is null with a tool call or a filtered answer; reasoning_content stays out.
  const json::object& m = kWire.object_at(*message, "choices[0].message");
  chunk.text = content_text(field(m, "content"), "choices[0].message.content");
  chunk.calls = tool_call_parts(m, "choices[0].message");
  chunk.finish = finish_at(choice);
  if (const json::value* usage = field(root, "usage")) chunk.usage = usage_of(*usage);
  return chunk;
}

std::optional<Chunk> parse_openai_stream_data(std::string_view data) {
  data = trim(data);
  if (data == "[DONE]") return std::nullopt;
  std::optional<json::value> v = json_input::try_parse(data);
  if (!v) throw WireError("OpenAI stream event is not JSON");
  if (!v->is_object()) throw WireError("OpenAI stream event is not a JSON object");
  const json::object& root = v->get_object();
  if (is_error(root)) throw WireError("OpenAI stream event is an error (see openai_stream_error)");

  Chunk chunk;
  // The include_usage chunk has "choices": []; every other chunk has one choice.
  if (const json::value* choices = field(root, "choices")) {
    const json::array& list = kWire.array_at(*choices, "choices");
    if (!list.empty()) {
      const json::object& choice = kWire.object_at(list[0], "choices[0]");
      if (const json::value* delta = field(choice, "delta")) {
        const json::object& d = kWire.object_at(*delta, "choices[0].delta");
        chunk.text = content_text(field(d, "content"), "choices[0].delta.content");
        chunk.calls = tool_call_parts(d, "choices[0].delta");
      }
      chunk.finish = finish_at(choice);
    }
  }
  if (const json::value* usage = field(root, "usage")) chunk.usage = usage_of(*usage);
  return chunk;
}

std::optional<ProviderError> openai_stream_error(std::string_view data) {
  std::optional<json::value> v = json_input::try_parse(trim(data));
  if (!v || !v->is_object() || !is_error(v->get_object())) return std::nullopt;
  const json::object& root = v->get_object();
  const json::value* error = field(root, "error");
  const json::object* object = !error ? &root : error->is_object() ? &error->get_object() : nullptr;
  ProviderError e;
  if (object) {
    e = error_from_object(stream_error_status(*object), *object);
  } else {
    e.http_status = 500;
    e.message = error->is_string() ? std::string(error->get_string()) : json::serialize(*error);
  }
  e.bad_key = key_refused(e.http_status, e.status);
  return e;
}

ProviderError parse_openai_error(int http_status, std::string_view body,
                                 std::optional<std::string_view> retry_after_header) {
  ProviderError e;
  std::optional<json::value> v = json_input::try_parse(body);
  const json::object* root = v && v->is_object() ? &v->get_object() : nullptr;
  const json::value* error = root ? field(*root, "error") : nullptr;
  if (error && error->is_object()) {
    e = error_from_object(http_status, error->get_object());
  } else if (error && error->is_string()) {
    e.message = error->get_string();
  } else if (root && is_error(*root)) {
    e = error_from_object(http_status, *root);  // vLLM before the {"error": …} wrapper
  } else if (root && root->if_contains("detail") && root->at("detail").is_string()) {
    e.message = root->at("detail").get_string();  // a FastAPI proxy in front of the server
  } else {
    e.message = excerpt(body);
  }
  e.http_status = http_status;
  e.bad_key = key_refused(http_status, e.status);

  if (retry_after_header) e.retry_after_seconds = decimal_seconds(trim(*retry_after_header));
  // OpenAI does not reliably send Retry-After on a 429, but its message says how long to wait.
  if (!e.retry_after_seconds && http_status == 429) e.retry_after_seconds = retry_hint_in_message(e.message);
  return e;
}

const WireReader& openai_reader() {
  static const WireReader reader{
      .whole = parse_openai_response,
      .stream_error = openai_stream_error,
      .stream_event = parse_openai_stream_data,
      .http_error = parse_openai_error,
  };
  return reader;
}

}  // namespace planetude::llm
