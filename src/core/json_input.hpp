// Strict reading of JSON request bodies: every problem is collected with its JSON path, unknown
// fields are refused, strings are trimmed and measured in code points (docs/api.md).
#pragma once
#include <boost/json/value.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.hpp"

namespace planetude::json_input {

// Parses untrusted JSON with a bound on nesting (deep input costs stack); nullopt when malformed.
std::optional<boost::json::value> try_parse(std::string_view text);
// Parses a request body; throws 400 invalid_json when it is empty or not JSON.
boost::json::value parse_body(std::string_view body);

class Problems {
 public:
  void add(std::string path, std::string message) { list_.push_back({std::move(path), std::move(message)}); }
  bool empty() const { return list_.empty(); }
  const std::vector<FieldError>& list() const { return list_; }
  // Throws 400 validation_failed listing every problem, when there is any.
  void throw_if_any() const;

 private:
  std::vector<FieldError> list_;
};

struct StringRule {
  std::size_t min = 0;
  std::size_t max = std::numeric_limits<std::size_t>::max();
  bool trim = true;
  bool allow_newlines = false;
};

std::string join_path(std::string_view parent, std::string_view key);

class ObjectReader {
 public:
  // Records a problem at `path` when `value` is not an object; reads then find nothing.
  ObjectReader(const boost::json::value& value, std::string path, Problems& problems);

  bool is_object() const { return object_ != nullptr; }
  // True when the key is present (null included).
  bool contains(std::string_view key) const;
  // The value under `key`, or nullptr when absent or null. Marks the key as known.
  const boost::json::value* field(std::string_view key);

  std::optional<std::string> string(std::string_view key, const StringRule& rule, bool required);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max, bool required);
  // A list of strings, each checked by `item`; duplicates (exact, after trimming) are dropped.
  std::optional<std::vector<std::string>> string_set(std::string_view key, std::size_t max_items,
                                                     const StringRule& item, bool required);

  // Records "unknown field" for every key no read above asked for. Call after all reads.
  void reject_unknown();
  std::string path(std::string_view key) const { return join_path(path_, key); }
  Problems& problems() { return problems_; }

 private:
  const boost::json::object* object_ = nullptr;
  std::string path_;
  Problems& problems_;
  std::vector<std::string> known_;
};

// Checks one string value against a rule; returns the trimmed string or records a problem.
std::optional<std::string> check_string(const boost::json::value& v, const std::string& path, const StringRule& rule,
                                        Problems& problems);

}  // namespace planetude::json_input
