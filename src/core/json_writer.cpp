#include "core/json_writer.hpp"

#include <charconv>

namespace planetude {

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (filled_ & 1U) out_.push_back(',');
    filled_ |= 1U;
  }
}

void JsonWriter::open(char bracket) {
  separate();
  out_.push_back(bracket);
  filled_ <<= 1U;
  ++depth_;
}

void JsonWriter::close(char bracket) {
  out_.push_back(bracket);
  filled_ >>= 1U;
  --depth_;
}

void JsonWriter::key(std::string_view name) {
  separate();
  quoted(name);
  out_.push_back(':');
  after_key_ = true;
}

void JsonWriter::string(std::string_view value) {
  separate();
  quoted(value);
}

void JsonWriter::quoted(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(value.data() + run, i - run);
    run = i + 1;
    out_.push_back('\\');
    switch (c) {
      case '"': out_.push_back('"'); break;
      case '\\': out_.push_back('\\'); break;
      case '\b': out_.push_back('b'); break;
      case '\t': out_.push_back('t'); break;
      case '\n': out_.push_back('n'); break;
      case '\f': out_.push_back('f'); break;
      case '\r': out_.push_back('r'); break;
      default:
        out_.append("u00");
        out_.push_back(kHex[c >> 4U]);
        out_.push_back(kHex[c & 0xFU]);
    }
  }
  out_.append(value.data() + run, value.size() - run);
  out_.push_back('"');
}

void JsonWriter::integer(std::int64_t value) {
  separate();
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, end);
}

void JsonWriter::boolean(bool value) {
  separate();
  out_.append(value ? "true" : "false");
}

void JsonWriter::null() {
  separate();
  out_.append("null");
}

void JsonWriter::raw(std::string_view json) {
  separate();
  out_.append(json);
}

}  // namespace planetude
