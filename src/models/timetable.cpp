#include "models/timetable.hpp"

#include <boost/json/parse.hpp>

#include "core/clock.hpp"

namespace planetude::models {

void write_json(JsonWriter& w, const store::TimetableEventRecord& e) {
  w.begin_object();
  w.field("_id", e.id);
  w.field("titre", e.title);
  if (!e.location.empty()) w.field("lieu", e.location);
  w.field("debut", clock::rfc3339(e.debut).view());
  w.field("fin", clock::rfc3339(e.fin).view());
  w.key("journeeEntiere");
  w.boolean(e.all_day);
  w.key("examen");
  w.boolean(e.exam);
  w.end_object();
}

void write_json(JsonWriter& w, const TimetableSummary& s) {
  w.begin_object();
  if (s.import.name) w.field("nom", *s.import.name);
  w.field("importeLe", clock::rfc3339(s.import.imported_at).view());
  w.field("nombreEvenements", s.import.event_count);
  if (s.import.first_start) w.field("premier", clock::rfc3339(*s.import.first_start).view());
  if (s.import.last_end) w.field("dernier", clock::rfc3339(*s.import.last_end).view());
  w.key("examens");
  w.begin_array();
  for (const auto& e : s.exams) write_json(w, e);
  w.end_array();
  w.end_object();
}

namespace {
template <class Value>
boost::json::object parsed(const Value& value) {
  std::string text;
  JsonWriter w(text);
  write_json(w, value);
  return boost::json::parse(text).as_object();
}
}  // namespace

boost::json::object to_json(const store::TimetableEventRecord& event) { return parsed(event); }
boost::json::object to_json(const TimetableSummary& summary) { return parsed(summary); }

}  // namespace planetude::models
