#include "routes/chat_routes.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "http/error_response.hpp"
#include "models/chat.hpp"
#include "models/planning.hpp"
#include "models/proposal.hpp"
#include "routes/authentication.hpp"
#include "routes/query_params.hpp"

namespace planetude::routes {

namespace asio = boost::asio;
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

json::object reply_json(const ChatReply& r) {
  json::array proposals;
  for (const auto& p : r.proposals) proposals.push_back(models::to_json(p));
  return json::object{{"reply", r.message.content},
                      {"source", r.message.source.value_or("fallback")},
                      {"messageId", r.message.id},
                      {"proposals", std::move(proposals)},
                      {"createdAt", clock::format_rfc3339(r.message.created_at)}};
}

bool wants_event_stream(const Request& req) {
  return req.header("Accept").find("text/event-stream") != std::string_view::npos;
}

// Sends each piece of the reply as an SSE `delta` event.
class DeltaEvents : public ReplySink {
 public:
  explicit DeltaEvents(http::EventSink& events) : events_(events) {}
  asio::awaitable<bool> delta(std::string text) override {
    std::string data = json::serialize(json::object{{"text", text}});
    bool listening = co_await events_.send("delta", std::move(data));
    co_return listening;
  }
  Cancellation* cancellation() override { return &events_.cancellation(); }

 private:
  http::EventSink& events_;
};

}  // namespace

void ChatRoutes::add_to(http::Router& router) {
  router.add("POST", "/api/chat", [this](Request& r) { return chat(r); });
  router.add("GET", "/api/chat/history", [this](Request& r) { return history(r); });
  router.add("DELETE", "/api/chat/history", [this](Request& r) { return clear(r); });
  router.add("POST", "/api/chat/proposals/:id/apply", [this](Request& r) { return apply(r); });
  router.add("POST", "/api/chat/proposals/:id/dismiss", [this](Request& r) { return dismiss(r); });
}

asio::awaitable<Response> ChatRoutes::chat(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  auto input = models::parse_chat_input(req.json());
  RateLimitState limit = co_await coach_.acquire_rate(who.user.id);
  Response r;
  if (wants_event_stream(req)) {
    r.stream = [this, user = who.user, input = std::move(input)](http::EventSink& events) mutable {
      return stream_reply(std::move(user), std::move(input), events);
    };
  } else {
    ChatReply reply = co_await coach_.chat(who.user, std::move(input), nullptr);
    r = Response::json(200, reply_json(reply));
  }
  http::add_rate_limit_headers(r, limit.limit, limit.remaining, limit.reset_seconds);
  co_return r;
}

asio::awaitable<void> ChatRoutes::stream_reply(store::UserRecord user, models::ChatInput input,
                                               http::EventSink& events) {
  DeltaEvents deltas(events);
  ChatReply reply = co_await coach_.chat(std::move(user), std::move(input), &deltas);
  std::string done = json::serialize(reply_json(reply));
  co_await events.send("done", std::move(done));
}

asio::awaitable<Response> ChatRoutes::history(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  std::size_t limit = 50;
  if (auto text = req.query_param("limit")) {
    auto n = parse_limit(*text);
    if (!n) throw errors::validation({{"limit", kLimitProblem}});
    limit = *n;
  }
  ChatPage page = co_await coach_.history(who.user.id, limit, req.query_param("before"));
  json::array messages;
  for (const auto& m : page.messages) {
    json::object message = models::to_json(m);
    // A coach message carries the proposals it made (only when it made some), so that a
    // client reloading the conversation can still apply or dismiss them.
    json::array proposals;
    for (const auto& p : page.proposals)
      if (p.message_id == m.id) proposals.push_back(models::to_json(p));
    if (!proposals.empty()) message["proposals"] = std::move(proposals);
    messages.push_back(std::move(message));
  }
  json::value next = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  co_return Response::json(200, json::object{{"messages", std::move(messages)}, {"nextCursor", std::move(next)}});
}

asio::awaitable<Response> ChatRoutes::clear(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  co_await coach_.clear(who.user.id);
  co_return Response::no_content();
}

asio::awaitable<Response> ChatRoutes::apply(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  AppliedProposal done = co_await proposals_.apply(who.user, std::string(req.param("id")));
  co_return Response::json(
      200, json::object{{"proposal", models::to_json(done.proposal)}, {"planning", models::to_json(done.planning)}});
}

asio::awaitable<Response> ChatRoutes::dismiss(Request& req) {
  AuthContext who = co_await require_user(auth_, req);
  store::ProposalRecord p = co_await proposals_.dismiss(who.user.id, std::string(req.param("id")));
  co_return Response::json(200, json::object{{"proposal", models::to_json(p)}});
}

}  // namespace planetude::routes
