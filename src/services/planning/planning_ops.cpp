#include "services/planning/planning_ops.hpp"

#include <algorithm>

#include "core/errors.hpp"
#include "core/ids.hpp"

namespace planetude {

using store::PlanningRecord;
using store::SessionRecord;

std::vector<std::string> session_paths(std::size_t n) {
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < n; ++i) paths.push_back("sessions[" + std::to_string(i) + "]");
  return paths;
}

void sort_sessions(PlanningRecord& p) {
  std::stable_sort(p.sessions.begin(), p.sessions.end(),
                   [](const SessionRecord& a, const SessionRecord& b) { return a.debut < b.debut; });
}

namespace {

PlanningRecord owned_planning(store::Repos& repos, const std::string& user_id, const std::string& planning_id) {
  auto p = ids::is_valid(planning_id) ? repos.plannings().find(user_id, planning_id) : std::nullopt;
  if (!p) throw errors::not_found();
  return std::move(*p);
}

std::vector<SessionRecord>::iterator session_in(PlanningRecord& p, const std::string& session_id) {
  auto it =
      std::find_if(p.sessions.begin(), p.sessions.end(), [&](const SessionRecord& s) { return s.id == session_id; });
  if (it == p.sessions.end()) throw errors::not_found();
  return it;
}

}  // namespace

PlanningRecord new_planning(const store::UserRecord& user, const models::PlanningInput& input, std::string source,
                            std::int64_t now_ms) {
  PlanningRecord p;
  p.id = ids::generate();
  p.user_id = user.id;
  p.titre = input.titre;
  p.periode = datetime::period_name(input.periode);
  p.date_debut = input.date_debut;
  p.date_fin = datetime::add_period(input.date_debut, input.periode, datetime::zone(user.timezone));
  p.source = std::move(source);
  p.created_at = p.updated_at = now_ms;
  for (const auto& s : input.sessions)
    p.sessions.push_back(
        SessionRecord{ids::generate(), s.matiere, s.debut, s.fin, s.statut.value_or("planifie"), s.notes});
  models::check_planning_rules(p, session_paths(p.sessions.size()));
  sort_sessions(p);
  return p;
}

PlanningRecord patch_session_in(store::Repos& repos, const std::string& user_id, const std::string& planning_id,
                                const std::string& session_id, const models::SessionPatch& patch, std::int64_t now_ms) {
  PlanningRecord p = owned_planning(repos, user_id, planning_id);
  auto it = session_in(p, session_id);
  if (patch.statut) it->statut = *patch.statut;
  if (patch.clear_notes) it->notes.reset();
  if (patch.notes) it->notes = *patch.notes;
  if (patch.matiere) it->matiere = *patch.matiere;
  if (patch.debut) it->debut = *patch.debut;
  if (patch.fin) it->fin = *patch.fin;
  models::check_planning_rules(p, session_paths(p.sessions.size()));
  sort_sessions(p);
  p.updated_at = now_ms;
  repos.plannings().replace(p);
  return p;
}

PlanningRecord delete_session_in(store::Repos& repos, const std::string& user_id, const std::string& planning_id,
                                 const std::string& session_id, std::int64_t now_ms) {
  PlanningRecord p = owned_planning(repos, user_id, planning_id);
  p.sessions.erase(session_in(p, session_id));
  p.updated_at = now_ms;
  repos.plannings().replace(p);
  return p;
}

}  // namespace planetude
