// The API's JSON of rest days (docs/api.md "Rest days"): the POST body and a rest day's layout.
#pragma once
#include <boost/json/value.hpp>

#include <string>

#include "core/json_writer.hpp"
#include "store/records.hpp"

namespace planetude::models {

struct RestDayInput {
  std::string type;  // "jour_off" | "partiels"
  std::string du;    // YYYY-MM-DD
  std::string au;    // YYYY-MM-DD; du when absent
};

// { "type", "du", "au"? }: validation_failed naming each faulty field.
RestDayInput parse_rest_day_input(const boost::json::value& body);

// { "date", "type" }
void write_json(JsonWriter& w, const store::RestDayRecord& day);

}  // namespace planetude::models
