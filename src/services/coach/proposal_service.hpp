// Applying or dismissing the coach's proposals. Applying checks the change against the planning
// rules as they stand at that moment and makes it, with the proposal's new status, in one
// transaction: a refused change leaves the proposal pending and the plannings untouched.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <string>

#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

struct AppliedProposal {
  store::ProposalRecord proposal;
  store::PlanningRecord planning;  // as the change left it
};

class ProposalService {
 public:
  ProposalService(store::AsyncDatabase& db) : db_(db) {}

  // 404 for an unknown or someone else's proposal (or a planning or session
  // that no longer exists), 409 proposal_not_pending, 400 with the broken rule's code.
  boost::asio::awaitable<AppliedProposal> apply(store::UserRecord user, std::string id);
  // 404, or 409 proposal_not_pending.
  boost::asio::awaitable<store::ProposalRecord> dismiss(std::string user_id, std::string id);

 private:
  store::AsyncDatabase& db_;
};

}  // namespace planetude
