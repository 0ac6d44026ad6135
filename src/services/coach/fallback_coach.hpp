// The built-in coach: PixelCoach without any network. It answers in French from the student's own
// data (what is next on the plan, time studied this week, the streak, what to do about missed
// sessions), with the same cheerful retro-pixel persona. A fresh install uses it, and it answers
// whenever an AI provider fails.
#pragma once
#include <string>
#include <string_view>

#include "services/coach/coach_context.hpp"

namespace planetude {

enum class CoachIntent { greeting, next_session, progress, streak, missed, motivation, help, overview };

// Lower-case ASCII, with the accented letters of French folded to their base letter ("Décale" → "decale").
std::string fold(std::string_view text);

// What the message asks for, from French keywords (accents and case ignored).
CoachIntent detect_intent(std::string_view message);

std::string fallback_reply(const CoachContext& context, std::string_view message);

}  // namespace planetude
