// Calendars: a planning as an .ics file, and the secret, revocable feed URL that calendar apps
// subscribe to. Only the SHA-256 of a feed secret is stored.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>

#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

class CalendarService {
 public:
  CalendarService(store::AsyncDatabase& db) : db_(db) {}

  // A new secret (the old one stops working): 256 random bits, URL-safe base64.
  boost::asio::awaitable<std::string> create_feed(std::string user_id);
  boost::asio::awaitable<void> delete_feed(std::string user_id);
  // The feed's calendar, or nullopt for an unknown or revoked secret.
  boost::asio::awaitable<std::optional<std::string>> feed(std::string secret);
  boost::asio::awaitable<std::string> planning_calendar(std::string user_id, std::string planning_id);

  static std::string hash_secret(std::string_view secret);

 private:
  store::AsyncDatabase& db_;
};

}  // namespace planetude
