// An incremental server-sent-events parser (WHATWG "event stream interpretation") for a provider's
// streamed answer: bytes come in whatever pieces the network gives, complete events come out.
#pragma once
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "llm/types.hpp"

namespace planetude::llm {

struct SseEvent {
  std::string event;  // the `event:` field; empty when the event had none (WHATWG would say "message")
  std::string data;   // the `data:` lines joined with '\n'
};

class SseParser {
 public:
  static constexpr std::size_t kMaxEventBytes = std::size_t{1} << 20;

  explicit SseParser(std::size_t max_event_bytes = kMaxEventBytes) : max_event_bytes_(max_event_bytes) {}

  // Consumes the next piece of the stream. Throws WireError when one event (its pending line, data
  // and event name) grows past the bound; the stream must then be abandoned.
  void feed(std::string_view bytes);

  // The next complete event, oldest first. An event without any `data:` line is not dispatched.
  std::optional<SseEvent> next();

  // True when non-blank bytes were received after the last blank line: at the end of the stream
  // that is a truncated event, which the Gemini SDKs treat as an error.
  bool has_partial() const;

 private:
  void end_line();
  void check_size() const;

  std::size_t max_event_bytes_;
  std::string line_;        // the current line, without its terminator
  std::string data_;        // data lines of the current event, joined
  std::string event_;       // event name of the current event
  bool has_data_ = false;   // a `data:` line was seen (an empty one counts)
  bool pending_ = false;    // a non-blank line was seen in the current event
  bool after_cr_ = false;   // the last byte was '\r': a '\n' right after it ends nothing more
  bool first_line_ = true;  // a byte-order mark is only skipped at the very start
  std::deque<SseEvent> ready_;
};

}  // namespace planetude::llm
