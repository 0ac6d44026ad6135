#include "models/chat.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_input.hpp"

namespace planetude::models {

namespace json = boost::json;
using json_input::ObjectReader;
using json_input::Problems;
using json_input::StringRule;

namespace {
constexpr std::size_t kMaxContextBytes = std::size_t{8} * 1024;
}

ChatInput parse_chat_input(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  ChatInput in;
  auto message = r.string("message", StringRule{1, 4000, true, true}, true);
  // `context` is the exception to "null means absent" (docs/behaviour.md): it is an object or left out.
  const json::value* context = r.field("context");
  if (!context && r.contains("context")) {
    problems.add("context", "doit être un objet JSON");
  } else if (context) {
    if (!context->is_object()) problems.add("context", "doit être un objet JSON");
    else if (json::serialize(*context).size() > kMaxContextBytes)
      problems.add("context", "ne doit pas dépasser 8 Kio en JSON compact");
    else in.context = context->get_object();
  }
  r.reject_unknown();
  problems.throw_if_any();
  in.message = *message;
  return in;
}

json::object to_json(const store::ChatMessageRecord& m) {
  json::object o{{"_id", m.id}, {"role", m.role}, {"content", m.content}};
  if (m.source) o["source"] = *m.source;
  o["createdAt"] = clock::format_rfc3339(m.created_at);
  return o;
}

}  // namespace planetude::models
