// The AI-mode body of POST /api/planning (docs/api.md): what the student asks
// the coach to plan. Validated strictly, like every other input.
#pragma once
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/datetime.hpp"

namespace planetude::models {

struct AvailabilityInput {
  int jour = 0;          // 0 = lundi … 6 = dimanche
  int debut_minute = 0;  // local minutes since midnight
  int fin_minute = 0;    // "24:00" is 1440
};

struct ExamInput {
  std::string matiere;
  datetime::Millis at = 0;  // a date means midnight in the user's zone
};

struct AiPlanningInput {
  std::optional<std::string> titre;
  datetime::Period periode = datetime::Period::semaine;
  datetime::Millis date_debut = 0;
  std::vector<std::string> matieres;  // never empty: the body's, else the user's preferences
  std::optional<std::string> objectif;
  int minutes_par_jour = 120;
  std::vector<AvailabilityInput> disponibilites;  // empty: the scheduler's default windows
  std::vector<ExamInput> examens;
};

constexpr int kDefaultMinutesPerDay = 120;

// True when the body asks for AI mode ({"mode": "ai"}).
bool is_ai_mode(const boost::json::value& body);

// Reads the AI-mode body. `default_matieres` (the user's preferences) stand in when the body has
// none; with neither, 400 on `matieres`. Exam subjects join `matieres`. Throws 400
// validation_failed listing every problem.
AiPlanningInput parse_ai_planning_input(const boost::json::value& body, const date::time_zone* tz,
                                        const std::vector<std::string>& default_matieres);

// "HH:MM" (00:00–24:00) as minutes since midnight; nullopt when malformed.
std::optional<int> parse_clock(std::string_view text);

}  // namespace planetude::models
