#include "services/coach/fallback_coach.hpp"

#include <algorithm>
#include <array>

#include "core/datetime.hpp"

namespace planetude {

// Lower-case ASCII, with the accented letters of French folded to their base letter.
std::string fold(std::string_view text) {
  static const std::array<std::pair<std::string_view, char>, 16> kAccents{{
      {"à", 'a'},
      {"â", 'a'},
      {"ä", 'a'},
      {"é", 'e'},
      {"è", 'e'},
      {"ê", 'e'},
      {"ë", 'e'},
      {"î", 'i'},
      {"ï", 'i'},
      {"ô", 'o'},
      {"ö", 'o'},
      {"ù", 'u'},
      {"û", 'u'},
      {"ü", 'u'},
      {"ç", 'c'},
      {"’", '\''},
  }};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool matched = false;
    for (const auto& [accent, base] : kAccents) {
      if (text.substr(i, accent.size()) == accent) {
        out += base;
        i += accent.size();
        matched = true;
        break;
      }
    }
    if (matched) continue;
    char c = text[i++];
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

namespace {

bool has_any(const std::string& text, std::initializer_list<std::string_view> words) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return text.find(w) != std::string::npos; });
}

std::string minutes_text(int minutes) {
  if (minutes < 60) return std::to_string(minutes) + " min";
  int h = minutes / 60, m = minutes % 60;
  return std::to_string(h) + " h" + (m ? " " + (m < 10 ? "0" + std::to_string(m) : std::to_string(m)) : "");
}

std::string first_name(const CoachContext& c) {
  auto space = c.name.find(' ');
  return space == std::string::npos ? c.name : c.name.substr(0, space);
}

std::string next_session_text(const CoachContext& c) {
  if (c.current)
    return "🕹️ Tu es en pleine session de " + c.current->matiere + " (jusqu'à " +
           french_clock(c.current->fin, c.timezone) + ") : concentre-toi, je garde la partie au chaud !";
  if (c.upcoming.empty())
    return "📅 Rien de prévu pour l'instant dans ton planning. Crée une session, même courte : 25 minutes suffisent "
           "pour "
           "lancer la partie !";
  const auto& n = c.upcoming.front();
  std::string text = "📅 Prochaine mission : " + n.matiere + ", " + french_when(n.debut, c.now_ms, c.timezone) + " (" +
                     minutes_text(static_cast<int>((n.fin - n.debut) / 60000)) + ").";
  if (c.upcoming.size() > 1) {
    text += " Ensuite : ";
    for (std::size_t i = 1; i < c.upcoming.size(); ++i) {
      if (i > 1) text += ", ";
      text += c.upcoming[i].matiere + " " + french_when(c.upcoming[i].debut, c.now_ms, c.timezone);
    }
    text += ".";
  }
  return text;
}

std::string progress_text(const CoachContext& c) {
  if (c.minutes_last_7_days == 0)
    return "📊 Pas encore de temps d'étude enregistré ces 7 derniers jours. Chaque minute compte : note ta prochaine "
           "session et regarde ta barre d'XP monter !";
  std::string text = "📊 Ces 7 derniers jours : " + minutes_text(c.minutes_last_7_days) + " d'étude";
  if (c.sessions_last_7_days > 0) text += " et " + std::to_string(c.sessions_last_7_days) + " session(s) terminée(s)";
  text += ".";
  if (!c.minutes_by_subject.empty()) {
    auto top = std::max_element(c.minutes_by_subject.begin(), c.minutes_by_subject.end(),
                                [](const auto& a, const auto& b) { return a.second < b.second; });
    text += " Ta matière la plus travaillée : " + top->first + " (" + minutes_text(top->second) + ").";
  }
  return text;
}

// The rest day of today, when the student chose one.
const store::RestDayRecord* rest_today(const CoachContext& c) {
  if (c.rest_days.empty()) return nullptr;
  std::string today = datetime::format_date(datetime::local_day(c.now_ms, datetime::zone(c.timezone)));
  return c.rest_days.front().date == today ? &c.rest_days.front() : nullptr;
}

std::string streak_text(const CoachContext& c) {
  if (const auto* rest = rest_today(c))
    return rest->kind == "jour_off" ? "🛡️ Aujourd'hui c'est ton jour off : repose-toi, ta série de " +
                                          std::to_string(c.current_streak) + " jour(s) est protégée."
                                    : "🛡️ Semaine de partiels : ta série de " + std::to_string(c.current_streak) +
                                          " jour(s) est en pause, concentre-toi sur tes examens. Courage !";
  if (c.current_streak == 0)
    return "🔥 Pas de série en cours… pour l'instant ! Une session aujourd'hui et le compteur repart." +
           (c.best_streak > 1 ? " Ton record : " + std::to_string(c.best_streak) + " jours, tu peux le battre !"
                              : std::string());
  std::string text = "🔥 Série en cours : " + std::to_string(c.current_streak) + " jour" +
                     (c.current_streak > 1 ? "s" : "") + " d'affilée !";
  if (c.current_streak >= c.best_streak && c.best_streak > 1) text += " C'est ton record, niveau débloqué ⭐";
  else if (c.best_streak > c.current_streak) text += " Ton record est de " + std::to_string(c.best_streak) + " jours.";
  return text;
}

