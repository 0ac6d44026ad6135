#include "services/planning/ai_planning_service.hpp"

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "observability/log.hpp"
#include "services/planning/plan_from_ai.hpp"
#include "services/planning/planning_ops.hpp"
#include "services/progress/rest_day_service.hpp"

namespace planetude {

namespace asio = boost::asio;

std::vector<scheduler::Interval> busy_intervals(store::Repos& repos, const std::string& user_id, std::int64_t start,
                                                std::int64_t end, const date::time_zone* tz) {
  std::vector<scheduler::Interval> busy;
  for (const auto& p : repos.plannings().sessions_ending_after(user_id, start + 1)) {
    const auto& s = p.sessions.front();
    if (s.debut < end) busy.push_back({s.debut, s.fin});
  }
  // Classes and other events of the imported timetable are busy time too.
  for (const auto& e : repos.timetable().events_between(user_id, start, end)) busy.push_back({e.debut, e.fin});
  // A day off is busy from its local midnight to the next (23 or 25 hours across a DST change).
  auto first = datetime::local_day(start, tz);
  auto last = datetime::local_day(end, tz);
  for (const auto& text : days_off(repos, user_id, datetime::format_date(first), datetime::format_date(last))) {
    auto day = *datetime::parse_date(text);
    busy.push_back({datetime::start_of_day(day, tz), datetime::start_of_day(datetime::add_days(day, 1), tz)});
  }
  return busy;
}

scheduler::Request scheduler_request(const models::AiPlanningInput& input, const store::UserRecord& user,
                                     std::vector<scheduler::Interval> busy, std::int64_t now_ms) {
  scheduler::Request r;
  r.tz = datetime::zone(user.timezone);
  r.period_start = input.date_debut;
  r.period_end = datetime::add_period(input.date_debut, input.periode, r.tz);
  r.subjects = input.matieres;
  r.minutes_per_day = input.minutes_par_jour;
  for (const auto& w : input.disponibilites) r.availability.push_back({w.jour, w.debut_minute, w.fin_minute});
  if (r.availability.empty()) r.availability = scheduler::default_availability();
  for (const auto& e : input.examens) r.exams.push_back({e.matiere, e.at});
  r.busy = std::move(busy);
  // A plan for the weeks ahead starts now; a period wholly past (an archive, a test) is planned whole.
  r.not_before = now_ms < r.period_end ? std::max(now_ms, r.period_start) : r.period_start;
  return r;
}

models::PlanningInput planning_input(const models::AiPlanningInput& input,
                                     const std::vector<scheduler::Session>& sessions,
                                     std::optional<std::string> titre) {
  models::PlanningInput p;
  if (input.titre) p.titre = input.titre;
  else p.titre = std::move(titre);
  p.periode = input.periode;
  p.date_debut = input.date_debut;
  for (const auto& s : sessions) {
    models::SessionInput in;
    in.matiere = s.matiere;
    in.debut = s.debut;
    in.fin = s.fin;
    if (!s.notes.empty()) in.notes = s.notes;
    p.sessions.push_back(std::move(in));
  }
  return p;
}

asio::awaitable<store::PlanningRecord> AiPlanningService::create(store::UserRecord user,
                                                                 models::AiPlanningInput input) {
  const std::int64_t now = clock::now_ms();
  const date::time_zone* tz = datetime::zone(user.timezone);
  const std::int64_t end = datetime::add_period(input.date_debut, input.periode, tz);
  auto busy = co_await db_.read([&](store::Repos& r) { return busy_intervals(r, user.id, input.date_debut, end, tz); });
  scheduler::Request request = scheduler_request(input, user, std::move(busy), now);

  std::optional<store::PlanningRecord> planning;
  std::string why_fallback = "no_provider";
  if (ai_.available()) {
    try {
      llm::Completion answer =
          co_await ai_.ask(build_plan_prompt(request, input, user.timezone), {}, nullptr, "planning");
      auto plan = repair_ai_plan(answer.text, request, !input.disponibilites.empty());
      if (plan && worth_keeping(*plan)) {
        planning = new_planning(user, planning_input(input, plan->sessions, plan->titre), "ai", now);
      } else {
        why_fallback = plan ? "too_few_valid_sessions" : "not_a_plan";
        log::warn("ai_plan_rejected", {{"user_id", user.id},
                                       {"reason", why_fallback},
                                       {"proposed", static_cast<std::uint64_t>(plan ? plan->proposed : 0)},
                                       {"kept", static_cast<std::uint64_t>(plan ? plan->sessions.size() : 0)}});
      }
    } catch (const llm::ProviderFailure& f) {
      why_fallback = llm::failure_label(f.kind());
    } catch (const RuleBroken& e) {
      why_fallback = e.code();  // repaired sessions still broke a rule: never store them
    }
  }
  if (!planning)
    planning = new_planning(user, planning_input(input, scheduler::schedule(request), std::nullopt), "fallback", now);
  log::info("planning_generated", {{"user_id", user.id},
                                   {"source", planning->source},
                                   {"sessions", static_cast<std::uint64_t>(planning->sessions.size())},
                                   {"fallback_reason", planning->source == "ai" ? "none" : why_fallback}});
  co_await db_.write([&](store::Repos& r) { r.plannings().insert(*planning); });
  co_return std::move(*planning);
}

}  // namespace planetude
