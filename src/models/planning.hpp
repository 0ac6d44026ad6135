// Plannings and their sessions: input parsing, the planning rules (docs/api.md), and JSON.
// The same rules guard manual input, PUT, PATCH, and (later) AI output and proposals.
#pragma once
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/datetime.hpp"
#include "core/json_writer.hpp"
#include "store/records.hpp"

namespace planetude::models {

struct SessionInput {
  std::optional<std::string> id;  // PUT only: keeps an existing session
  std::string matiere;
  datetime::Millis debut = 0;
  datetime::Millis fin = 0;
  std::optional<std::string> statut;  // absent: "planifie", or the kept session's status on PUT
  std::optional<std::string> notes;
};

struct PlanningInput {
  std::optional<std::string> titre;
  datetime::Period periode = datetime::Period::jour;
  datetime::Millis date_debut = 0;
  std::vector<SessionInput> sessions;
};

// The fields of PATCH /api/planning/:id/sessions/:sessionId; `clear_notes` for "notes": null.
struct SessionPatch {
  std::optional<std::string> statut;
  std::optional<std::string> notes;
  bool clear_notes = false;
  std::optional<std::string> matiere;
  std::optional<datetime::Millis> debut;
  std::optional<datetime::Millis> fin;
};

// The manual body of POST and PUT. `for_put`: session `_id`s are read (POST ignores them).
// `YYYY-MM-DD` dateDebut means midnight in `tz`. Throws 400 validation_failed with every problem.
PlanningInput parse_planning_input(const boost::json::value& body, const date::time_zone* tz, bool for_put);
SessionPatch parse_session_patch(const boost::json::value& body);

bool is_valid_statut(std::string_view statut);

// The rules between sessions and the period: each session inside [date_debut, date_fin)
// (400 session_outside_period), and no two overlapping (400 sessions_overlap, naming both).
// `paths[i]` names sessions[i] in the error details. Sorts nothing; O(n log n).
void check_planning_rules(const store::PlanningRecord& planning, const std::vector<std::string>& paths);

// The API's JSON of a planning (with its sessions) and of a session, written by `w`; to_json gives
// the same as an object (models/json_text.hpp).
void write_json(JsonWriter& w, const store::PlanningRecord& planning);
void write_json(JsonWriter& w, const store::SessionRecord& session);
boost::json::object to_json(const store::PlanningRecord& planning);
boost::json::object to_json(const store::SessionRecord& session);

}  // namespace planetude::models
