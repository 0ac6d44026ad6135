#include "llm/wire_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>

#include "llm/types.hpp"

namespace planetude::llm::wire {

namespace json = boost::json;

const json::value* field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

std::string_view string_or_empty(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

const json::object& Reader::object_at(const json::value& v, std::string_view path) const {
  if (!v.is_object()) throw WireError(std::string(who_) + ": " + std::string(path) + " is not an object");
  return v.get_object();
}

const json::array& Reader::array_at(const json::value& v, std::string_view path) const {
  if (!v.is_array()) throw WireError(std::string(who_) + ": " + std::string(path) + " is not an array");
  return v.get_array();
}

std::string_view Reader::string_at(const json::value& v, std::string_view path) const {
  if (!v.is_string()) throw WireError(std::string(who_) + ": " + std::string(path) + " is not a string");
  return v.get_string();
}

int Reader::count_at(const json::object& o, std::string_view key, std::string_view parent) const {
  const json::value* v = field(o, key);
  if (!v) return 0;  // proto3 leaves zero counts out
  double d = 0;
  if (v->is_int64()) d = static_cast<double>(v->get_int64());
  else if (v->is_uint64()) d = static_cast<double>(v->get_uint64());
  else if (v->is_double() && std::isfinite(v->get_double())) d = v->get_double();
  else throw WireError(std::string(who_) + ": " + std::string(parent) + "." + std::string(key) + " is not a number");
  return static_cast<int>(std::clamp(std::floor(d), 0.0, static_cast<double>(INT_MAX)));
}

}  // namespace planetude::llm::wire
