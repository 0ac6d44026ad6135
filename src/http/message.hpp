// The request a handler sees and the response it returns, independent of the socket.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include "core/cancellation.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace planetude::http {

using RawRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct Request {
  RawRequest raw;
  std::string path;  // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string, std::less<>> params;  // from the route pattern, e.g. "id"
  std::string route;                                       // the matched route template, e.g. "/api/planning/:id"
  std::string client_ip;
  std::string request_id;

  std::string_view method() const { return raw.method_string(); }
  std::string_view header(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const;
  std::string_view param(std::string_view name) const;
  std::optional<std::string> cookie(std::string_view name) const;
  // The body as JSON (400 invalid_json when empty or malformed).
  boost::json::value json() const;
};

// Where a streamed response writes its server-sent events. `send` returns false once the client
// has gone away; the producer should then stop (and cancel what it waits on).
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual boost::asio::awaitable<bool> send(std::string event, std::string data) = 0;
  // Cancelled as soon as the client is seen to hang up.
  virtual Cancellation& cancellation() = 0;
};

struct Response {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a text/event-stream answer: the server sends the headers, then runs this.
  std::function<boost::asio::awaitable<void>(EventSink&)> stream;

  static Response json(unsigned status, const boost::json::value& value);
  // A body that is JSON text already (written by a JsonWriter).
  static Response json_text(unsigned status, std::string body);
  static Response no_content();
  static Response text(unsigned status, std::string content_type, std::string body);
  Response& with_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

}  // namespace planetude::http
