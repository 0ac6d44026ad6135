// Applying or dismissing the coach's proposals. Applying checks the change against the planning
// rules as they stand at that moment and makes it, with the proposal's new status, in one
// transaction: a refused change leaves the proposal pending and the plannings untouched.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>

#include "core/worker_pool.hpp"
#include "store/store.hpp"

namespace planetude {

class ProposalService {
 public:
  ProposalService(store::Database& db, WorkerPool& db_pool) : db_(db), db_pool_(db_pool) {}

  // {proposal, planning}: 404 for an unknown or someone else's proposal (or a planning or session
  // that no longer exists), 409 proposal_not_pending, 400 with the broken rule's code.
  boost::asio::awaitable<boost::json::object> apply(store::UserRecord user, std::string id);
  // {proposal}: 404, or 409 proposal_not_pending.
  boost::asio::awaitable<boost::json::object> dismiss(std::string user_id, std::string id);

 private:
  store::Database& db_;
  WorkerPool& db_pool_;
};

}  // namespace planetude
