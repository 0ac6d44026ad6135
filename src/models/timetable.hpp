// The API's JSON of the imported timetable (GET/PUT /api/timetable, docs/api.md): its summary and
// its events.
#pragma once
#include <boost/json/object.hpp>

#include <optional>
#include <vector>

#include "core/json_writer.hpp"
#include "store/records.hpp"

namespace planetude::models {

// What an import holds (its name, when, how many events, the first and last) and the exams ahead.
struct TimetableSummary {
  store::TimetableImportRecord import;
  std::vector<store::TimetableEventRecord> exams;  // events whose title names an exam, not over yet
};

void write_json(JsonWriter& w, const store::TimetableEventRecord& event);
void write_json(JsonWriter& w, const TimetableSummary& summary);
boost::json::object to_json(const store::TimetableEventRecord& event);
boost::json::object to_json(const TimetableSummary& summary);

}  // namespace planetude::models
