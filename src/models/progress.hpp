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

struct Streaks {
  int current = 0;  // the run that reaches today (or the last day before it that is not a rest day)
  int best = 0;
};

// Runs of consecutive days with an entry. Rest days (« jour off », « partiels ») neither break
// nor extend a run: they are stepped over, whether the student studied on them or not.
// `active_days` and `rest_days`: YYYY-MM-DD, ascending, distinct; `today` in the user's zone.
// Days after today (a free entry may name one) count for the best run only.
Streaks streaks(const std::vector<std::string>& active_days, const std::vector<std::string>& rest_days,
                const std::string& today);

// `entries` in display order; `active_days` every day (YYYY-MM-DD, ascending, distinct) with an
// entry, over all time; `rest_days` the user's rest days, ascending; `today` in the user's time zone.
boost::json::object progress_summary(const std::vector<store::ProgressRecord>& entries,
                                     const std::vector<std::string>& active_days,
                                     const std::vector<std::string>& rest_days, const std::string& today);

}  // namespace planetude::models
