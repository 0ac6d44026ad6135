// The built-in coach's proposals: the changes it recognises in a French message ("décale les maths
// à demain", "supprime la session de physique", "fais-moi un planning pour la semaine"), expressed
// as the same function calls an AI provider makes, so one path turns both into proposals.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "llm/types.hpp"
#include "store/store.hpp"

namespace planetude {

struct ChangeIntent {
  std::optional<llm::ToolCall> call;
  // French, for the student, when the request was understood but cannot become a proposal.
  std::string explanation;
};

// nullopt when the message asks for no change. Reads the user's sessions in the caller's transaction.
std::optional<ChangeIntent> change_intent(std::string_view message, const store::UserRecord& user, store::Repos& repos,
                                          std::int64_t now_ms);

}  // namespace planetude
