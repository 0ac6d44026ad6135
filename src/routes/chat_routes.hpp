// /api/chat: talk with PixelCoach (JSON or server-sent events), the conversation's history, and
// applying or dismissing the coach's proposals.
#pragma once
#include "http/router.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/coach/coach_service.hpp"
#include "services/coach/proposal_service.hpp"

namespace planetude::routes {

class ChatRoutes {
 public:
  ChatRoutes(AuthService& auth, CoachService& coach, ProposalService& proposals)
      : auth_(auth), coach_(coach), proposals_(proposals) {}
  void add_to(http::Router& router);

 private:
  boost::asio::awaitable<http::Response> chat(http::Request& req);
  boost::asio::awaitable<void> stream_reply(store::UserRecord user, models::ChatInput input, http::EventSink& events);
  boost::asio::awaitable<http::Response> history(http::Request& req);
  boost::asio::awaitable<http::Response> clear(http::Request& req);
  boost::asio::awaitable<http::Response> apply(http::Request& req);
  boost::asio::awaitable<http::Response> dismiss(http::Request& req);

  AuthService& auth_;
  CoachService& coach_;
  ProposalService& proposals_;
};

}  // namespace planetude::routes
