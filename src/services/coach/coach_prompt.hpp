// The prompt PixelCoach sends an AI provider: the persona, a compact summary of the student's plan
// and progress, the client's `context` as quoted data behind a clear boundary, and the recent
// conversation. Bounded in size.
#pragma once
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "llm/types.hpp"
#include "services/coach/coach_context.hpp"

namespace planetude {

llm::Prompt build_coach_prompt(const CoachContext& context, const std::string& message,
                               const std::optional<boost::json::object>& client_context);

}  // namespace planetude
