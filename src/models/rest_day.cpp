#include "models/rest_day.hpp"

#include "core/datetime.hpp"
#include "core/json_input.hpp"

namespace planetude::models {

using json_input::ObjectReader;
using json_input::Problems;
using json_input::StringRule;

RestDayInput parse_rest_day_input(const boost::json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  RestDayInput in;
  auto type = r.string("type", StringRule{1, 20}, true);
  if (type && *type != "jour_off" && *type != "partiels") problems.add("type", "doit valoir jour_off ou partiels");
  auto day = [&](const char* key, bool required) -> std::optional<std::string> {
    auto text = r.string(key, StringRule{1, 10}, required);
    if (text && !datetime::parse_date(*text)) {
      problems.add(key, "doit être une date réelle au format AAAA-MM-JJ");
      return std::nullopt;
    }
    return text;
  };
  auto du = day("du", true);
  auto au = day("au", false);
  r.reject_unknown();
  problems.throw_if_any();
  in.type = *type;
  in.du = *du;
  in.au = au.value_or(*du);
  return in;
}

void write_json(JsonWriter& w, const store::RestDayRecord& day) {
  w.begin_object();
  w.field("date", day.date);
  w.field("type", day.kind);
  w.end_object();
}

}  // namespace planetude::models
