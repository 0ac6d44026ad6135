// Planning writes that more than one service makes (the planning routes, applied proposals, AI
// plannings): each checks every planning rule, and the ones given Repos run inside the caller's
// transaction so that a broken rule leaves nothing half-written.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/planning.hpp"
#include "store/store.hpp"

namespace planetude {

// "sessions[0]", "sessions[1]"…: how rule errors name the sessions of a planning.
std::vector<std::string> session_paths(std::size_t count);
// By start; sessions that start together keep their order.
void sort_sessions(store::PlanningRecord& planning);

// A new planning from checked input: fresh ids, the period's end fixed in the user's zone, sessions
// sorted by start. Throws 400 session_outside_period / sessions_overlap. No I/O.
store::PlanningRecord new_planning(const store::UserRecord& user, const models::PlanningInput& input,
                                   std::string source, std::int64_t now_ms);

// Changes one session of the user's planning; 404 when either is absent; the planning after the
// change must obey every rule (the period stays as it was fixed).
store::PlanningRecord patch_session_in(store::Repos& repos, const std::string& user_id, const std::string& planning_id,
                                       const std::string& session_id, const models::SessionPatch& patch,
                                       std::int64_t now_ms);

// Removes one session of the user's planning (a progress entry linked to it stays, unlinked); 404
// when either is absent.
store::PlanningRecord delete_session_in(store::Repos& repos, const std::string& user_id, const std::string& planning_id,
                                        const std::string& session_id, std::int64_t now_ms);

}  // namespace planetude
