// Calendar files imported as timetables (ical/timetable_import, libical): any bytes give either
// an ImportError or busy events that keep every promise of the header: inside the window, a
// positive length, at most the limit, sorted by start then end, titles and places of valid UTF-8
// without control characters and at most 200 characters, « Cours » for an empty title.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ical/timetable_import.hpp"
#include "support/fuzz_support.hpp"

namespace ical = planetude::ical;
using planetude::fuzz::code_points;
using planetude::fuzz::is_valid_utf8;
using planetude::fuzz::require;

namespace {

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const date::time_zone* paris = date::locate_zone("Europe/Paris");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // 2026-09-01 to 2027-09-01 UTC: a school year.
  const ical::ImportWindow window{1'788'220'800'000, 1'819'756'800'000};
  const ical::ImportLimits limits{std::size_t{64} * 1024, 500};
  try {
    auto events = ical::read_timetable(text, window, paris, limits);
    require(events.size() <= limits.max_events, "no more events than the limit");
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto& e = events[i];
      require(e.debut < e.fin, "an event lasts");
      require(e.debut < window.to_ms && e.fin > window.from_ms, "an event meets the window");
      require(!e.title.empty(), "a title, « Cours » at least");
      require(is_valid_utf8(e.title) && is_valid_utf8(e.location), "titles and places are UTF-8");
      require(!has_control(e.title) && !has_control(e.location), "no control character");
      require(code_points(e.title) <= 200 && code_points(e.location) <= 200, "at most 200 characters");
      if (i > 0) {
        const auto& p = events[i - 1];
        require(p.debut < e.debut || (p.debut == e.debut && p.fin <= e.fin), "sorted by start then end");
      }
    }
  } catch (const ical::ImportError& e) {
    require(!e.code().empty() && e.what()[0] != '\0', "a refusal says why");
  }
  return 0;
}
