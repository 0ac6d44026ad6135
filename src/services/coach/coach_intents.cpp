#include "services/coach/coach_intents.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "services/coach/fallback_coach.hpp"

namespace planetude {

namespace json = boost::json;

namespace {

bool has_any(const std::string& text, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

std::vector<std::string> words_of(const std::string& folded) {
  std::vector<std::string> words;
  std::string word;
  for (char c : folded) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// A subject is named when its folded name is in the message, or a word of 4+ letters starts it
// ("maths" names "Mathématiques", "philo" names "Philosophie").
bool names_subject(const std::string& folded, const std::vector<std::string>& words, const std::string& subject) {
  std::string s = fold(subject);
  if (s.empty()) return false;
  if (folded.find(s) != std::string::npos) return true;
  return std::any_of(words.begin(), words.end(), [&](std::string w) {
    if (w.size() > 4 && w.back() == 's') w.pop_back();
    return w.size() >= 4 && s.starts_with(w);
  });
}

std::vector<std::string> named_subjects(const std::string& folded, const std::vector<std::string>& candidates) {
  auto words = words_of(folded);
  std::vector<std::string> out;
  for (const auto& c : candidates)
    if (names_subject(folded, words, c) && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  return out;
}

// The day a move goes to, relative to `today`: nullopt when the message names none.
std::optional<date::year_month_day> target_day(const std::string& t, const date::year_month_day& today,
                                               const date::year_month_day& session_day) {
  if (has_any(t, {"apres-demain", "apres demain"})) return datetime::add_days(today, 2);
  if (t.find("demain") != std::string::npos) return datetime::add_days(today, 1);
  if (has_any(t, {"aujourd'hui", "aujourdhui", "ce soir", "cet apres-midi", "tout a l'heure"})) return today;
  if (t.find("semaine prochaine") != std::string::npos) return datetime::add_days(session_day, 7);
  static constexpr std::array<std::string_view, 7> kDays{"lundi",    "mardi",  "mercredi", "jeudi",
                                                         "vendredi", "samedi", "dimanche"};
  auto words = words_of(t);
  for (unsigned i = 0; i < kDays.size(); ++i) {
    if (std::find(words.begin(), words.end(), kDays[i]) == words.end()) continue;
    unsigned now_index = date::weekday(date::sys_days(today)).iso_encoding() - 1;
    int ahead = static_cast<int>((i + 7 - now_index) % 7);
    return datetime::add_days(today, ahead == 0 ? 7 : ahead);
  }
  return std::nullopt;
}

// "à 14h", "14h30", "14:30": minutes since midnight.
std::optional<int> target_clock(const std::string& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(t[i])) ||
        (i > 0 && std::isdigit(static_cast<unsigned char>(t[i - 1]))))
      continue;
    std::size_t j = i;
    int h = 0;
    while (j < t.size() && j - i < 2 && std::isdigit(static_cast<unsigned char>(t[j]))) h = h * 10 + (t[j++] - '0');
    if (j >= t.size() || (t[j] != 'h' && t[j] != ':') || h > 23) continue;
    ++j;
    int m = 0;
    if (j + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[j])) &&
        std::isdigit(static_cast<unsigned char>(t[j + 1])))
      m = (t[j] - '0') * 10 + (t[j + 1] - '0');
    if (m > 59) continue;
    return h * 60 + m;
  }
  return std::nullopt;
}

