// Settings from the environment, then from a `.env` file in the working directory
// (ARCHITECTURE.md "Configuration"). Every bad value is reported, each with a clear message.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/ip_ranges.hpp"
#include "observability/log.hpp"

namespace planetude {

using EnvMap = std::map<std::string, std::string>;

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5000;
  std::string public_url;  // empty: the request's Host
  std::string database_url = "sqlite:data/planetude.db";
  std::string sqlite_path;  // from database_url, when it names SQLite
  // From database_url, when it names PostgreSQL: a postgres:// or postgresql:// URL, or libpq
  // key=value settings (checked by libpq when the database opens).
  std::string postgres_conninfo;
  std::string data_dir;    // folder of the SQLite file: the dev JWT secret lives there too
  std::string jwt_secret;  // empty until resolved (generated in development)
  std::int64_t jwt_ttl_seconds = std::int64_t{7} * 24 * 3600;
  bool production = false;
  log::Level log_level = log::Level::info;
  std::vector<std::string> cors_origins;
  // Reverse proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); none by default.
  IpRanges trusted_proxies;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;
  std::size_t max_connections = 10000;
  std::int64_t request_timeout_ms = 30000;
  std::int64_t idle_timeout_ms = 60000;
  std::int64_t shutdown_timeout_ms = 10000;
  std::size_t io_threads = 0;  // 0: one per core
  std::size_t db_threads = 4;
  // Throttling (docs/api.md): failures per 15 minutes, registrations per hour.
  int login_max_failures_per_email = 10;
  int login_max_failures_per_ip = 100;
  int register_max_per_ip = 20;
  // Kept for the coach (later work); validated here so a typo shows at start-up.
  std::string llm_provider = "auto";  // resolved at load: "gemini", "openai" or "fallback"
  std::string gemini_api_key;
  std::string gemini_model = "gemini-2.5-flash";
  std::string gemini_base_url = "https://generativelanguage.googleapis.com";
  std::string openai_base_url;
  std::string openai_api_key;
  std::string openai_model;
  std::string https_proxy;
  // NO_PROXY: hosts reached without the proxy; trimmed, lower-cased entries such as "*",
  // "example.com" (itself and its subdomains), ".example.com", "10.0.0.7", "::1", "localhost:8443".
  std::vector<std::string> no_proxy;
  std::int64_t llm_timeout_ms = 20000;
  // The provider's answer must start within this (capped at llm_timeout_ms), or the built-in coach answers.
  std::int64_t llm_first_byte_timeout_ms = 10000;
  int chat_rate_limit = 20;
};

class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// The process environment merged over the `.env` file at `dotenv_path` (the environment wins).
EnvMap read_environment(const std::string& dotenv_path);
// Parses `KEY=VALUE` lines; `#` comments, `export ` prefixes and single or double quotes allowed.
EnvMap parse_dotenv(const std::string& content);
// Builds and checks the configuration; throws ConfigError listing every problem.
Config load_config(const EnvMap& env);
// In development with no JWT_SECRET: reads `<data_dir>/jwt-secret`, creating it (mode 0600) once.
void resolve_jwt_secret(Config& config);

}  // namespace planetude
