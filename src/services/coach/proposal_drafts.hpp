// From what the coach wants to change (an AI's function call, or an intent the built-in coach
// recognised, in the same form) to concrete proposals: every date resolved, a create_planning laid
// out by the scheduler, and each one checked against the planning rules as they stand now. A call
// that cannot be applied is dropped, never shown to the student.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "llm/types.hpp"
#include "store/store.hpp"

namespace planetude {

// The functions the coach may call: create_planning, update_session, delete_session.
llm::ToolSet proposal_tools();

// Proposals for `calls`, pending, without their message id (the caller stores them with the coach
// message). `origin` is "ai" or "fallback". Runs inside the caller's read transaction.
std::vector<store::ProposalRecord> draft_proposals(store::Repos& repos, const store::UserRecord& user,
                                                   const std::vector<llm::ToolCall>& calls, const std::string& origin,
                                                   std::int64_t now_ms);

}  // namespace planetude
