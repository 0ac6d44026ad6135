#include "llm/sse_parser.hpp"

#include <algorithm>

namespace planetude::llm {

namespace {

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

void SseParser::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    // A CRLF split across two pieces: the '\r' already ended the line, so this '\n' is its tail.
    if (after_cr_) {
      after_cr_ = false;
      if (bytes.front() == '\n') {
        bytes.remove_prefix(1);
        continue;
      }
    }
    std::size_t end = bytes.find_first_of("\r\n");
    if (end == std::string_view::npos) {
      line_.append(bytes);
      check_size();
      return;
    }
    line_.append(bytes.substr(0, end));
    check_size();
    after_cr_ = bytes[end] == '\r';
    bytes.remove_prefix(end + 1);
    end_line();
  }
}

void SseParser::end_line() {
  std::string_view line(line_);
  // WHATWG: one U+FEFF at the start of the stream is ignored.
  if (first_line_ && line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  first_line_ = false;

  if (line.empty()) {
    // A blank line ends the event; one without data is dropped, as WHATWG says.
    if (has_data_) ready_.push_back({std::move(event_), std::move(data_)});
    event_.clear();
    data_.clear();
    has_data_ = false;
    pending_ = false;
    line_.clear();
    return;
  }
  if (!blank(line)) pending_ = true;

  std::size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
  if (value.starts_with(' ')) value.remove_prefix(1);
  if (colon == 0) {
    // A comment (a keep-alive, typically).
  } else if (field == "data") {
    if (has_data_) data_ += '\n';
    data_.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.assign(value);
  }
  // `id`, `retry` and unknown fields are ignored: nothing here reconnects.
  line_.clear();
  check_size();
}

void SseParser::check_size() const {
  if (line_.size() + data_.size() + event_.size() > max_event_bytes_)
    throw WireError("server-sent event larger than " + std::to_string(max_event_bytes_) + " bytes");
}

std::optional<SseEvent> SseParser::next() {
  if (ready_.empty()) return std::nullopt;
  SseEvent e = std::move(ready_.front());
  ready_.pop_front();
  return e;
}

bool SseParser::has_partial() const { return pending_ || !blank(line_); }

}  // namespace planetude::llm
