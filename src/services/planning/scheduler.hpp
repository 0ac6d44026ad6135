// The built-in scheduler: lays out study sessions over a planning's period from the student's
// subjects, daily time, weekly availability, exams and existing sessions. It answers AI-mode
// plannings when the AI cannot, and the built-in coach's planning proposals use it.
//
// Guarantees (checked by property tests): every session lies inside the period and inside an
// availability window, lasts 25 to 90 minutes, overlaps neither another planned session nor a
// `busy` interval, and starts at or after `not_before`; consecutive sessions of one day are
// separated by a break. Subjects are interleaved; a subject's share grows as its exam approaches,
// and no session of a subject is placed after its exam begins; a subject's first session is
// followed by spaced reviews about 1, 3 and 7 days later. Pure and deterministic: the same request
// always gives the same sessions, in start order.
#pragma once
#include <date/tz.h>

#include <cstdint>
#include <string>
#include <vector>

namespace planetude::scheduler {

// A weekly window in the student's local time: weekday 0 = lundi … 6 = dimanche; minutes since
// local midnight, 0 <= start_minute < end_minute <= 1440.
struct Availability {
  int weekday = 0;
  int start_minute = 0;
  int end_minute = 0;
};

struct Exam {
  std::string matiere;
  std::int64_t at = 0;  // ms since the epoch: when the exam begins
};

struct Interval {
  std::int64_t debut = 0;  // ms, inclusive
  std::int64_t fin = 0;    // ms, exclusive
};

struct Request {
  std::int64_t period_start = 0;           // ms, inclusive
  std::int64_t period_end = 0;             // ms, exclusive
  const date::time_zone* tz = nullptr;     // the student's zone: windows and days are local
  std::vector<std::string> subjects;       // distinct; an exam's subject missing here is added
  std::vector<double> weights;             // empty (all 1), or one weight > 0 per subject
  int minutes_per_day = 120;               // target study time per day, 15..720
  std::vector<Availability> availability;  // empty: default_availability()
  std::vector<Exam> exams;
  std::vector<Interval> busy;   // existing sessions to keep clear of
  std::int64_t not_before = 0;  // nothing starts earlier (e.g. now)
};

struct Session {
  std::string matiere;
  std::int64_t debut = 0;
  std::int64_t fin = 0;
  std::string notes;  // what the session is for, in French (e.g. « Révision J+3 »)
};

// The windows used when the student gave none.
std::vector<Availability> default_availability();

std::vector<Session> schedule(const Request& request);

}  // namespace planetude::scheduler
