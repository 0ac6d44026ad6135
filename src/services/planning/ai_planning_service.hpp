// AI-mode plannings (POST /api/planning with "mode": "ai"): the provider is asked for a plan with
// structured output; its answer is repaired against the planning rules; when the provider is
// unavailable, fails, or too little of its plan survives, the built-in scheduler plans instead
// (`source: "fallback"`). Either way the planning obeys every rule.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "models/ai_planning.hpp"
#include "models/planning.hpp"
#include "services/ai/ai_gateway.hpp"
#include "services/planning/scheduler.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

// What a new plan over [start, end) must keep clear of: the user's sessions and timetable events
// that meet it, and their days off (whole local days in `tz`).
std::vector<scheduler::Interval> busy_intervals(store::Repos& repos, const std::string& user_id, std::int64_t start,
                                                std::int64_t end, const date::time_zone* tz);

// The scheduler's request for an AI-mode input: the period in the user's zone, their subjects,
// windows and exams. Nothing is placed before `now` unless the whole period is already past.
scheduler::Request scheduler_request(const models::AiPlanningInput& input, const store::UserRecord& user,
                                     std::vector<scheduler::Interval> busy, std::int64_t now_ms);

// The manual-planning input holding these sessions (what new_planning() checks and stores).
models::PlanningInput planning_input(const models::AiPlanningInput& input,
                                     const std::vector<scheduler::Session>& sessions, std::optional<std::string> titre);

class AiPlanningService {
 public:
  AiPlanningService(store::AsyncDatabase& db, AiGateway& ai) : db_(db), ai_(ai) {}

  boost::asio::awaitable<store::PlanningRecord> create(store::UserRecord user, models::AiPlanningInput input);

 private:
  store::AsyncDatabase& db_;
  AiGateway& ai_;
};

}  // namespace planetude
