// Structured logs: one JSON object a line on stdout (what pino/winston users expect).
// Never pass passwords, tokens, keys, request bodies or chat text in `fields`.
#pragma once
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace planetude::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug", "info", "warn", "error"; returns false for anything else.
bool parse_level(std::string_view name, Level& out);
void set_level(Level level);
bool enabled(Level level);

void write(Level level, std::string_view msg, boost::json::object fields = {});
inline void debug(std::string_view msg, boost::json::object fields = {}) {
  write(Level::debug, msg, std::move(fields));
}
inline void info(std::string_view msg, boost::json::object fields = {}) { write(Level::info, msg, std::move(fields)); }
inline void warn(std::string_view msg, boost::json::object fields = {}) { write(Level::warn, msg, std::move(fields)); }
inline void error(std::string_view msg, boost::json::object fields = {}) {
  write(Level::error, msg, std::move(fields));
}

}  // namespace planetude::log
