// What PixelCoach knows of a student when it answers: their plan around now, the last 7 days of
// work, their streak, their subjects, and the recent conversation. Built from the student's own
// rows only, inside one read transaction.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/store.hpp"

namespace planetude {

struct CoachSession {
  std::string matiere;
  std::int64_t debut = 0;
  std::int64_t fin = 0;
  std::string statut;
  std::string id;  // the session's _id: what an AI's proposal refers to
};

struct CoachContext {
  std::string name;
  std::string timezone;
  std::int64_t now_ms = 0;
  std::vector<std::string> subjects;    // preferences.matieres
  std::optional<CoachSession> current;  // happening now
  std::vector<CoachSession> upcoming;   // the next few, soonest first
  std::vector<CoachSession> plan;       // planned sessions of the next 14 days (at most 30)
  std::vector<CoachSession> missed;     // last 7 days: ended, still "planifie", or "rate"
  int minutes_last_7_days = 0;
  int sessions_last_7_days = 0;
  std::map<std::string, int> minutes_by_subject;  // last 7 days
  int current_streak = 0;
  int best_streak = 0;
  std::vector<store::RestDayRecord> rest_days;            // from today to 14 days ahead
  std::vector<store::ChatMessageRecord> recent_messages;  // the last 10, oldest first
};

CoachContext build_coach_context(store::Repos& repos, const store::UserRecord& user, std::int64_t now_ms);

// "aujourd'hui à 14h00", "demain à 9h30", "lundi 25 novembre à 14h00", in the student's zone.
std::string french_when(std::int64_t ms, std::int64_t now_ms, const std::string& timezone);
// "14h00" in the student's zone.
std::string french_clock(std::int64_t ms, const std::string& timezone);

}  // namespace planetude
