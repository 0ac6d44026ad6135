#include "models/progress.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <map>

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/json_input.hpp"
#include "models/json_text.hpp"

namespace planetude::models {

namespace json = boost::json;
using json_input::ObjectReader;
using json_input::Problems;
using json_input::StringRule;

namespace {
const StringRule kNotes{0, 2000, true, true};
}

ProgressInput parse_progress_input(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  ProgressInput in;
  // Either id, present and not null, makes this the linked form (null is the same as absent).
  auto given = [&](const char* key) {
    return body.is_object() && body.get_object().contains(key) && !body.at(key).is_null();
  };
  if (given("planningId") || given("sessionId")) {
    LinkedProgressInput linked;
    const json::value* planning = r.field("planningId");
    const json::value* session = r.field("sessionId");
    if (!planning) problems.add("planningId", "est obligatoire avec sessionId");
    if (!session) problems.add("sessionId", "est obligatoire avec planningId");
    auto minutes = r.integer("tempsEtudie", 1, 1440, false);
    auto notes = r.string("notes", kNotes, false);
    r.reject_unknown();
    problems.throw_if_any();
    // An id that cannot name anything is "not found", as docs/api.md asks.
    if (!planning->is_string() || !ids::is_valid(planning->get_string()) || !session->is_string() ||
        !ids::is_valid(session->get_string()))
      throw errors::not_found();
    linked.planning_id = std::string(planning->get_string());
    linked.session_id = std::string(session->get_string());
    if (minutes) linked.temps_etudie = static_cast<int>(*minutes);
    if (notes) linked.notes = *notes;
    in.linked = std::move(linked);
    return in;
  }
  FreeProgressInput free;
  (void)r.field("planningId");  // present only as null here: the same as absent
  (void)r.field("sessionId");
  if (auto date = r.string("date", StringRule{1, 10, true, false}, false)) {
    if (datetime::parse_date(*date)) free.date = *date;
    else problems.add("date", "doit être une date réelle au format AAAA-MM-JJ");
  }
  if (auto n = r.integer("sessionsCompletees", 0, 100, false)) free.sessions_completees = static_cast<int>(*n);
  if (auto m = r.integer("tempsEtudie", 1, 1440, true)) free.temps_etudie = static_cast<int>(*m);
  if (auto notes = r.string("notes", kNotes, false)) free.notes = *notes;
  free.matiere = r.string("matiere", StringRule{1, 100, true, false}, false);
  r.reject_unknown();
  problems.throw_if_any();
  in.free = std::move(free);
  return in;
}

void write_json(JsonWriter& w, const store::ProgressRecord& e) {
  w.begin_object();
  w.field("_id", e.id);
  w.field("userId", e.user_id);
  w.field("date", e.date);
  w.field("sessionsCompletees", std::int64_t{e.sessions_completees});
  w.field("tempsEtudie", std::int64_t{e.temps_etudie});
  w.field("notes", e.notes);
  if (e.matiere) w.field("matiere", *e.matiere);
  if (e.planning_id) w.field("planningId", *e.planning_id);
  if (e.session_id) w.field("sessionId", *e.session_id);
  w.field("createdAt", clock::rfc3339(e.created_at).view());
  w.end_object();
}

json::object to_json(const store::ProgressRecord& e) { return json_object(e); }

Streaks streaks(const std::vector<std::string>& active_days, const std::vector<std::string>& rest_days,
                const std::string& today) {
  // Days are local dates already, so DST cannot shorten or lengthen them.
  std::vector<date::sys_days> rest;
  for (const auto& text : rest_days)
    if (auto day = datetime::parse_date(text)) rest.push_back(date::sys_days(*day));
  std::sort(rest.begin(), rest.end());
  auto is_rest = [&](date::sys_days d) { return std::binary_search(rest.begin(), rest.end(), d); };
  // True when every day strictly between a and b is a rest day (a < b).
  auto only_rest_between = [&](date::sys_days a, date::sys_days b) {
    auto first = std::upper_bound(rest.begin(), rest.end(), a);
    auto last = std::lower_bound(rest.begin(), rest.end(), b);
    return (last - first) == (b - a).count() - 1;
  };

  Streaks out;
  int run = 0, run_to_today = 0;
  std::optional<date::sys_days> previous, last_until_today;
  auto today_parsed = datetime::parse_date(today);
  std::optional<date::sys_days> today_day;
  if (today_parsed) today_day = date::sys_days(*today_parsed);
  for (const auto& text : active_days) {
    auto parsed = datetime::parse_date(text);
    if (!parsed) continue;
    date::sys_days day(*parsed);
    if (is_rest(day)) continue;
    run = (previous && only_rest_between(*previous, day)) ? run + 1 : 1;
    out.best = std::max(out.best, run);
    previous = day;
    if (today_day && day <= *today_day) {
      run_to_today = run;
      last_until_today = day;
    }
  }
  // Still current when nothing but rest days lies between the run's last day and today (today
  // itself may not be studied yet).
  if (last_until_today && today_day &&
      (*last_until_today == *today_day || only_rest_between(*last_until_today, *today_day)))
    out.current = run_to_today;
  return out;
}

json::object progress_summary(const std::vector<store::ProgressRecord>& entries,
                              const std::vector<std::string>& active_days, const std::vector<std::string>& rest_days,
                              const std::string& today) {
  struct Totals {
    std::int64_t minutes = 0;
    std::int64_t sessions = 0;
  };
  Totals all;
  std::map<std::string, Totals> by_day;
  std::map<std::string, Totals> by_subject;
  for (const auto& e : entries) {
    all.minutes += e.temps_etudie;
    all.sessions += e.sessions_completees;
    by_day[e.date].minutes += e.temps_etudie;
    by_day[e.date].sessions += e.sessions_completees;
    if (e.matiere) {
      by_subject[*e.matiere].minutes += e.temps_etudie;
      by_subject[*e.matiere].sessions += e.sessions_completees;
    }
  }
  json::array per_day;
  for (const auto& [day, t] : by_day)
    per_day.push_back(json::object{{"date", day}, {"tempsEtudie", t.minutes}, {"sessionsCompletees", t.sessions}});
  std::vector<std::pair<std::string, Totals>> subjects(by_subject.begin(), by_subject.end());
  std::stable_sort(subjects.begin(), subjects.end(),
                   [](const auto& a, const auto& b) { return a.second.minutes > b.second.minutes; });
  json::array per_subject;
  for (const auto& [subject, t] : subjects)
    per_subject.push_back(
        json::object{{"matiere", subject}, {"tempsEtudie", t.minutes}, {"sessionsCompletees", t.sessions}});

  Streaks s = streaks(active_days, rest_days, today);
  return json::object{{"tempsEtudie", all.minutes},    {"sessionsCompletees", all.sessions},
                      {"serieActuelle", s.current},    {"meilleureSerie", s.best},
                      {"parJour", std::move(per_day)}, {"parMatiere", std::move(per_subject)}};
}

}  // namespace planetude::models