std::int64_t at_local(const date::year_month_day& day, int minute, const date::time_zone* tz) {
  using namespace std::chrono;
  auto local = date::local_time<milliseconds>(date::local_days(day)) + minutes(minute);
  return tz->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

int local_minute(std::int64_t ms, const date::time_zone* tz) {
  using namespace std::chrono;
  auto local = tz->to_local(date::sys_time<milliseconds>(milliseconds(ms)));
  return static_cast<int>(duration_cast<minutes>(local - date::floor<date::days>(local)).count());
}

ChangeIntent explain(std::string text) { return ChangeIntent{std::nullopt, std::move(text)}; }

ChangeIntent session_change(const std::string& t, bool remove, const std::vector<std::string>& subjects,
                            const std::vector<store::PlanningRecord>& upcoming, const date::time_zone* tz,
                            std::int64_t now) {
  const store::SessionRecord* session = nullptr;
  for (const auto& p : upcoming) {
    const auto& s = p.sessions.front();
    if (s.debut > now && s.statut == "planifie" &&
        std::find(subjects.begin(), subjects.end(), s.matiere) != subjects.end()) {
      session = &s;
      break;
    }
  }
  if (!session)
    return explain("🔍 Je n'ai trouvé aucune session de " + subjects.front() + " à venir dans ton planning.");
  if (remove) return ChangeIntent{llm::ToolCall{"delete_session", json::object{{"sessionId", session->id}}}, {}};

  auto today = datetime::local_day(now, tz);
  auto day = target_day(t, today, datetime::local_day(session->debut, tz));
  if (!day)
    return explain("📅 Dis-moi quand déplacer ta session de " + session->matiere +
                   " : « demain », « jeudi », « à 18h »…");
  std::int64_t debut = at_local(*day, target_clock(t).value_or(local_minute(session->debut, tz)), tz);
  return ChangeIntent{llm::ToolCall{"update_session",
                                    json::object{{"sessionId", session->id}, {"debut", clock::format_rfc3339(debut)}}},
                      {}};
}

ChangeIntent planning_request(const std::string& t, const std::vector<std::string>& named,
                              const std::vector<std::string>& known, const store::UserRecord& user,
                              const date::time_zone* tz, std::int64_t now) {
  const char* periode = "semaine";
  if (t.find("semestre") != std::string::npos) periode = "semestre";
  else if (t.find("mois") != std::string::npos) periode = "mois";
  else if (t.find("semaine") == std::string::npos &&
           has_any(t, {"journee", "aujourd'hui", "aujourdhui", "demain", "ce soir"}))
    periode = "jour";
  auto today = datetime::local_day(now, tz);
  bool from_today = has_any(t, {"aujourd'hui", "aujourdhui", "ce soir"});
  json::object args{{"periode", periode},
                    {"dateDebut", datetime::format_date(from_today ? today : datetime::add_days(today, 1))}};
  // The subjects named, else the preferences (read by the planner), else those of the plannings.
  const std::vector<std::string>& subjects = !named.empty() ? named : known;
  if (!named.empty() || user.matieres.empty()) {
    if (subjects.empty())
      return explain(
          "📚 Pour te préparer un planning, j'ai besoin de tes matières : ajoute-les dans tes préférences "
          "ou cite-les dans ton message (par exemple « un planning de maths et de physique »).");
    args["matieres"] = json::value_from(subjects);
  }
  return ChangeIntent{llm::ToolCall{"create_planning", std::move(args)}, {}};
}

}  // namespace

std::optional<ChangeIntent> change_intent(std::string_view message, const store::UserRecord& user, store::Repos& repos,
                                          std::int64_t now) {
  std::string t = fold(message);
  auto words = words_of(t);
  auto starts = [&](std::initializer_list<std::string_view> stems) {
    return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
      return std::any_of(stems.begin(), stems.end(), [&](std::string_view s) { return w.starts_with(s); });
    });
  };
  bool move = starts({"decal", "deplac", "report", "repouss", "bouge"});
  bool remove = starts({"supprim", "annul", "enleve", "retire", "efface"});
  // "un planning", not "mon planning": a question about the current plan is no request for a new one.
  bool plan =
      has_any(t, {"un planning", "nouveau planning", "un emploi du temps", "un programme", "un plan de revision"}) &&
      starts(
          {"fai", "cree", "prepar", "organis", "gener", "construi", "propos", "planifi", "veux", "voudrai", "besoin"});
  if (!move && !remove && !plan) return std::nullopt;

  const date::time_zone* tz = datetime::zone(user.timezone);
  auto upcoming = repos.plannings().sessions_ending_after(user.id, now);
  std::vector<std::string> known = user.matieres;
  for (const auto& p : upcoming)
    if (std::find(known.begin(), known.end(), p.sessions.front().matiere) == known.end())
      known.push_back(p.sessions.front().matiere);
  auto named = named_subjects(t, known);

  if ((move || remove) && !named.empty()) return session_change(t, remove && !move, named, upcoming, tz, now);
  if (plan) return planning_request(t, named, known, user, tz, now);
  return explain(std::string("🤔 Quelle session veux-tu ") + (move ? "déplacer" : "supprimer") +
                 " ? Cite sa matière, par exemple « " +
                 (move ? "décale les maths à demain" : "supprime la session de physique") + " ».");
}

}  // namespace planetude
