// An AI planner's answer (services/planning/plan_from_ai: repair_ai_plan) on arbitrary text, for a
// fixed week's request; the first byte says whether the student gave availability windows and
// picks the zone (UTC or Europe/Paris). What survives the repair is stored as a planning, so
// beyond not crashing it must obey the rules a manual planning obeys (docs/api.md):
// - at most 1000 sessions, sorted, not overlapping each other nor the busy intervals, inside the
//   period, 15 minutes to 12 hours long, each on one of the requested subjects;
// - inside an availability window when windows were given (checked here in UTC, where local time
//   is plain arithmetic);
// - a title of 1 to 200 characters and notes of at most 2000, trimmed and without control
//   characters (new lines and tabs allowed in notes), as the manual validators require.
#include <date/tz.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/datetime.hpp"
#include "services/planning/plan_from_ai.hpp"
#include "support/fuzz_support.hpp"

using planetude::fuzz::is_clean_text;
using planetude::fuzz::require;

namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;
constexpr std::int64_t kMonday = 1741564800000;  // 2025-03-10T00:00:00Z, a Monday

planetude::scheduler::Request week(const date::time_zone* tz) {
  planetude::scheduler::Request r;
  r.tz = tz;
  r.period_start = kMonday;
  r.period_end = kMonday + 7 * kDay;
  r.subjects = {"Maths", "Physique", "Éco"};
  r.availability = {{0, 9 * 60, 12 * 60}, {2, 14 * 60, 19 * 60}, {5, 0, 1440}};
  r.busy = {{kMonday + 10 * 60 * kMinute, kMonday + 11 * 60 * kMinute}};
  return r;
}

// In UTC: a session inside a window lies within one day, on the window's weekday and hours.
bool inside_a_utc_window(const planetude::scheduler::Session& s, const planetude::scheduler::Request& r) {
  const std::int64_t day = (s.debut - kMonday) / kDay;  // 0 = Monday; the period starts on one
  const std::int64_t start = kMonday + day * kDay;
  return std::any_of(r.availability.begin(), r.availability.end(), [&](const auto& w) {
    return w.weekday == day % 7 && s.debut >= start + w.start_minute * kMinute &&
           s.fin <= start + w.end_minute * kMinute;
  });
}

void check(const planetude::RepairedPlan& plan, const planetude::scheduler::Request& r, bool windows_given, bool utc) {
  require(plan.sessions.size() <= 1000, "at most 1000 sessions survive");
  require(plan.sessions.size() <= plan.proposed, "no session is invented");
  if (plan.titre) require(is_clean_text(*plan.titre, 1, 200, false), "a title is clean text of 1 to 200 characters");
  for (std::size_t i = 0; i < plan.sessions.size(); ++i) {
    const auto& s = plan.sessions[i];
    require(std::find(r.subjects.begin(), r.subjects.end(), s.matiere) != r.subjects.end(),
            "a session is on a requested subject");
    require(s.debut >= r.period_start && s.fin <= r.period_end, "a session lies inside the period");
    require(s.fin - s.debut >= 15 * kMinute && s.fin - s.debut <= 12 * 60 * kMinute, "a session lasts 15 min to 12 h");
    require(is_clean_text(s.notes, 0, 2000, true), "notes are clean text of at most 2000 characters");
    for (const auto& b : r.busy) require(s.fin <= b.debut || b.fin <= s.debut, "a session keeps clear of busy time");
    if (i > 0) require(plan.sessions[i - 1].fin <= s.debut, "sessions are sorted and do not overlap");
    if (windows_given && utc) require(inside_a_utc_window(s, r), "a session lies inside a window");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const bool windows_given = (data[0] & 1) != 0;
  const bool utc = (data[0] & 2) == 0;
  const auto request = week(planetude::datetime::zone(utc ? "UTC" : "Europe/Paris"));
  const std::string_view answer(reinterpret_cast<const char*>(data + 1), size - 1);
  if (auto plan = planetude::repair_ai_plan(answer, request, windows_given)) check(*plan, request, windows_given, utc);
  return 0;
}
