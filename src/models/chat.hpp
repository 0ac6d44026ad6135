// Chat with PixelCoach: the POST /api/chat body, and messages as the API shows them.
#pragma once
#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "store/records.hpp"

namespace planetude::models {

struct ChatInput {
  std::string message;
  // What the client adds (the page being viewed, say): data for the coach, never instructions.
  std::optional<boost::json::object> context;
};

// message: 1–4000 characters; context: an object of at most 8 KiB as compact UTF-8 JSON.
ChatInput parse_chat_input(const boost::json::value& body);

boost::json::object to_json(const store::ChatMessageRecord& message);

}  // namespace planetude::models
