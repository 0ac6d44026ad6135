// Plannings of the signed-in user: create, read, list (keyset pages), replace, patch one
// session, delete. Every write checks the planning rules inside its transaction.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "models/planning.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

struct PlanningPage {
  std::vector<store::PlanningRecord> items;
  std::optional<std::string> next_cursor;
};

// The opaque `cursor` of GET /api/planning.
std::string encode_planning_cursor(const store::PlanningQuery::Cursor& cursor);
std::optional<store::PlanningQuery::Cursor> decode_planning_cursor(std::string_view text);

class PlanningService {
 public:
  PlanningService(store::AsyncDatabase& db) : db_(db) {}

  boost::asio::awaitable<store::PlanningRecord> create(store::UserRecord user, models::PlanningInput input,
                                                       std::string source);
  boost::asio::awaitable<store::PlanningRecord> get(std::string user_id, std::string id);
  boost::asio::awaitable<PlanningPage> list(std::string user_id, store::PlanningQuery query);
  boost::asio::awaitable<store::PlanningRecord> replace(store::UserRecord user, std::string id,
                                                        models::PlanningInput input);
  boost::asio::awaitable<store::PlanningRecord> patch_session(std::string user_id, std::string id,
                                                              std::string session_id, models::SessionPatch patch);
  boost::asio::awaitable<void> remove(std::string user_id, std::string id);

 private:
  store::AsyncDatabase& db_;
};

}  // namespace planetude
