#include "services/coach/coach_context.hpp"

#include <boost/json.hpp>

#include "core/datetime.hpp"
#include "models/progress.hpp"
#include "services/progress/rest_day_service.hpp"

namespace planetude {

namespace {
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::size_t kUpcoming = 3;
constexpr std::size_t kRecentMessages = 10;
constexpr std::size_t kPlanSessions = 30;

CoachSession to_coach(const store::SessionRecord& s) { return {s.matiere, s.debut, s.fin, s.statut, s.id}; }
}  // namespace

CoachContext build_coach_context(store::Repos& repos, const store::UserRecord& user, std::int64_t now_ms) {
  CoachContext c;
  c.name = user.name;
  c.timezone = user.timezone;
  c.now_ms = now_ms;
  c.subjects = user.matieres;

  for (const auto& p : repos.plannings().sessions_ending_after(user.id, now_ms - 7 * kDayMs)) {
    const auto& s = p.sessions.front();
    if (s.debut <= now_ms && now_ms < s.fin && s.statut != "termine") c.current = to_coach(s);
    else if (s.debut > now_ms && s.statut == "planifie" && c.upcoming.size() < kUpcoming)
      c.upcoming.push_back(to_coach(s));
    else if (s.fin <= now_ms && (s.statut == "planifie" || s.statut == "rate")) c.missed.push_back(to_coach(s));
    if (s.fin > now_ms && s.debut < now_ms + 14 * kDayMs && s.statut == "planifie" && c.plan.size() < kPlanSessions)
      c.plan.push_back(to_coach(s));
  }

  const date::time_zone* tz = datetime::zone(user.timezone);
  auto today = datetime::local_day(now_ms, tz);
  std::string from = datetime::format_date(datetime::add_days(today, -6));
  std::string to = datetime::format_date(today);
  auto entries = repos.progress().list(user.id, from, to);
  for (const auto& e : entries) {
    c.minutes_last_7_days += e.temps_etudie;
    c.sessions_last_7_days += e.sessions_completees;
    if (e.matiere) c.minutes_by_subject[*e.matiere] += e.temps_etudie;
  }
  auto summary =
      models::progress_summary(entries, repos.progress().active_days(user.id), rest_dates(repos, user.id), to);
  for (auto& day : repos.rest_days().list(user.id, to, datetime::format_date(datetime::add_days(today, 14))))
    c.rest_days.push_back(std::move(day));
  c.current_streak = static_cast<int>(summary.at("serieActuelle").as_int64());
  c.best_streak = static_cast<int>(summary.at("meilleureSerie").as_int64());

  auto recent = repos.chat().newest(user.id, std::nullopt, kRecentMessages);
  c.recent_messages.assign(recent.rbegin(), recent.rend());
  return c;
}

std::string french_when(std::int64_t ms, std::int64_t now_ms, const std::string& timezone) {
  static const char* kDays[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
  static const char* kMonths[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                  "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  const date::time_zone* tz = datetime::zone(timezone);
  auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  auto day = date::floor<date::days>(local);
  auto today = datetime::local_day(now_ms, tz);
  date::year_month_day ymd(day);
  std::string when;
  if (ymd == today) when = "aujourd'hui";
  else if (ymd == datetime::add_days(today, 1)) when = "demain";
  else if (ymd == datetime::add_days(today, -1)) when = "hier";
  else
    when = std::string(kDays[date::weekday(day).c_encoding()]) + " " +
           std::to_string(static_cast<unsigned>(ymd.day())) + " " + kMonths[static_cast<unsigned>(ymd.month()) - 1];
  return when + " à " + french_clock(ms, timezone);
}

std::string french_clock(std::int64_t ms, const std::string& timezone) {
  auto local =
      datetime::zone(timezone)->to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
  date::hh_mm_ss<std::chrono::minutes> hm(date::floor<std::chrono::minutes>(local - date::floor<date::days>(local)));
  char text[16];
  std::snprintf(text, sizeof text, "%dh%02d", static_cast<int>(hm.hours().count()),
                static_cast<int>(hm.minutes().count()));
  return text;
}

}  // namespace planetude
