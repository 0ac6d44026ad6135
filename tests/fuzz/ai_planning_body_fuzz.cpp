// The AI-mode body of POST /api/planning (models/ai_planning). The first byte picks the user's
// time zone and whether they have subjects in their preferences; the rest is the body. Beyond not
// crashing, refusals are documented 400s, and what is accepted is what the scheduler and the AI
// prompt rely on:
// - at least one subject, each clean text of 1 to 100 characters, distinct; every exam's subject
//   among them;
// - 15 to 720 minutes a day; windows on a day 0–6, from a time before another, within 00:00–24:00;
// - an objective, when present, non-empty.
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/datetime.hpp"
#include "models/ai_planning.hpp"
#include "support/request_body.hpp"

namespace datetime = planetude::datetime;
namespace models = planetude::models;
using planetude::fuzz::is_clean_text;
using planetude::fuzz::require;

namespace {

constexpr std::array<const char*, 4> kZones{"UTC", "Europe/Paris", "Asia/Kathmandu", "Pacific/Apia"};

void check(const models::AiPlanningInput& in) {
  require(!in.matieres.empty(), "an AI planning has at least one subject");
  for (std::size_t i = 0; i < in.matieres.size(); ++i) {
    require(is_clean_text(in.matieres[i], 1, 100, false), "a subject is clean text of 1 to 100 characters");
    require(std::count(in.matieres.begin(), in.matieres.end(), in.matieres[i]) == 1, "subjects are distinct");
  }
  require(in.minutes_par_jour >= 15 && in.minutes_par_jour <= 720, "15 to 720 minutes a day");
  for (const auto& w : in.disponibilites) {
    require(w.jour >= 0 && w.jour <= 6, "a window's day is 0 to 6");
    require(w.debut_minute >= 0 && w.debut_minute < w.fin_minute && w.fin_minute <= 1440,
            "a window starts before it ends, within the day");
  }
  for (const auto& e : in.examens)
    require(std::find(in.matieres.begin(), in.matieres.end(), e.matiere) != in.matieres.end(),
            "an exam's subject is one of the subjects");
  if (in.objectif) require(!in.objectif->empty(), "an objective is not empty");
  if (in.titre) require(is_clean_text(*in.titre, 1, 200, false), "a title is clean text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const date::time_zone* tz = datetime::zone(kZones[data[0] % kZones.size()]);
  const std::vector<std::string> preferences =
      (data[0] & 0x80) != 0 ? std::vector<std::string>{"Maths", "Physique"} : std::vector<std::string>{};
  auto body = planetude::fuzz::read_body(data + 1, size - 1);
  if (!body) return 0;

  (void)models::is_ai_mode(*body);
  planetude::fuzz::accept_or_refuse([&] { return models::parse_ai_planning_input(*body, tz, preferences); }, check);
  return 0;
}