std::string missed_text(const CoachContext& c) {
  if (c.missed.empty()) return "✅ Aucune session manquée ces 7 derniers jours. Impeccable, continue comme ça !";
  std::string text = "⏪ " + std::to_string(c.missed.size()) + " session(s) non faite(s) ces 7 derniers jours";
  text +=
      " (dont " + c.missed.front().matiere + ", " + french_when(c.missed.front().debut, c.now_ms, c.timezone) + ").";
  text +=
      " Pas de panique : replace-les dans un créneau libre cette semaine, en commençant par la plus importante, et "
      "découpe-les en blocs de 25 minutes si c'est plus facile.";
  return text;
}

const char* kEncouragements[] = {
    "Tu gères, continue comme ça ! 💪",
    "Une session à la fois, et le boss final ne fera pas le poids ! 👾",
    "Chaque minute d'étude, c'est de l'XP en plus. 🎮",
    "Je crois en toi, on avance ensemble ! ⭐",
};

}  // namespace

CoachIntent detect_intent(std::string_view message) {
  std::string t = fold(message);
  if (has_any(t, {"rate", "manque", "retard", "pas fait", "oublie", "rattrap", "loupe", "saute"}))
    return CoachIntent::missed;
  if (has_any(t, {"serie", "streak", "d'affilee", "daffilee", "jours de suite"})) return CoachIntent::streak;
  if (has_any(t, {"combien", "temps", "progres", "bilan", "stat", "resume", "avancement"}))
    return CoachIntent::progress;
  if (has_any(t, {"prochain", "programme", "aujourd'hui", "demain", "planning", "quoi faire", "que faire", "agenda",
                  "session", "quand"}))
    return CoachIntent::next_session;
  if (has_any(t, {"motiv", "fatigue", "stress", "flemme", "decourag", "peur", "angoiss", "nul", "j'y arrive pas",
                  "pas envie", "examen", "partiel"}))
    return CoachIntent::motivation;
  if (has_any(t, {"aide", "help", "comment tu", "que sais-tu", "tu peux"})) return CoachIntent::help;
  if (has_any(t, {"bonjour", "salut", "coucou", "hello", "bonsoir"})) return CoachIntent::greeting;
  return CoachIntent::overview;
}

std::string fallback_reply(const CoachContext& c, std::string_view message) {
  std::string name = first_name(c);
  const char* cheer = kEncouragements[(c.now_ms / 60000) % (sizeof kEncouragements / sizeof *kEncouragements)];
  switch (detect_intent(message)) {
    case CoachIntent::greeting:
      return "👾 Salut " + name + " ! Ici PixelCoach, prêt pour une nouvelle partie d'étude ? " + next_session_text(c) +
             " " + cheer;
    case CoachIntent::next_session: return next_session_text(c) + " " + cheer;
    case CoachIntent::progress: return progress_text(c) + " " + streak_text(c) + " " + cheer;
    case CoachIntent::streak: return streak_text(c) + " " + cheer;
    case CoachIntent::missed: return missed_text(c) + " " + cheer;
    case CoachIntent::motivation:
      return "💪 Courage " + name +
             " ! Quand c'est dur, on réduit la difficulté : 25 minutes de concentration, 5 minutes de "
             "pause, et on recommence (la technique Pomodoro). " +
             next_session_text(c) + " " + streak_text(c) + " Tu n'es pas seul·e dans cette quête ⭐";
    case CoachIntent::help:
      return std::string(
                 "🎮 Je suis PixelCoach ! Demande-moi ta prochaine session, ton bilan de la semaine, ta série de jours "
                 "d'étude, ou comment rattraper une session manquée. Je peux aussi te proposer un planning (« fais-moi "
                 "un "
                 "planning pour la semaine ») ou déplacer une session (« décale les maths à demain »). ") +
             cheer;
    case CoachIntent::overview: break;
  }
  return "👾 " + name + ", voici où tu en es. " + next_session_text(c) + " " + progress_text(c) + " " + streak_text(c) +
         (c.missed.empty() ? std::string() : " " + missed_text(c)) + " " + cheer;
}

}  // namespace planetude
