// /api/chat: talk with PixelCoach (JSON or server-sent events), and the conversation's history.
#pragma once
#include "http/router.hpp"
#include "services/auth_service.hpp"
#include "services/coach_service.hpp"

namespace planetude::routes {

class ChatRoutes {
 public:
  ChatRoutes(AuthService& auth, CoachService& coach) : auth_(auth), coach_(coach) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> chat(http::Request& req);
  boost::asio::awaitable<void> stream_reply(store::UserRecord user, models::ChatInput input, http::EventSink& events);
  boost::asio::awaitable<http::Response> history(http::Request& req);
  boost::asio::awaitable<http::Response> clear(http::Request& req);

  AuthService& auth_;
  CoachService& coach_;
};

}  // namespace planetude::routes
