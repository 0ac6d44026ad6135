// The body of POST /api/progress (models/progress), in both its forms. Beyond not crashing, a
// refusal is a documented 400, or a 404 for ids that cannot name anything, and what is accepted is
// exactly one form that keeps the rules of docs/api.md:
// - linked: two ids of 24 lower-case hex digits, 1 to 1440 minutes when given;
// - free: a real YYYY-MM-DD date when given, 1 to 1440 minutes, 0 to 100 sessions, a subject of 1
//   to 100 characters when given.
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/datetime.hpp"
#include "models/progress.hpp"
#include "support/request_body.hpp"

namespace models = planetude::models;
using planetude::fuzz::is_clean_text;
using planetude::fuzz::require;

namespace {

bool is_id(std::string_view id) {
  if (id.size() != 24) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

void check(const models::ProgressInput& in) {
  require(in.linked.has_value() != in.free.has_value(), "an entry is either linked or free");
  if (in.linked) {
    require(is_id(in.linked->planning_id) && is_id(in.linked->session_id), "linked ids are 24 hex digits");
    if (in.linked->temps_etudie)
      require(*in.linked->temps_etudie >= 1 && *in.linked->temps_etudie <= 1440, "1 to 1440 minutes");
    require(is_clean_text(in.linked->notes, 0, 2000, true), "notes are clean text");
    return;
  }
  const auto& f = *in.free;
  if (f.date)
    require(planetude::datetime::parse_date(*f.date).has_value() && f.date->size() == 10, "a date is YYYY-MM-DD");
  require(f.temps_etudie >= 1 && f.temps_etudie <= 1440, "1 to 1440 minutes");
  require(f.sessions_completees >= 0 && f.sessions_completees <= 100, "0 to 100 sessions");
  if (f.matiere) require(is_clean_text(*f.matiere, 1, 100, false), "a subject is clean text");
  require(is_clean_text(f.notes, 0, 2000, true), "notes are clean text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = planetude::fuzz::read_body(data, size);
  if (!body) return 0;
  planetude::fuzz::accept_or_refuse([&] { return models::parse_progress_input(*body); }, check, true);
  return 0;
}
