// JSON text written straight into a string, without building a boost::json tree first: the read
// path's responses (a planning list is hundreds of objects) cost one growing buffer instead of a
// tree of small allocations. The bytes are exactly those boost::json::serialize writes for the same
// value (no spaces; only '"', '\\' and control characters escaped, with \b \t \n \f \r or \u00xx),
// so switching a route from one to the other changes nothing on the wire.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace planetude {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }

  // An object member's name; its value follows with one of the calls below.
  void key(std::string_view name);

  void string(std::string_view value);
  void integer(std::int64_t value);
  void boolean(bool value);
  void null();
  // Text that is already JSON (one value), written as is.
  void raw(std::string_view json);

  // key() then the value.
  void field(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }
  void field(std::string_view name, const char* value) { field(name, std::string_view(value)); }
  void field(std::string_view name, std::int64_t value) {
    key(name);
    integer(value);
  }

 private:
  void open(char bracket);
  void close(char bracket);
  // Before a value or a key: a comma unless it is the first in its container or follows a key.
  void separate();
  // The string with its quotes and escapes.
  void quoted(std::string_view value);

  std::string& out_;
  // One bit per open container, innermost lowest: set once it holds something. Nesting deeper
  // than 64 levels is not written by the read path.
  std::uint64_t filled_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace planetude
