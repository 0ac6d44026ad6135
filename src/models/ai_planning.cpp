#include "models/ai_planning.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/json_input.hpp"

namespace planetude::models {

namespace json = boost::json;
using json_input::ObjectReader;
using json_input::Problems;
using json_input::StringRule;

namespace {

constexpr std::size_t kMaxSubjects = 50;
constexpr std::size_t kMaxWindows = 50;
constexpr std::size_t kMaxExams = 50;
const StringRule kMatiere{1, 100, true, false};

std::optional<datetime::Millis> read_date_or_datetime(ObjectReader& r, std::string_view key,
                                                      const date::time_zone* tz) {
  auto text = r.string(key, StringRule{1, 64, true, false}, true);
  if (!text) return std::nullopt;
  if (auto day = datetime::parse_date(*text)) return datetime::start_of_day(*day, tz);
  if (auto ms = datetime::parse_datetime(*text)) return *ms;
  r.problems().add(r.path(key), "doit être une date (AAAA-MM-JJ) ou une date-heure avec fuseau");
  return std::nullopt;
}

void read_windows(const json::value& list, const std::string& path, Problems& problems, AiPlanningInput& in) {
  if (!list.is_array()) return problems.add(path, "doit être une liste");
  if (list.get_array().size() > kMaxWindows) return problems.add(path, "ne doit pas contenir plus de 50 créneaux");
  for (std::size_t i = 0; i < list.get_array().size(); ++i) {
    ObjectReader w(list.get_array()[i], path + "[" + std::to_string(i) + "]", problems);
    auto jour = w.integer("jour", 0, 6, true);
    auto debut = w.string("debut", StringRule{1, 5, true, false}, true);
    auto fin = w.string("fin", StringRule{1, 5, true, false}, true);
    w.reject_unknown();
    // Minutes since midnight; -1 when absent or not a time.
    int start = debut ? parse_clock(*debut).value_or(-1) : -1;
    int end = fin ? parse_clock(*fin).value_or(-1) : -1;
    if (debut && (start < 0 || start == 1440))
      problems.add(w.path("debut"), "doit être une heure HH:MM, par exemple 09:30");
    if (fin && end < 0) problems.add(w.path("fin"), "doit être une heure HH:MM, par exemple 18:00 (24:00 pour minuit)");
    if (start >= 0 && end >= 0 && start < 1440 && end <= start) problems.add(w.path("fin"), "doit être après debut");
    if (jour && start >= 0 && end > start) in.disponibilites.push_back({static_cast<int>(*jour), start, end});
  }
}

void read_exams(const json::value& list, const std::string& path, Problems& problems, const date::time_zone* tz,
                AiPlanningInput& in) {
  if (!list.is_array()) return problems.add(path, "doit être une liste");
  if (list.get_array().size() > kMaxExams) return problems.add(path, "ne doit pas contenir plus de 50 examens");
  for (std::size_t i = 0; i < list.get_array().size(); ++i) {
    ObjectReader e(list.get_array()[i], path + "[" + std::to_string(i) + "]", problems);
    auto matiere = e.string("matiere", kMatiere, true);
    auto at = read_date_or_datetime(e, "date", tz);
    e.reject_unknown();
    if (matiere && at) in.examens.push_back({*matiere, *at});
  }
}

}  // namespace

std::optional<int> parse_clock(std::string_view t) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (t.size() != 5 || t[2] != ':' || !digit(t[0]) || !digit(t[1]) || !digit(t[3]) || !digit(t[4])) return std::nullopt;
  int h = (t[0] - '0') * 10 + (t[1] - '0');
  int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (h == 24 && m == 0) return 1440;
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

bool is_ai_mode(const json::value& body) {
  const json::object* o = body.if_object();
  const json::value* mode = o ? o->if_contains("mode") : nullptr;
  return mode && mode->is_string() && mode->get_string() == "ai";
}

AiPlanningInput parse_ai_planning_input(const json::value& body, const date::time_zone* tz,
                                        const std::vector<std::string>& default_matieres) {
  Problems problems;
  ObjectReader r(body, "", problems);
  AiPlanningInput in;
  (void)r.field("mode");  // "ai": is_ai_mode() chose this reader
  auto titre = r.string("titre", StringRule{0, 200, true, false}, false);
  if (titre && !titre->empty()) in.titre = titre;
  if (auto periode = r.string("periode", StringRule{1, 20, true, false}, true)) {
    if (auto p = datetime::parse_period(*periode)) in.periode = *p;
    else problems.add("periode", "doit valoir jour, semaine, mois ou semestre");
  }
  if (auto start = read_date_or_datetime(r, "dateDebut", tz)) in.date_debut = *start;
  auto matieres = r.string_set("matieres", kMaxSubjects, kMatiere, false);
  in.objectif = r.string("objectif", StringRule{0, 1000, true, true}, false);
  if (in.objectif && in.objectif->empty()) in.objectif.reset();
  in.minutes_par_jour = static_cast<int>(r.integer("minutesParJour", 15, 720, false).value_or(kDefaultMinutesPerDay));
  if (const json::value* windows = r.field("disponibilites")) read_windows(*windows, "disponibilites", problems, in);
  if (const json::value* exams = r.field("examens")) read_exams(*exams, "examens", problems, tz, in);
  r.reject_unknown();

  // An empty list asks for nothing in particular: the preferences stand in, as when it is absent.
  in.matieres = matieres && !matieres->empty() ? *matieres : default_matieres;
  for (const auto& exam : in.examens)
    if (std::find(in.matieres.begin(), in.matieres.end(), exam.matiere) == in.matieres.end())
      in.matieres.push_back(exam.matiere);
  if (in.matieres.empty())
    problems.add("matieres",
                 "est obligatoire : indiquez au moins une matière (ou renseignez-les dans vos préférences)");
  problems.throw_if_any();
  return in;
}

}  // namespace planetude::models
