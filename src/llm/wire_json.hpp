// Reading a provider's JSON answer defensively, shared by the Gemini and OpenAI wires: explicit
// nulls read as absent, a wrong type is a WireError that names the provider and the path.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace planetude::llm::wire {

// A field, with an explicit null read as absent (servers send `"usage": null`; proto3 never needs one).
const boost::json::value* field(const boost::json::object& o, std::string_view key);
// The string at `key`, or empty when absent or not a string (for error bodies, read leniently).
std::string_view string_or_empty(const boost::json::object& o, std::string_view key);

// The typed accessors of one provider's answers; `who` starts every error ("Gemini response").
class Reader {
 public:
  explicit constexpr Reader(std::string_view who) : who_(who) {}
  const boost::json::object& object_at(const boost::json::value& v, std::string_view path) const;
  const boost::json::array& array_at(const boost::json::value& v, std::string_view path) const;
  std::string_view string_at(const boost::json::value& v, std::string_view path) const;
  // A token count at `parent.key`: 0 when absent, clamped to what an int holds.
  int count_at(const boost::json::object& o, std::string_view key, std::string_view parent) const;

 private:
  std::string_view who_;
};

}  // namespace planetude::llm::wire
