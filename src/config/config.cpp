#include "config/config.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ids.hpp"
#include "core/text.hpp"

extern char** environ;

namespace planetude {

namespace fs = std::filesystem;

namespace {

// A URL with the password of its user:password@ part replaced by ***, fit for a message.
std::string without_password(const std::string& url) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  auto at = url.find('@', scheme + 3);
  auto colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::string join(const std::vector<std::string>& lines) {
  std::string out = "invalid configuration:";
  for (const auto& l : lines) out += "\n  - " + l;
  return out;
}

template <class T>
bool parse_int(const std::string& s, T& out, T min, T max) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) return false;
  out = v;
  return true;
}

// "7d", "12h", "30m", "45s", "2w" or a bare number of seconds (as jsonwebtoken's expiresIn).
bool parse_duration_seconds(const std::string& s, std::int64_t& out) {
  if (s.empty()) return false;
  std::int64_t unit = 1;
  std::string digits = s;
  switch (s.back()) {
    case 's':
      unit = 1;
      digits.pop_back();
      break;
    case 'm':
      unit = 60;
      digits.pop_back();
      break;
    case 'h':
      unit = 3600;
      digits.pop_back();
      break;
    case 'd':
      unit = 86400;
      digits.pop_back();
      break;
    case 'w':
      unit = std::int64_t{7} * 86400;
      digits.pop_back();
      break;
    default: break;
  }
  std::int64_t n = 0;
  if (!parse_int<std::int64_t>(digits, n, 1, 10LL * 365 * 86400)) return false;
  out = n * unit;
  return out >= 60 && out <= 366LL * 86400;
}

std::string get(const EnvMap& env, const std::string& key) {
  auto it = env.find(key);
  return it == env.end() ? std::string() : it->second;
}

// NO_PROXY's comma-separated entries, trimmed and lower-cased (host names are case-insensitive);
// what an entry means is the HTTP client's business (http::bypasses_proxy).
std::vector<std::string> parse_no_proxy(const std::string& value) {
  std::vector<std::string> entries;
  std::stringstream list(value);
  std::string entry;
  while (std::getline(list, entry, ',')) {
    entry = text::to_lower_ascii(text::trim(entry));
    if (!entry.empty()) entries.push_back(entry);
  }
  return entries;
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(join(problems)), problems_(std::move(problems)) {}

EnvMap parse_dotenv(const std::string& content) {
  EnvMap out;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    std::string t = text::trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.rfind("export ", 0) == 0) t = text::trim(t.substr(7));
    auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    std::string key = text::trim(t.substr(0, eq));
    std::string value = text::trim(t.substr(eq + 1));
    if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
      // A quoted value ends at its closing quote; what follows (a comment) is not part of it.
      auto close = value.find(value.front(), 1);
      if (close != std::string::npos) value = value.substr(1, close - 1);
    } else if (auto hash = value.find(" #"); hash != std::string::npos) {
      value = text::trim(value.substr(0, hash));  // an inline comment after an unquoted value
    }
    if (!key.empty()) out[key] = value;
  }
  return out;
}

EnvMap read_environment(const std::string& dotenv_path) {
  EnvMap env;
  if (std::ifstream file{dotenv_path}) {
    std::stringstream buffer;
    buffer << file.rdbuf();
    env = parse_dotenv(buffer.str());
  }
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return env;
}

