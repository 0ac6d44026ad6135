// The AI's part of an AI-mode planning: the prompt and JSON schema that ask a provider for a plan
// (structured output), and the repair of its answer against the planning rules. What survives is
// safe to store; when too little survives, the caller falls back to the built-in scheduler.
#pragma once
#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/types.hpp"
#include "models/ai_planning.hpp"
#include "services/planning/scheduler.hpp"

namespace planetude {

// The JSON Schema (lower-case types, as OpenAI takes it; the Gemini wire converts it) of a plan:
// {"titre"?: string, "sessions": [{"matiere", "debut", "fin", "notes"?}]}.
boost::json::object plan_schema();

// The prompt for a plan: the rules, the student's request as quoted data, and their existing
// sessions; `timezone` is the IANA name the times are to be written in.
llm::Prompt build_plan_prompt(const scheduler::Request& request, const models::AiPlanningInput& input,
                              const std::string& timezone);

struct RepairedPlan {
  std::optional<std::string> titre;
  std::vector<scheduler::Session> sessions;  // sorted by start, every rule kept
  std::size_t proposed = 0;                  // sessions the AI sent
};

// Reads the AI's answer (a JSON object, possibly inside a ```json fence) and keeps what obeys the
// rules: known subjects only (matched without regard to case), date-times with offsets, 15 min to
// 12 h, clipped to the period, inside the availability windows when `windows_given`, clear of the
// busy intervals and of each other (the earlier session wins). nullopt when it is not a plan at all.
std::optional<RepairedPlan> repair_ai_plan(std::string_view answer, const scheduler::Request& request,
                                           bool windows_given);

// Whether enough of the AI's plan survived to keep it: at least one session, and at least half of
// what it proposed.
bool worth_keeping(const RepairedPlan& plan);

}  // namespace planetude
