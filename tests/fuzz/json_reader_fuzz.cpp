// The depth-bounded JSON reader (core/json_input) on arbitrary bytes. The first byte chooses how
// many levels of arrays and objects wrap the rest. Beyond not crashing:
// - nothing accepted nests deeper than 64, and a document that parses alone still parses inside
//   n more levels exactly when its depth plus n is at most 64;
// - what is accepted serializes to JSON that reads back to the same value (a double to within
//   Boost.JSON's default parsing, which may land one unit in the last place off). Not checked for
//   a number beyond a double's range: Boost.JSON 1.81 reads it as infinity and writes that as
//   `Infinity`, which is not JSON (README.md, "Found");
// - parse_body agrees with try_parse and refuses only with 400 invalid_json;
// - ObjectReader's strings come out trimmed, within their length in code points and free of
//   control characters; its integers within their bounds.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "core/json_input.hpp"
#include "support/fuzz_support.hpp"

namespace json = boost::json;
namespace json_input = planetude::json_input;
using planetude::fuzz::require;

namespace {

constexpr std::size_t kMaxDepth = 64;  // json_input::try_parse's bound

// Levels of arrays and objects: a scalar is 0, [] is 1, [[1]] is 2. Bounded: only what the reader
// accepted (at most 64 deep) is measured.
std::size_t depth(const json::value& v) {
  std::size_t inner = 0;
  if (const json::array* a = v.if_array()) {
    for (const json::value& item : *a) inner = std::max(inner, depth(item));
    return inner + 1;
  }
  if (const json::object* o = v.if_object()) {
    for (const auto& kv : *o) inner = std::max(inner, depth(kv.value()));
    return inner + 1;
  }
  return 0;
}

// `text` inside `levels` arrays or one-key objects, the kind of each level from `kinds`' bits.
std::string wrap(std::string_view text, std::size_t levels, std::uint8_t kinds) {
  std::string out;
  for (std::size_t i = 0; i < levels; ++i) out += (kinds >> (i % 8)) & 1 ? "{\"k\":" : "[";
  out += text;
  for (std::size_t i = levels; i-- > 0;) out += (kinds >> (i % 8)) & 1 ? "}" : "]";
  return out;
}

// Equal, a double to within a relative 1e-15.
bool same_value(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.is_array() && b.is_array()) {
    const json::array &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!same_value(p[i], q[i])) return false;
    return true;
  }
  if (a.is_object() && b.is_object()) {
    const json::object &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) return false;
    for (const auto& kv : p) {
      const json::value* other = q.if_contains(kv.key());
      if (!other || !same_value(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool has_infinity(const json::value& v) {
  if (v.is_double()) return !std::isfinite(v.get_double());
  if (const json::array* a = v.if_array())
    return std::any_of(a->begin(), a->end(), [](const json::value& item) { return has_infinity(item); });
  if (const json::object* o = v.if_object())
    return std::any_of(o->begin(), o->end(), [](const auto& kv) { return has_infinity(kv.value()); });
  return false;
}

void check_round_trip(const json::value& v) {
  if (has_infinity(v)) return;
  auto again = json_input::try_parse(json::serialize(v));
  require(again.has_value(), "serialized JSON reads back");
  require(same_value(*again, v), "serialized JSON reads back to the same value");
}

void check_parse_body_agrees(std::string_view text, bool accepted) {
  try {
    json::value v = json_input::parse_body(text);
    require(accepted, "parse_body accepts only what try_parse accepts");
  } catch (const planetude::DomainError& e) {
    require(!accepted, "parse_body refuses only what try_parse refuses");
    require(e.kind() == planetude::ErrorKind::invalid_input && e.code() == "invalid_json",
            "parse_body refuses with 400 invalid_json");
  }
}

// Reads every key of an object as a string and as an integer, with bounds taken from the input.
void check_object_reader(const json::value& v, std::uint8_t knobs) {
  json_input::Problems problems;
  json_input::ObjectReader reader(v, "", problems);
  require(reader.is_object() == v.is_object(), "ObjectReader sees objects as objects");
  if (!v.is_object()) {
    require(!problems.empty(), "a body that is not an object is a problem");
    return;
  }
  json_input::StringRule rule{knobs & 3U, std::size_t{1} + (knobs >> 2U), (knobs & 0x40U) != 0, (knobs & 0x80U) != 0};
  const std::int64_t low = -static_cast<std::int64_t>(knobs) * 1000, high = static_cast<std::int64_t>(knobs) * 7;
  std::size_t asked = 0;
  for (const auto& kv : v.get_object()) {
    if (++asked > 8) break;  // later keys stay unread: reject_unknown must name them
    if (auto s = reader.string(kv.key(), rule, true)) {
      std::size_t n = planetude::fuzz::code_points(*s);
      require(n >= rule.min && n <= rule.max, "a string read is within its length in code points");
      require(!rule.trim || planetude::fuzz::has_no_ascii_space_at_ends(*s), "a string read is trimmed");
      require(planetude::fuzz::has_no_control_chars(*s, rule.allow_newlines), "a string read has no control chars");
    }
    if (auto n = reader.integer(kv.key(), low, high, false))
      require(*n >= low && *n <= high, "an integer read is within its bounds");
  }
  const std::size_t before = problems.list().size();
  reader.reject_unknown();
  const std::size_t unread = v.get_object().size() > 8 ? v.get_object().size() - 8 : 0;
  require(problems.list().size() >= before + unread, "reject_unknown names every key not read");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t levels = data[0] % 80;
  const std::uint8_t kinds = data[1];
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

  auto alone = json_input::try_parse(text);
  check_parse_body_agrees(text, alone.has_value());
  if (alone) {
    require(depth(*alone) <= kMaxDepth, "nothing deeper than the bound is accepted");
    check_round_trip(*alone);
    check_object_reader(*alone, kinds);
  }

  auto wrapped = json_input::try_parse(wrap(text, levels, kinds));
  if (wrapped) require(depth(*wrapped) <= kMaxDepth, "nothing deeper than the bound is accepted, wrapped");
  if (alone)
    require(wrapped.has_value() == (depth(*alone) + levels <= kMaxDepth),
            "a document inside n more levels parses exactly when its depth plus n is within the bound");
  return 0;
}
