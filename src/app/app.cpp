#include "app/app.hpp"

#include <filesystem>
#include <thread>

#include <date/tz.h>

#include "core/clock.hpp"
#include "http/server.hpp"
#include "llm/gemini_provider.hpp"
#include "llm/openai_provider.hpp"
#include "observability/log.hpp"
#include "store_pg/pg_database.hpp"
#include "store_sqlite/sqlite_database.hpp"

namespace planetude {

namespace {

std::size_t cores() { return std::max(1u, std::thread::hardware_concurrency()); }

AuthSettings auth_settings(const Config& c) {
  return AuthSettings{c.jwt_ttl_seconds, c.login_max_failures_per_email, c.login_max_failures_per_ip,
                      c.register_max_per_ip};
}

std::unique_ptr<llm::LlmProvider> make_provider(const Config& c, std::unique_ptr<http::HttpClient>& client) {
  if (c.llm_provider != "gemini" && c.llm_provider != "openai") return nullptr;  // the built-in coach
  const std::string& base = c.llm_provider == "gemini" ? c.gemini_base_url : c.openai_base_url;
  auto url = http::parse_url(base);
  if (!url) throw ConfigError({"the AI provider's base URL is not a valid http(s) URL: " + base});
  std::optional<http::Url> proxy;
  if (!c.https_proxy.empty()) {
    proxy = http::parse_url(c.https_proxy);
    // A proxy that was asked for but cannot be used must not be skipped in silence.
    if (!proxy) throw ConfigError({"HTTPS_PROXY is not a valid http:// URL"});
  }
  client = std::make_unique<http::HttpClient>(std::move(proxy), c.no_proxy);
  if (c.llm_provider == "gemini")
    return std::make_unique<llm::GeminiProvider>(*client, *url, c.gemini_api_key, c.gemini_model);
  return std::make_unique<llm::OpenAiProvider>(*client, *url, c.openai_api_key, c.openai_model);
}

AiSettings ai_settings(const Config& c) {
  AiSettings s;
  s.timeout = std::chrono::milliseconds(c.llm_timeout_ms);
  s.first_byte_timeout = std::min(s.timeout, std::chrono::milliseconds(c.llm_first_byte_timeout_ms));
  return s;
}

std::unique_ptr<store::Database> open_postgres(const Config& config) {
  if (auto problem = store::pg::conninfo_problem(config.postgres_conninfo); !problem.empty())
    throw ConfigError({"DATABASE_URL: " + problem});
  try {
    auto db = std::make_unique<store::pg::PgDatabase>(config.postgres_conninfo, config.db_threads);
    db->migrate();
    return db;
  } catch (const std::exception& e) {
    // Named after the setting to fix (libpq's messages never hold the password).
    throw std::runtime_error("DATABASE_URL (" + describe_database(config) + "): " + e.what());
  }
}

// Opens and migrates the database, then drops the tokens that expired while the server was down.
std::unique_ptr<store::Database> prepare_database(const Config& config, std::size_t& purged) {
  auto db = open_database(config);
  purged = db->write_value([](store::Repos& r) {
    std::int64_t now = clock::now_ms();
    // Throttling events of keys not seen since (those seen again are pruned as they come).
    r.rate_limits().purge_before(now - SlidingWindowLimiter::kLongestWindowMs);
    return r.tokens().purge_expired(now / 1000);
  });
  return db;
}

}  // namespace

std::unique_ptr<store::Database> open_database(const Config& config) {
  if (!config.postgres_conninfo.empty()) return open_postgres(config);
  std::filesystem::create_directories(config.data_dir);
  auto db = std::make_unique<store::sqlite::SqliteDatabase>(config.sqlite_path, config.db_threads);
  db->migrate();
  return db;
}

std::string describe_database(const Config& config) {
  if (config.postgres_conninfo.empty()) return "sqlite:" + config.sqlite_path;
  return "postgresql: " + store::pg::describe_conninfo(config.postgres_conninfo);
}

App::App(Config config)
    : config_(std::move(config)),
      db_(prepare_database(config_, expired_tokens_purged_), config_.db_threads),
      cpu_pool_(cores()),
      provider_(make_provider(config_, http_client_)),
      ai_(metrics_, provider_.get(), ai_settings(config_)),
      auth_(auth_settings(config_), config_.jwt_secret, db_, cpu_pool_),
      users_(db_, auth_),
      plannings_(db_),
      ai_plannings_(db_, ai_),
      proposals_(db_),
      progress_(db_),
      calendars_(db_),
      timetable_(db_, cpu_pool_),
      rest_days_(db_),
      coach_(db_, ai_, CoachSettings{config_.chat_rate_limit}),
      auth_routes_(auth_, config_.jwt_ttl_seconds, config_.production),
      users_routes_(auth_, users_, config_.production),
      planning_routes_(auth_, plannings_, ai_plannings_, calendars_),
      progress_routes_(auth_, progress_),
      calendar_routes_(auth_, calendars_, config_.public_url),
      timetable_routes_(auth_, timetable_),
      rest_day_routes_(auth_, rest_days_),
      chat_routes_(auth_, coach_, proposals_),
      ops_routes_([this] { return db_.ping(); }, metrics_),
      web_app_routes_(resources::web_assets()) {
  // Load the time zone database now rather than on the first request that needs it.
  (void)date::get_tzdb();
  auth_routes_.add_to(router_);
  users_routes_.add_to(router_);
  planning_routes_.add_to(router_);
  progress_routes_.add_to(router_);
  calendar_routes_.add_to(router_);
  timetable_routes_.add_to(router_);
  rest_day_routes_.add_to(router_);
  chat_routes_.add_to(router_);
  ops_routes_.add_to(router_);
  web_app_routes_.add_to(router_);  // last: its fallback answers only paths no route has
}

App::~App() {
  cpu_pool_.stop();
  db_.close();
}

int App::serve() {
  http::ServerSettings s;
  s.host = config_.host;
  s.port = config_.port;
  s.max_body_bytes = config_.max_body_bytes;
  s.max_connections = config_.max_connections;
  s.request_timeout_ms = config_.request_timeout_ms;
  s.idle_timeout_ms = config_.idle_timeout_ms;
  s.shutdown_timeout_ms = config_.shutdown_timeout_ms;
  s.io_threads = config_.io_threads ? config_.io_threads : cores();
  s.production = config_.production;
  s.cors_origins = config_.cors_origins;
  s.trusted_proxies = config_.trusted_proxies;
  if (!config_.public_url.empty()) s.trusted_origins.push_back(config_.public_url);

  http::Server server(s, router_, metrics_);
  std::uint16_t port = server.listen();
  log::info("listening", {{"host", config_.host},
                          {"port", port},
                          {"environment", config_.production ? "production" : "development"},
                          {"database", describe_database(config_)},
                          {"coach", config_.llm_provider},
                          {"io_threads", static_cast<std::uint64_t>(s.io_threads)},
                          {"expired_tokens_purged", static_cast<std::uint64_t>(expired_tokens_purged_)},
                          {"web_app", web_app_routes_.has_app()}});
  if (!web_app_routes_.has_app())
    log::warn("web_app_missing",
              {{"hint", "built without web/dist: run `make web`, then rebuild, to serve the app at /"}});
  server.run();
  // In-flight database work finishes before the database is closed.
  cpu_pool_.stop();
  db_.close();
  log::info("stopped");
  return 0;
}

}  // namespace planetude
