#include "models/planning.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <numeric>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/json_input.hpp"
#include "models/json_text.hpp"

namespace planetude::models {

namespace json = boost::json;
using json_input::ObjectReader;
using json_input::Problems;
using json_input::StringRule;

namespace {

constexpr std::size_t kMaxSessions = 1000;
constexpr datetime::Millis kMaxSessionMs = 12LL * 3600 * 1000;
const StringRule kMatiere{1, 100, true, false};
const StringRule kNotes{0, 2000, true, true};
const StringRule kTitre{0, 200, true, false};

std::optional<datetime::Millis> read_datetime(ObjectReader& r, std::string_view key, bool required) {
  auto text = r.string(key, StringRule{1, 64, true, false}, required);
  if (!text) return std::nullopt;
  auto ms = datetime::parse_datetime(*text);
  if (!ms) r.problems().add(r.path(key), "doit être une date-heure avec fuseau, par exemple 2025-12-25T09:00:00Z");
  return ms;
}

std::optional<std::string> read_statut(ObjectReader& r) {
  auto statut = r.string("statut", StringRule{1, 20, true, false}, false);
  if (statut && !is_valid_statut(*statut)) {
    r.problems().add(r.path("statut"), "doit valoir planifie, en_cours, termine ou rate");
    return std::nullopt;
  }
  return statut;
}

// Checks debut < fin and the 12-hour bound for one session.
void check_duration(datetime::Millis debut, datetime::Millis fin, const std::string& path, Problems& problems) {
  if (fin <= debut) problems.add(path + ".fin", "doit être après debut");
  else if (fin - debut > kMaxSessionMs) problems.add(path + ".fin", "une session dure au plus 12 heures");
}

}  // namespace

bool is_valid_statut(std::string_view s) { return s == "planifie" || s == "en_cours" || s == "termine" || s == "rate"; }

PlanningInput parse_planning_input(const json::value& body, const date::time_zone* tz, bool for_put) {
  Problems problems;
  ObjectReader r(body, "", problems);
  PlanningInput in;
  if (auto mode = r.string("mode", StringRule{1, 20, true, false}, false); mode && *mode != "manual")
    problems.add("mode", "doit valoir « manual » pour une saisie manuelle");
  auto titre = r.string("titre", kTitre, false);
  if (titre && !titre->empty()) in.titre = titre;
  auto periode = r.string("periode", StringRule{1, 20, true, false}, true);
  if (periode) {
    if (auto p = datetime::parse_period(*periode)) in.periode = *p;
    else problems.add("periode", "doit valoir jour, semaine, mois ou semestre");
  }
  if (auto debut = r.string("dateDebut", StringRule{1, 64, true, false}, true)) {
    if (auto day = datetime::parse_date(*debut)) in.date_debut = datetime::start_of_day(*day, tz);
    else if (auto ms = datetime::parse_datetime(*debut)) in.date_debut = *ms;
    else problems.add("dateDebut", "doit être une date (AAAA-MM-JJ) ou une date-heure avec fuseau");
  }
  const json::value* sessions = r.field("sessions");
  if (!sessions) {
    problems.add("sessions", "est obligatoire");
  } else if (!sessions->is_array()) {
    problems.add("sessions", "doit être une liste");
  } else if (sessions->get_array().size() > kMaxSessions) {
    problems.add("sessions", "ne doit pas contenir plus de 1000 sessions");
  } else {
    const auto& list = sessions->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string path = "sessions[" + std::to_string(i) + "]";
      ObjectReader s(list[i], path, problems);
      SessionInput session;
      if (for_put) {
        if (const json::value* id = s.field("_id")) {
          if (!id->is_string()) problems.add(s.path("_id"), "doit être une chaîne de caractères");
          else session.id = std::string(id->get_string());
        }
      } else {
        (void)s.field("_id");  // POST ignores session ids
      }
      auto matiere = s.string("matiere", kMatiere, true);
      auto debut = read_datetime(s, "debut", true);
      auto fin = read_datetime(s, "fin", true);
      session.statut = read_statut(s);
      session.notes = s.string("notes", kNotes, false);
      s.reject_unknown();
      if (matiere) session.matiere = *matiere;
      if (debut && fin) {
        session.debut = *debut;
        session.fin = *fin;
        check_duration(*debut, *fin, path, problems);
      }
      in.sessions.push_back(std::move(session));
    }
  }
  r.reject_unknown();
  problems.throw_if_any();
  return in;
}

