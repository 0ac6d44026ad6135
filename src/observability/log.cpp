#include "observability/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <atomic>

#include "core/clock.hpp"

namespace planetude::log {

namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};

spdlog::logger& logger() {
  // spdlog serialises writers and flushes each line, so the lines of concurrent requests never
  // interleave and a crash loses nothing already logged.
  static auto instance = [] {
    auto l = spdlog::stdout_logger_mt("planetude");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *instance;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}
}  // namespace

bool parse_level(std::string_view name, Level& out) {
  for (Level l : {Level::debug, Level::info, Level::warn, Level::error}) {
    if (name == level_name(l)) {
      out = l;
      return true;
    }
  }
  return false;
}

void set_level(Level level) { g_level = static_cast<int>(level); }

bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view msg, boost::json::object fields) {
  if (!enabled(level)) return;
  boost::json::object line;
  line["time"] = clock::format_rfc3339(clock::now_ms());
  line["level"] = level_name(level);
  line["msg"] = msg;
  for (auto& kv : fields) line[kv.key()] = std::move(kv.value());
  logger().info(boost::json::serialize(line));
}

}  // namespace planetude::log
