// `.env` parsing and the configuration built from it (config/config: parse_dotenv, load_config).
// Beyond not crashing:
// - every key read is non-empty, trimmed, without '=' or a line break, and no value holds a line
//   break;
// - what was read, written back one `export KEY='value'` line per key (a quote the value does not
//   hold), reads back to the same settings;
// - load_config either gives a configuration or fails with ConfigError listing at least one
//   problem, never anything else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "support/fuzz_support.hpp"

using planetude::EnvMap;
using planetude::fuzz::require;

namespace {

// One line per key; nullopt-like empty result when a value holds both quote characters.
bool write_back(const EnvMap& env, std::string& out) {
  for (const auto& [key, value] : env) {
    const char quote = value.find('\'') == std::string::npos ? '\'' : '"';
    if (value.find(quote) != std::string::npos) return false;
    out += "export " + key + "=" + quote + value + quote + "\n";
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string content(reinterpret_cast<const char*>(data), size);
  const EnvMap env = planetude::parse_dotenv(content);
  for (const auto& [key, value] : env) {
    require(!key.empty() && planetude::fuzz::has_no_ascii_space_at_ends(key), "a key is non-empty and trimmed");
    require(key.find_first_of("=\n") == std::string::npos, "a key holds no '=' or line break");
    require(value.find('\n') == std::string::npos, "a value holds no line break");
  }

  std::string written;
  if (write_back(env, written)) require(planetude::parse_dotenv(written) == env, "settings written back read the same");

  try {
    (void)planetude::load_config(env);
  } catch (const planetude::ConfigError& e) {
    require(!e.problems().empty(), "a refused configuration names its problems");
  }
  return 0;
}
