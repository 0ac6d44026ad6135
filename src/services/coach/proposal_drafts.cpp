#include "services/coach/proposal_drafts.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "models/ai_planning.hpp"
#include "models/planning.hpp"
#include "observability/log.hpp"
#include "services/coach/coach_context.hpp"
#include "services/planning/ai_planning_service.hpp"
#include "services/planning/planning_ops.hpp"

namespace planetude {

namespace json = boost::json;

namespace {

json::object string_property(std::string description) {
  return json::object{{"type", "string"}, {"description", std::move(description)}};
}

json::object session_target_schema(bool with_changes) {
  json::object properties{
      {"sessionId", string_property("l'identifiant de la session, tel qu'il figure dans le planning")}};
  if (with_changes) {
    properties["debut"] =
        string_property("nouveau début, date-heure ISO 8601 avec décalage (ex. 2025-03-10T14:00:00+01:00)");
    properties["fin"] =
        string_property("nouvelle fin, date-heure ISO 8601 avec décalage ; omise : la durée est gardée");
    properties["matiere"] = string_property("nouvelle matière");
    properties["notes"] = string_property("nouvelles notes");
  }
  return json::object{
      {"type", "object"}, {"properties", std::move(properties)}, {"required", json::array{"sessionId"}}};
}

json::object create_planning_schema() {
  json::object exam{
      {"type", "object"},
      {"properties", json::object{{"matiere", string_property("la matière")}, {"date", string_property("AAAA-MM-JJ")}}},
      {"required", json::array{"matiere", "date"}}};
  json::object window{
      {"type", "object"},
      {"properties",
       json::object{{"jour", json::object{{"type", "integer"}, {"description", "0 = lundi … 6 = dimanche"}}},
                    {"debut", string_property("HH:MM")},
                    {"fin", string_property("HH:MM")}}},
      {"required", json::array{"jour", "debut", "fin"}}};
  json::object properties{
      {"periode", json::object{{"type", "string"}, {"enum", json::array{"jour", "semaine", "mois", "semestre"}}}},
      {"dateDebut", string_property("premier jour, AAAA-MM-JJ")},
      {"titre", string_property("titre court du planning")},
      {"matieres", json::object{{"type", "array"}, {"items", json::object{{"type", "string"}}}}},
      {"minutesParJour", json::object{{"type", "integer"}, {"description", "minutes d'étude par jour, 15 à 720"}}},
      {"examens", json::object{{"type", "array"}, {"items", std::move(exam)}}},
      {"disponibilites", json::object{{"type", "array"}, {"items", std::move(window)}}}};
  return json::object{
      {"type", "object"}, {"properties", std::move(properties)}, {"required", json::array{"periode", "dateDebut"}}};
}

std::string subjects_text(const std::vector<store::SessionRecord>& sessions) {
  std::vector<std::string> names;
  for (const auto& s : sessions)
    if (std::find(names.begin(), names.end(), s.matiere) == names.end()) names.push_back(s.matiere);
  std::string text;
  for (std::size_t i = 0; i < names.size() && i < 4; ++i) text += (i ? ", " : "") + names[i];
  if (names.size() > 4) text += "…";
  return text;
}

json::object session_json(const store::SessionRecord& s) {
  json::object o{
      {"matiere", s.matiere}, {"debut", clock::format_rfc3339(s.debut)}, {"fin", clock::format_rfc3339(s.fin)}};
  if (s.notes) o["notes"] = *s.notes;
  return o;
}

struct Draft {
  std::string type;
  std::string summary;
  json::object payload;
};

Draft draft_create(store::Repos& repos, const store::UserRecord& user, const json::object& args,
                   const std::string& origin, std::int64_t now) {
  const date::time_zone* tz = datetime::zone(user.timezone);
  json::object body = args;
  body["mode"] = "ai";
  auto input = models::parse_ai_planning_input(body, tz, user.matieres);
  std::int64_t end = datetime::add_period(input.date_debut, input.periode, tz);
  auto request = scheduler_request(input, user, busy_intervals(repos, user.id, input.date_debut, end, tz), now);
  auto sessions = scheduler::schedule(request);
  if (sessions.empty()) throw std::invalid_argument("no session fits the period");
  // Checked as it would be stored; the payload is exactly a manual POST /api/planning body.
  auto planning = new_planning(user, planning_input(input, sessions, std::nullopt), origin, now);
  json::array list;
  for (const auto& s : planning.sessions) list.push_back(session_json(s));
  json::object payload{{"periode", planning.periode}, {"dateDebut", clock::format_rfc3339(planning.date_debut)}};
  if (planning.titre) payload["titre"] = *planning.titre;
  payload["sessions"] = std::move(list);
  std::string day = french_when(planning.date_debut, now, user.timezone);
  day = day.substr(0, day.rfind(" à "));  // the day alone: "demain", "lundi 8 décembre"
  std::string summary = "Créer un planning (" + planning.periode + ", à partir de " + day +
                        ") : " + std::to_string(planning.sessions.size()) + " session(s) — " +
                        subjects_text(planning.sessions) + ".";
  return {"create_planning", std::move(summary), std::move(payload)};
}

// The session a call names, with its planning; throws std::invalid_argument when it is not the user's.
std::pair<store::PlanningRecord, store::SessionRecord> target_of(store::Repos& repos, const store::UserRecord& user,
                                                                 const json::object& args) {
  const json::value* id = args.if_contains("sessionId");
  if (!id || !id->is_string() || !ids::is_valid(id->get_string())) throw std::invalid_argument("no valid sessionId");
  std::string session_id(id->get_string());
  auto planning_id = repos.plannings().planning_of_session(user.id, session_id);
  auto planning = planning_id ? repos.plannings().find(user.id, *planning_id) : std::nullopt;
  if (!planning) throw std::invalid_argument("unknown session");
  auto it = std::find_if(planning->sessions.begin(), planning->sessions.end(),
                         [&](const store::SessionRecord& s) { return s.id == session_id; });
  return {std::move(*planning), *it};
}

Draft draft_update(store::Repos& repos, const store::UserRecord& user, const json::object& args, std::int64_t now) {
  auto [planning, session] = target_of(repos, user, args);
  json::object changes = args;
  changes.erase("sessionId");
  auto patch = models::parse_session_patch(changes);
  if (patch.statut) throw std::invalid_argument("the coach does not change a status");
  // Moving a session keeps its length unless the new end is given.
  if (patch.debut && !patch.fin) patch.fin = *patch.debut + (session.fin - session.debut);
  if (!patch.debut && !patch.fin && !patch.matiere && !patch.notes && !patch.clear_notes)
    throw std::invalid_argument("nothing to change");

  // Checked now against the planning as it stands (and again when applied).
  store::PlanningRecord after = planning;
  const std::string& target_id = session.id;  // clang 14 cannot capture a structured binding
  auto& s =
      *std::find_if(after.sessions.begin(), after.sessions.end(), [&](const auto& x) { return x.id == target_id; });
  if (patch.debut) s.debut = *patch.debut;
  if (patch.fin) s.fin = *patch.fin;
  if (patch.matiere) s.matiere = *patch.matiere;
  if (patch.notes) s.notes = *patch.notes;
  models::check_planning_rules(after, session_paths(after.sessions.size()));

  json::object payload{{"planningId", planning.id}, {"sessionId", session.id}};
  if (patch.debut) payload["debut"] = clock::format_rfc3339(*patch.debut);
  if (patch.fin) payload["fin"] = clock::format_rfc3339(*patch.fin);
  if (patch.matiere) payload["matiere"] = *patch.matiere;
  if (patch.notes) payload["notes"] = *patch.notes;
  std::string summary =
      "Modifier la session de " + session.matiere + " (" + french_when(session.debut, now, user.timezone) + ")";
  if (patch.debut) summary += " : la déplacer à " + french_when(*patch.debut, now, user.timezone);
  if (patch.matiere) summary += (patch.debut ? ", " : " : ") + std::string("matière « ") + *patch.matiere + " »";
  summary += ".";
  return {"update_session", std::move(summary), std::move(payload)};
}

Draft draft_delete(store::Repos& repos, const store::UserRecord& user, const json::object& args, std::int64_t now) {
  auto [planning, session] = target_of(repos, user, args);
  return {"delete_session",
          "Supprimer la session de " + session.matiere + " (" + french_when(session.debut, now, user.timezone) + ").",
          json::object{{"planningId", planning.id}, {"sessionId", session.id}}};
}

}  // namespace

llm::ToolSet proposal_tools() {
  static const llm::ToolSet tools = std::make_shared<
      const std::vector<llm::ToolDeclaration>>(std::vector<llm::ToolDeclaration>{
      {"create_planning",
       "Propose à l'élève un nouveau planning de révision, construit à partir de ses matières et de ses "
       "disponibilités. "
       "Rien ne change tant que l'élève ne l'a pas accepté.",
       create_planning_schema()},
      {"update_session",
       "Propose de modifier une session existante (la déplacer, changer sa matière ou ses notes). Rien ne change tant "
       "que l'élève ne l'a pas accepté.",
       session_target_schema(true)},
      {"delete_session",
       "Propose de supprimer une session existante. Rien ne change tant que l'élève ne l'a pas accepté.",
       session_target_schema(false)},
  });
  return tools;
}

std::vector<store::ProposalRecord> draft_proposals(store::Repos& repos, const store::UserRecord& user,
                                                   const std::vector<llm::ToolCall>& calls, const std::string& origin,
                                                   std::int64_t now_ms) {
  constexpr std::size_t kMaxProposals = 5;
  std::vector<store::ProposalRecord> out;
  for (const auto& call : calls) {
    if (out.size() == kMaxProposals) break;
    std::optional<Draft> draft;
    try {
      if (call.name == "create_planning") draft = draft_create(repos, user, call.args, origin, now_ms);
      else if (call.name == "update_session") draft = draft_update(repos, user, call.args, now_ms);
      else if (call.name == "delete_session") draft = draft_delete(repos, user, call.args, now_ms);
    } catch (const DomainError& e) {
      log::warn("proposal_dropped", {{"user_id", user.id}, {"function", call.name}, {"reason", e.code()}});
    } catch (const std::invalid_argument& e) {
      log::warn("proposal_dropped", {{"user_id", user.id}, {"function", call.name}, {"reason", e.what()}});
    }
    if (!draft) continue;
    store::ProposalRecord p;
    p.id = ids::generate();
    p.user_id = user.id;
    p.type = std::move(draft->type);
    p.summary = std::move(draft->summary);
    p.payload = json::serialize(draft->payload);
    p.origin = origin;
    p.created_at = p.updated_at = now_ms;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace planetude
