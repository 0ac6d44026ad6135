// A record's JSON written once, by its write_json (models/*.hpp): as text for answers, or as a
// boost::json object for the places that compose bigger values (export, chat). One layout per
// record, so the two can never disagree.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <string>

#include "core/json_writer.hpp"
// The records' write_json overloads, declared before the templates below (found by ordinary
// lookup: ADL would look in planetude::store, where the records live).
#include "models/planning.hpp"
#include "models/progress.hpp"
#include "models/user.hpp"

namespace planetude::models {

template <class Record>
std::string json_text(const Record& record) {
  std::string text;
  JsonWriter w(text);
  write_json(w, record);
  return text;
}

template <class Record>
boost::json::object json_object(const Record& record) {
  return boost::json::parse(json_text(record)).as_object();
}

}  // namespace planetude::models