SessionPatch parse_session_patch(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  SessionPatch p;
  p.statut = read_statut(r);
  if (r.contains("notes") && !r.field("notes")) p.clear_notes = true;
  else p.notes = r.string("notes", kNotes, false);
  p.matiere = r.string("matiere", kMatiere, false);
  p.debut = read_datetime(r, "debut", false);
  p.fin = read_datetime(r, "fin", false);
  r.reject_unknown();
  problems.throw_if_any();
  return p;
}

void check_planning_rules(const store::PlanningRecord& planning, const std::vector<std::string>& paths) {
  const auto& sessions = planning.sessions;
  Problems duration;
  for (std::size_t i = 0; i < sessions.size(); ++i)
    check_duration(sessions[i].debut, sessions[i].fin, paths[i], duration);
  duration.throw_if_any();

  std::vector<FieldError> outside;
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    if (sessions[i].debut < planning.date_debut || sessions[i].fin > planning.date_fin)
      outside.push_back({paths[i], "doit se situer dans la période du planning (du " +
                                       clock::format_rfc3339(planning.date_debut) + " au " +
                                       clock::format_rfc3339(planning.date_fin) + ")"});
  }
  if (!outside.empty()) {
    std::string message = "La session « " + outside.front().path + " » sort de la période du planning.";
    throw RuleBroken("session_outside_period", std::move(message), std::move(outside));
  }

  // Sorted by start, a session overlaps an earlier one exactly when it starts before the latest
  // end seen so far; touching (start == end) is allowed.
  std::vector<std::size_t> order(sessions.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sessions[a].debut != sessions[b].debut ? sessions[a].debut < sessions[b].debut : a < b;
  });
  std::size_t latest = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::size_t i = order[k];
    if (k > 0 && sessions[i].debut < sessions[latest].fin) {
      std::size_t a = std::min(i, latest), b = std::max(i, latest);
      throw RuleBroken("sessions_overlap", "Les sessions « " + paths[a] + " » et « " + paths[b] + " » se chevauchent.",
                       {{paths[a], "chevauche " + paths[b]}, {paths[b], "chevauche " + paths[a]}});
    }
    if (k == 0 || sessions[i].fin > sessions[latest].fin) latest = i;
  }
}

void write_json(JsonWriter& w, const store::SessionRecord& s) {
  w.begin_object();
  w.field("_id", s.id);
  w.field("matiere", s.matiere);
  w.field("debut", clock::rfc3339(s.debut).view());
  w.field("fin", clock::rfc3339(s.fin).view());
  w.field("statut", s.statut);
  if (s.notes) w.field("notes", *s.notes);
  w.end_object();
}

void write_json(JsonWriter& w, const store::PlanningRecord& p) {
  w.begin_object();
  w.field("_id", p.id);
  w.field("userId", p.user_id);
  if (p.titre) w.field("titre", *p.titre);
  w.field("periode", p.periode);
  w.field("dateDebut", clock::rfc3339(p.date_debut).view());
  w.field("source", p.source);
  w.key("sessions");
  w.begin_array();
  for (const auto& s : p.sessions) write_json(w, s);
  w.end_array();
  w.field("createdAt", clock::rfc3339(p.created_at).view());
  w.field("updatedAt", clock::rfc3339(p.updated_at).view());
  w.end_object();
}

json::object to_json(const store::SessionRecord& s) { return json_object(s); }

json::object to_json(const store::PlanningRecord& p) { return json_object(p); }

}  // namespace planetude::models
