// The planning bodies (models/planning): POST and PUT /api/planning (manual mode) and PATCH of one
// session, then the planning rules a new planning must pass (services/planning new_planning). The
// first byte picks the user's time zone; the rest is the body. Beyond not crashing, refusals are
// documented 400s, and what is accepted keeps the rules of docs/api.md:
// - at most 1000 sessions, each with a subject of 1 to 100 characters, lasting more than nothing
//   and at most 12 hours, a known status when one is given;
// - a planning made of them ends after it starts, holds its sessions sorted, inside its period and
//   not overlapping (touching is allowed).
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/datetime.hpp"
#include "models/planning.hpp"
#include "services/planning/planning_ops.hpp"
#include "support/request_body.hpp"

namespace datetime = planetude::datetime;
namespace models = planetude::models;
namespace store = planetude::store;
using planetude::fuzz::is_clean_text;
using planetude::fuzz::require;

namespace {

// Zones with odd offsets, DST at midnight, half-hour DST, and a day skipped (Apia, 2011-12-30).
constexpr std::array<const char*, 8> kZones{
    "UTC",          "Europe/Paris",  "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe", "America/Santiago",
    "Pacific/Apia", "America/Havana"};
constexpr datetime::Millis kTwelveHours = 12LL * 3600 * 1000;

void check_session(const models::SessionInput& s) {
  require(is_clean_text(s.matiere, 1, 100, false), "a subject is clean text of 1 to 100 characters");
  require(s.fin > s.debut && s.fin - s.debut <= kTwelveHours, "a session lasts more than nothing, at most 12 h");
  if (s.statut) require(models::is_valid_statut(*s.statut), "a status is one of the four");
  if (s.notes) require(is_clean_text(*s.notes, 0, 2000, true), "notes are clean text of at most 2000 characters");
}

void check_planning(const store::PlanningRecord& p) {
  require(p.date_fin > p.date_debut, "a planning ends after it starts");
  for (std::size_t i = 0; i < p.sessions.size(); ++i) {
    const auto& s = p.sessions[i];
    require(s.debut >= p.date_debut && s.fin <= p.date_fin, "a session lies inside the planning's period");
    if (i > 0) {
      require(p.sessions[i - 1].debut <= s.debut, "sessions are sorted by start");
      require(p.sessions[i - 1].fin <= s.debut, "sessions do not overlap");
    }
  }
}

// new_planning for an accepted POST: a planning that obeys every rule, or 400 naming the rule.
void check_new_planning(const models::PlanningInput& in, const char* zone) {
  store::UserRecord user;
  user.id = "0123456789abcdef01234567";
  user.timezone = zone;
  try {
    check_planning(planetude::new_planning(user, in, "manual", 0));
  } catch (const planetude::RuleBroken& e) {
    require(e.code() == "session_outside_period" || e.code() == "sessions_overlap" || e.code() == "validation_failed",
            "new_planning refuses with a planning rule");
    require(!e.details().empty(), "a broken planning rule names its sessions");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const char* zone = kZones[data[0] % kZones.size()];
  auto body = planetude::fuzz::read_body(data + 1, size - 1);
  if (!body) return 0;
  const date::time_zone* tz = datetime::zone(zone);
  using planetude::fuzz::accept_or_refuse;

  for (bool for_put : {false, true}) {
    accept_or_refuse([&] { return models::parse_planning_input(*body, tz, for_put); },
                     [&](const models::PlanningInput& in) {
                       require(in.sessions.size() <= 1000, "at most 1000 sessions");
                       if (in.titre) require(is_clean_text(*in.titre, 1, 200, false), "a title is clean text");
                       for (const auto& s : in.sessions) {
                         check_session(s);
                         require(for_put || !s.id, "POST ignores session ids");
                       }
                       if (!for_put) check_new_planning(in, zone);
                     });
  }
  accept_or_refuse([&] { return models::parse_session_patch(*body); },
                   [](const models::SessionPatch& p) {
                     if (p.statut) require(models::is_valid_statut(*p.statut), "a status is one of the four");
                     require(!(p.clear_notes && p.notes), "notes are either cleared or set");
                     if (p.matiere) require(is_clean_text(*p.matiere, 1, 100, false), "a subject is clean text");
                   });
  return 0;
}
