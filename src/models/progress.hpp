// Progress entries: the two input forms of POST /api/progress, the JSON view, and the summary
// (totals, per day, per subject, streaks) of GET /api/progress.
#pragma once
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/json_writer.hpp"
#include "store/records.hpp"

namespace planetude::models {

// {planningId, sessionId, tempsEtudie?, notes?}: mark a planned session done.
struct LinkedProgressInput {
  std::string planning_id;
  std::string session_id;
  std::optional<int> temps_etudie;
  std::string notes;
};

// {date?, sessionsCompletees?, tempsEtudie, notes?, matiere?}: a free entry.
struct FreeProgressInput {
  std::optional<std::string> date;  // YYYY-MM-DD; absent: today in the user's time zone
  int sessions_completees = 0;
  int temps_etudie = 0;
  std::string notes;
  std::optional<std::string> matiere;
};

struct ProgressInput {
  std::optional<LinkedProgressInput> linked;
  std::optional<FreeProgressInput> free;
};

// Throws 400 validation_failed; a malformed planningId or sessionId is 404 (docs/api.md).
ProgressInput parse_progress_input(const boost::json::value& body);

// The API's JSON of a progress entry, written by `w`; to_json gives the same as an object
// (models/json_text.hpp).
void write_json(JsonWriter& w, const store::ProgressRecord& entry);
boost::json::object to_json(const store::ProgressRecord& entry);

// `entries` in display order; `active_days` every day (YYYY-MM-DD, ascending, distinct) with an
// entry, over all time; `today` in the user's time zone.
boost::json::object progress_summary(const std::vector<store::ProgressRecord>& entries,
                                     const std::vector<std::string>& active_days, const std::string& today);

}  // namespace planetude::models