Config load_config(const EnvMap& env) {
  Config c;
  std::vector<std::string> problems;
  auto has = [&](const char* key) { return !get(env, key).empty(); };

  std::string app_env = has("APP_ENV") ? get(env, "APP_ENV") : get(env, "NODE_ENV");
  if (app_env.empty()) app_env = "development";
  if (app_env == "production") c.production = true;
  else if (app_env != "development" && app_env != "test")
    problems.push_back("APP_ENV must be 'development', 'test' or 'production' (got '" + app_env + "')");

  if (has("HOST")) c.host = get(env, "HOST");
  if (has("PORT") && !parse_int<std::uint16_t>(get(env, "PORT"), c.port, 0, 65535))
    problems.push_back("PORT must be a whole number from 0 to 65535 (got '" + get(env, "PORT") + "')");

  if (has("PUBLIC_URL")) {
    c.public_url = get(env, "PUBLIC_URL");
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();
    if (c.public_url.rfind("http://", 0) != 0 && c.public_url.rfind("https://", 0) != 0)
      problems.push_back("PUBLIC_URL must start with http:// or https:// (got '" + get(env, "PUBLIC_URL") + "')");
  }

  if (has("DATABASE_URL")) {
    c.database_url = get(env, "DATABASE_URL");
  } else if (has("MONGODB_URI")) {
    problems.push_back(
        "MONGODB_URI is set, but PlanÉtude does not use MongoDB: set DATABASE_URL instead "
        "(sqlite:data/planetude.db, the default, or postgres://user:pass@host:5432/db)");
  }
  if (c.database_url.rfind("sqlite:", 0) == 0) {
    std::string path = c.database_url.substr(7);
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite:///abs/path
    if (path.empty()) problems.push_back("DATABASE_URL 'sqlite:' needs a file path, e.g. sqlite:data/planetude.db");
    c.sqlite_path = path;
    fs::path parent = fs::path(path).parent_path();
    c.data_dir = parent.empty() ? "." : parent.string();
  } else if (c.database_url.rfind("postgres://", 0) == 0 || c.database_url.rfind("postgresql://", 0) == 0 ||
             (c.database_url.find('=') != std::string::npos && c.database_url.find("://") == std::string::npos)) {
    c.postgres_conninfo = c.database_url;
    c.data_dir = "data";  // holds the development JWT secret only
  } else {
    problems.push_back(
        "DATABASE_URL must be sqlite:PATH, a postgres:// or postgresql:// URL, or libpq settings such as "
        "'host=/run/postgresql dbname=planetude' (got '" +
        without_password(c.database_url) + "')");
  }

  c.jwt_secret = get(env, "JWT_SECRET");
  if (c.production && c.jwt_secret.size() < 32)
    problems.push_back(c.jwt_secret.empty() ? "JWT_SECRET is required in production (at least 32 bytes of random text)"
                                            : "JWT_SECRET is too short: production needs at least 32 bytes");
  if (has("JWT_TTL") && !parse_duration_seconds(get(env, "JWT_TTL"), c.jwt_ttl_seconds))
    problems.push_back(
        "JWT_TTL must be a duration such as 7d, 12h, 30m or a number of seconds, between 1 minute and 366 days (got '" +
        get(env, "JWT_TTL") + "')");

  if (has("LOG_LEVEL") && !log::parse_level(get(env, "LOG_LEVEL"), c.log_level))
    problems.push_back("LOG_LEVEL must be debug, info, warn or error (got '" + get(env, "LOG_LEVEL") + "')");

  if (has("TRUSTED_PROXIES")) {
    std::string bad;
    if (auto ranges = IpRanges::parse(get(env, "TRUSTED_PROXIES"), &bad)) c.trusted_proxies = std::move(*ranges);
    else
      problems.push_back("TRUSTED_PROXIES entries must be IP addresses or CIDR ranges such as 10.0.0.0/8 (got '" + bad +
                         "')");
  }

  if (has("CORS_ORIGIN")) {
    std::stringstream list(get(env, "CORS_ORIGIN"));
    std::string origin;
    while (std::getline(list, origin, ',')) {
      origin = text::trim(origin);
      while (!origin.empty() && origin.back() == '/') origin.pop_back();
      if (origin.empty()) continue;
      if (origin.rfind("http://", 0) != 0 && origin.rfind("https://", 0) != 0)
        problems.push_back("CORS_ORIGIN entries must be origins such as https://app.example (got '" + origin + "')");
      else c.cors_origins.push_back(origin);
    }
  }

  struct Bound {
    const char* key;
    std::int64_t min, max;
    std::function<void(std::int64_t)> set;
  };
  const Bound bounds[] = {
      {"MAX_BODY_BYTES", 1024, 64LL * 1024 * 1024,
       [&](std::int64_t v) { c.max_body_bytes = static_cast<std::size_t>(v); }},
      {"MAX_CONNECTIONS", 1, 1000000, [&](std::int64_t v) { c.max_connections = static_cast<std::size_t>(v); }},
      {"REQUEST_TIMEOUT_MS", 100, 600000, [&](std::int64_t v) { c.request_timeout_ms = v; }},
      {"IDLE_TIMEOUT_MS", 100, 3600000, [&](std::int64_t v) { c.idle_timeout_ms = v; }},
      {"SHUTDOWN_TIMEOUT_MS", 0, 600000, [&](std::int64_t v) { c.shutdown_timeout_ms = v; }},
      {"IO_THREADS", 1, 256, [&](std::int64_t v) { c.io_threads = static_cast<std::size_t>(v); }},
      {"DB_THREADS", 1, 64, [&](std::int64_t v) { c.db_threads = static_cast<std::size_t>(v); }},
      {"LOGIN_MAX_FAILURES_PER_EMAIL", 1, 1000000,
       [&](std::int64_t v) { c.login_max_failures_per_email = static_cast<int>(v); }},
      {"LOGIN_MAX_FAILURES_PER_IP", 1, 1000000,
       [&](std::int64_t v) { c.login_max_failures_per_ip = static_cast<int>(v); }},
      {"REGISTER_MAX_PER_IP", 1, 1000000, [&](std::int64_t v) { c.register_max_per_ip = static_cast<int>(v); }},
      {"LLM_TIMEOUT_MS", 100, 600000, [&](std::int64_t v) { c.llm_timeout_ms = v; }},
      {"LLM_FIRST_BYTE_TIMEOUT_MS", 100, 600000, [&](std::int64_t v) { c.llm_first_byte_timeout_ms = v; }},
      {"CHAT_RATE_LIMIT", 1, 100000, [&](std::int64_t v) { c.chat_rate_limit = static_cast<int>(v); }},
  };
  for (const auto& b : bounds) {
    if (!has(b.key)) continue;
    std::int64_t v = 0;
    if (parse_int<std::int64_t>(get(env, b.key), v, b.min, b.max)) b.set(v);
    else
      problems.push_back(std::string(b.key) + " must be a whole number from " + std::to_string(b.min) + " to " +
                         std::to_string(b.max) + " (got '" + get(env, b.key) + "')");
  }

  c.gemini_api_key = get(env, "GEMINI_API_KEY");
  if (has("GEMINI_MODEL")) c.gemini_model = get(env, "GEMINI_MODEL");
  if (has("GEMINI_BASE_URL")) c.gemini_base_url = get(env, "GEMINI_BASE_URL");
  c.openai_base_url = get(env, "OPENAI_BASE_URL");
  c.openai_api_key = get(env, "OPENAI_API_KEY");
  c.openai_model = get(env, "OPENAI_MODEL");
  c.https_proxy = has("HTTPS_PROXY") ? get(env, "HTTPS_PROXY") : get(env, "https_proxy");
  auto is_url = [](const std::string& u) { return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0; };
  if (!is_url(c.gemini_base_url)) problems.push_back("GEMINI_BASE_URL must start with http:// or https://");
  if (!c.openai_base_url.empty() && !is_url(c.openai_base_url))
    problems.push_back(
        "OPENAI_BASE_URL must start with http:// or https:// (e.g. http://localhost:11434/v1 for Ollama)");
  // The client speaks plain HTTP to the proxy (then TLS through the tunnel): an https:// proxy URL
  // would silently not be encrypted.
  if (!c.https_proxy.empty() && c.https_proxy.rfind("http://", 0) != 0)
    problems.push_back("HTTPS_PROXY must be an http:// URL");
  c.no_proxy = parse_no_proxy(has("NO_PROXY") ? get(env, "NO_PROXY") : get(env, "no_proxy"));
  if (has("LLM_PROVIDER")) c.llm_provider = get(env, "LLM_PROVIDER");
  if (c.llm_provider == "auto") {
    // What is configured, else the built-in coach.
    c.llm_provider = !c.gemini_api_key.empty() ? "gemini" : !c.openai_base_url.empty() ? "openai" : "fallback";
  } else if (c.llm_provider == "gemini") {
    if (c.gemini_api_key.empty()) problems.push_back("LLM_PROVIDER=gemini needs GEMINI_API_KEY");
  } else if (c.llm_provider == "openai") {
    if (c.openai_base_url.empty()) problems.push_back("LLM_PROVIDER=openai needs OPENAI_BASE_URL");
  } else if (c.llm_provider != "fallback") {
    problems.push_back("LLM_PROVIDER must be auto, gemini, openai or fallback (got '" + c.llm_provider + "')");
  }
  if (c.llm_provider == "openai" && c.openai_model.empty())
    problems.push_back("OPENAI_MODEL is required with an OpenAI-compatible server (e.g. llama3.1 for Ollama)");

  if (!problems.empty()) throw ConfigError(std::move(problems));
  return c;
}

void resolve_jwt_secret(Config& config) {
  if (!config.jwt_secret.empty()) return;
  fs::path file = fs::path(config.data_dir) / "jwt-secret";
  if (std::ifstream in{file}) {
    std::getline(in, config.jwt_secret);
    if (config.jwt_secret.size() >= 32) return;
  }
  fs::create_directories(config.data_dir);
  std::string secret = ids::random_hex(32);
  std::string tmp = file.string() + ".tmp";
  {
    // Created with owner-only permissions before anything is written into it.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw ConfigError({"cannot create the development JWT secret file " + file.string()});
    std::string line = secret + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw ConfigError({"cannot write the development JWT secret file " + file.string()});
  }
  fs::rename(tmp, file);
  config.jwt_secret = secret;
}

}  // namespace planetude
