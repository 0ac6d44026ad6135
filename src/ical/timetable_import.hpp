// Reading a school timetable or calendar (.ics, RFC 5545) into busy time: every occurrence of
// every event inside a window, recurrence rules, exceptions and time zones resolved by libical.
// Owns no state and knows nothing of HTTP or storage.
#pragma once
#include <date/tz.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace planetude::ical {

struct BusyEvent {
  std::string title;       // SUMMARY, trimmed; "Cours" when missing
  std::string location;    // LOCATION, trimmed; "" when missing
  std::int64_t debut = 0;  // ms since the epoch, inclusive
  std::int64_t fin = 0;    // ms since the epoch, exclusive, > debut
  bool all_day = false;    // a DATE event: a whole local day (or days) in the student's zone
};

// Occurrences that overlap [from_ms, to_ms) are kept.
struct ImportWindow {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
};

struct ImportLimits {
  std::size_t max_bytes = std::size_t{2} * 1024 * 1024;  // the file
  std::size_t max_events = 5000;                         // occurrences kept in the window
};

// Why a file was refused: a stable code and a French message for the student.
class ImportError : public std::runtime_error {
 public:
  ImportError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

// The busy time of a calendar file, sorted by start then end. Floating times and all-day dates are
// read in `student_tz`. Throws ImportError on a file that is not a calendar, too big, or with more
// occurrences than the limit in the window.
std::vector<BusyEvent> read_timetable(std::string_view ics, const ImportWindow& window,
                                      const date::time_zone* student_tz, const ImportLimits& limits = {});

// True when a title names an exam (« contrôle », « examen », « DS », « partiel », …), accents and
// case ignored, whole words only.
bool looks_like_exam(std::string_view title);

}  // namespace planetude::ical
