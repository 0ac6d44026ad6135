// Reading a .ics file into busy time with libical's C API: libical parses (unfolding, escapes),
// holds the file's VTIMEZONEs and runs the recurrence rules; this file chooses the zone of every
// value, walks the rules in local wall-clock time (so a weekly 08:00 class stays at 08:00 across a
// DST change), applies EXDATE and RECURRENCE-ID overrides, and keeps what overlaps the window.
//
// Wall-clock times are counted as seconds since 1970-01-01T00:00 of the local calendar ("wall
// seconds"); instants as seconds since the epoch, UTC. Every libical object is owned by a
// unique_ptr and freed here.
#include "ical/timetable_import.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/text.hpp"

namespace planetude::ical {
namespace {

using Seconds = std::int64_t;
constexpr Seconds kDay = 86400;
constexpr std::size_t kMaxTextChars = 200;
// Guards against pathological files: recurrence steps over the whole file, and time spent.
constexpr std::size_t kMaxRecurrenceSteps = 250'000;
constexpr Seconds kMaxSubDailySteps = 200'000;
constexpr auto kMaxReadTime = std::chrono::seconds(5);

// --- Errors -------------------------------------------------------------------------------------

[[noreturn]] void throw_invalid() {
  throw ImportError("ics_invalid",
                    "Ce fichier n'est pas un calendrier .ics lisible. Exporte-le à nouveau depuis ton ENT ou ton "
                    "agenda.");
}

std::string size_text(std::size_t bytes) {
  constexpr std::size_t kMiB = std::size_t{1024} * 1024;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " Mo";
  return std::to_string(std::max<std::size_t>(1, bytes / 1024)) + " Ko";
}

[[noreturn]] void throw_too_large(std::size_t max_bytes) {
  throw ImportError("ics_too_large", "Ce fichier .ics est trop volumineux (" + size_text(max_bytes) +
                                         " au plus). Exporte une période plus courte depuis ton ENT ou ton agenda.");
}

[[noreturn]] void throw_too_many(std::size_t max_events) {
  throw ImportError("ics_too_many_events", "Ce calendrier contient plus de " + std::to_string(max_events) +
                                               " cours sur la période choisie. Choisis une période plus courte ou "
                                               "exporte un seul emploi du temps.");
}

[[noreturn]] void throw_too_complex() {
  throw ImportError("ics_too_many_events",
                    "Ce calendrier contient des répétitions trop nombreuses pour être lues. Exporte une période plus "
                    "courte depuis ton ENT ou ton agenda.");
}

// --- libical ownership --------------------------------------------------------------------------

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentFree>;

struct IteratorFree {
  void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};
using IteratorPtr = std::unique_ptr<icalrecur_iterator, IteratorFree>;

// --- Wall-clock arithmetic ----------------------------------------------------------------------

Seconds floor_div(Seconds a, Seconds b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
Seconds day_of(Seconds wall) { return floor_div(wall, kDay); }

Seconds wall_of(const icaltimetype& t) {
  const date::sys_days day{date::year{t.year} / date::month{static_cast<unsigned>(t.month)} /
                           date::day{static_cast<unsigned>(t.day)}};
  Seconds s = Seconds{day.time_since_epoch().count()} * kDay;
  if (!t.is_date) s += Seconds{t.hour} * 3600 + Seconds{t.minute} * 60 + t.second;
  return s;
}

icaltimetype ical_of(Seconds wall, bool is_date) {
  const Seconds days = day_of(wall);
  const date::year_month_day ymd{date::sys_days{date::days{static_cast<int>(days)}}};
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(ymd.year());
  t.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  t.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  if (is_date) {
    t.is_date = 1;
  } else {
    const Seconds rest = wall - days * kDay;
    t.hour = static_cast<int>(rest / 3600);
    t.minute = static_cast<int>(rest / 60 % 60);
    t.second = static_cast<int>(rest % 60);
  }
  return t;
}

// A value libical accepted but that names no real moment (month 13, 30 February, …) is not used.
bool usable(icaltimetype& t) {
  if (icaltime_is_null_time(t)) return false;
  if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12) return false;
  if (t.day < 1 || t.day > icaltime_days_in_month(t.month, t.year)) return false;
  if (t.is_date) return true;
  if (t.hour < 0 || t.hour > 23 || t.minute < 0 || t.minute > 59 || t.second < 0 || t.second > 60) return false;
  if (t.second == 60) t.second = 59;  // a leap second: libical's recurrence refuses it
  return true;
}

// --- Zones --------------------------------------------------------------------------------------

// Where a wall-clock value is read: a VTIMEZONE of the file, an IANA zone (named by TZID without a
// VTIMEZONE, or the student's for floating times and dates), or UTC (both null).
struct Zone {
  icaltimezone* vtimezone = nullptr;
  const date::time_zone* tz = nullptr;
  friend bool operator==(const Zone&, const Zone&) = default;
};

// libical looks a VTIMEZONE's offset up in its changes, expanded up to the year asked for (again on
// every call past 2582): far times, outside any window, are taken as they are.
constexpr Seconds kLastZonedWall = Seconds{47'482} * kDay;  // 2100-01-01

Seconds to_instant(Seconds wall, const Zone& z) {
  if (z.vtimezone != nullptr && wall < kLastZonedWall) {
    icaltimetype t = ical_of(wall, false);
    icaltimezone_convert_time(&t, z.vtimezone, icaltimezone_get_utc_timezone());
    return wall_of(t);
  }
  if (z.tz != nullptr && z.vtimezone == nullptr) {
    // A time in a DST gap is read as the end of the gap; a repeated time as its first instance.
    const auto local = date::local_seconds{std::chrono::seconds{wall}};
    return z.tz->to_sys(local, date::choose::earliest).time_since_epoch().count();
  }
  return wall;
}

Seconds to_wall(Seconds instant, const Zone& z) {
  if (z.vtimezone != nullptr && instant < kLastZonedWall) {
    icaltimetype t = ical_of(instant, false);
    icaltimezone_convert_time(&t, icaltimezone_get_utc_timezone(), z.vtimezone);
    return wall_of(t);
  }
  if (z.tz != nullptr && z.vtimezone == nullptr) {
    return z.tz->to_local(date::sys_seconds{std::chrono::seconds{instant}}).time_since_epoch().count();
  }
  return instant;
}

// An IANA zone by name; exporters sometimes prefix it ("/freeassociation.sourceforge.net/Europe/
// Paris"), so the name is tried again without its leading segments. Null when unknown.
const date::time_zone* find_iana_zone(std::string_view name) {
  while (!name.empty()) {
    try {
      return date::locate_zone(std::string(name));
    } catch (const std::exception&) {}
    const auto slash = name.find('/');
    if (slash == std::string_view::npos) break;
    name.remove_prefix(slash + 1);
  }
  return nullptr;
}

// --- Text ---------------------------------------------------------------------------------------

// Decodes one UTF-8 sequence at `s[i]`: its code point and length, or length 0 when invalid.
std::pair<char32_t, std::size_t> decode_utf8(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return {0, 0};
  }
  if (i + len > s.size()) return {0, 0};
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {0, 0};
  return {cp, len};
}

// Old exports in ISO-8859-1: each byte is its own code point.
std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xC0 | (b >> 6));
      out += static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  return out;
}

// A SUMMARY or LOCATION for the student: valid UTF-8 (Latin-1 read as such), control characters
// gone (line breaks and tabs become spaces), runs of spaces joined, trimmed, at most `max_chars`
// code points.
std::string clean_text(const char* raw, std::size_t max_chars) {
  if (raw == nullptr) return {};
  std::string_view in{raw};
  std::string converted;
  if (!text::is_valid_utf8(in)) {
    converted = latin1_to_utf8(in);
    in = converted;
  }
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    const auto [cp, len] = decode_utf8(in, i);
    if (len == 0) {
      ++i;
      continue;
    }
    const bool control = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
    if (cp == '\n' || cp == '\r' || cp == '\t' || cp == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else if (!control) {
      out.append(in.substr(i, len));
    }
    i += len;
  }
  out = text::trim(out);
  std::size_t count = 0;
  for (std::size_t i = 0; i < out.size();) {
    if (count == max_chars) {
      out.resize(i);
      return text::trim(out);
    }
    i += std::max<std::size_t>(1, decode_utf8(out, i).second);
    ++count;
  }
  return out;
}

// --- Reading values -----------------------------------------------------------------------------

// A DTSTART, DTEND, EXDATE, RDATE or RECURRENCE-ID value: its wall-clock time and the zone that
// gives it its instant. Dates are read in the student's zone.
struct When {
  Seconds wall = 0;
  Zone zone;
  bool is_date = false;
  Seconds instant() const { return to_instant(wall, zone); }
};

class Reader {
 public:
  Reader(const ImportWindow& window, const date::time_zone* student_tz, const ImportLimits& limits)
      : window_(window),
        student_{nullptr, student_tz},
        limits_(limits),
        deadline_(std::chrono::steady_clock::now() + kMaxReadTime) {}

  void read(const std::vector<icalcomponent*>& calendars);
  std::vector<BusyEvent> take();

 private:
  // How long an occurrence lasts: `nominal` wall-clock seconds (DTEND in the same zone, DURATION's
  // days and weeks) then `exact` elapsed seconds. `known` is false without DTEND nor DURATION.
  struct Span {
    Seconds nominal = 0;
    Seconds exact = 0;
    bool known = false;
  };
  struct Series {
    std::string title;
    std::string location;
    When start;
    Span span;
    Seconds all_day_days = 1;  // for a DATE start
  };
  // Occurrences a master does not generate: its EXDATEs and the RECURRENCE-IDs of its overrides.
  struct Exclusions {
    std::set<Seconds> instants;
    std::set<Seconds> days;  // DATE values, matched against an occurrence's local day
  };

  std::optional<When> read_when(icalproperty* p, icaltimetype value);
  Zone zone_for(icalproperty* p, const icaltimetype& value);
  Span span_of(icalcomponent* ev, const When& start);
  std::optional<Series> series_of(icalcomponent* ev, icalcomponent* master);
  void add_exclusion(Exclusions& ex, const Series& s, const When& w);
  void expand(icalcomponent* ev, const Series& s, const Exclusions& ex);
  void expand_rule(const Series& s, icalrecurrencetype rule, const Exclusions& ex);
  // Handles one occurrence starting at `wall` (in the series' zone); false once it starts at or
  // after the window's end.
  bool occurrence(const Series& s, Seconds wall, const Exclusions& ex, std::optional<Seconds> fin_instant = {});
  Seconds series_wall(const Series& s, const When& w);
  void add(const Series& s, Seconds debut, Seconds fin);
  void step();
  const Zone& date_zone() const { return student_; }

  ImportWindow window_;
  Zone student_;
  ImportLimits limits_;
  std::chrono::steady_clock::time_point deadline_;
  std::size_t steps_ = 0;
  icalcomponent* calendar_ = nullptr;  // the VCALENDAR being read: its VTIMEZONEs
  std::map<std::string, const date::time_zone*, std::less<>> iana_;
  std::set<std::tuple<std::int64_t, std::int64_t, std::string>> seen_;
  std::vector<BusyEvent> events_;
};

void Reader::step() {
  ++steps_;
  if (steps_ > kMaxRecurrenceSteps) throw_too_complex();
  if (std::chrono::steady_clock::now() > deadline_) throw_too_complex();
}

Zone Reader::zone_for(icalproperty* p, const icaltimetype& value) {
  if (value.is_date) return date_zone();
  if (icaltime_is_utc(value)) return Zone{};
  icalparameter* param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
  const char* tzid = param != nullptr ? icalparameter_get_tzid(param) : nullptr;
  if (tzid == nullptr || *tzid == '\0') return student_;  // floating
  if (icaltimezone* vtimezone = icalcomponent_get_timezone(calendar_, tzid)) return Zone{vtimezone, nullptr};
  auto found = iana_.find(std::string_view{tzid});
  if (found == iana_.end()) found = iana_.emplace(tzid, find_iana_zone(tzid)).first;
  if (found->second != nullptr) return Zone{nullptr, found->second};
  return student_;  // an unknown zone: read as floating
}

std::optional<When> Reader::read_when(icalproperty* p, icaltimetype value) {
  if (!usable(value)) return std::nullopt;
  When w;
  w.is_date = value.is_date != 0;
  w.zone = zone_for(p, value);
  w.wall = wall_of(value);
  return w;
}

Reader::Span Reader::span_of(icalcomponent* ev, const When& start) {
  if (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY)) {
    if (const auto end = read_when(p, icalproperty_get_dtend(p))) {
      if (start.is_date) return Span{(day_of(end->wall) - day_of(start.wall)) * kDay, 0, true};
      if (end->zone == start.zone) return Span{end->wall - start.wall, 0, true};
      return Span{0, end->instant() - start.instant(), true};
    }
  }
  if (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY)) {
    const icaldurationtype d = icalproperty_get_duration(p);
    if (!icaldurationtype_is_bad_duration(d)) {
      if (d.is_neg != 0) return Span{0, 0, true};
      const Seconds days = Seconds{d.weeks} * 7 + d.days;
      const Seconds exact = Seconds{d.hours} * 3600 + Seconds{d.minutes} * 60 + d.seconds;
      return Span{days * kDay, exact, true};
    }
  }
  return Span{};
}

std::optional<Reader::Series> Reader::series_of(icalcomponent* ev, icalcomponent* master) {
  Series s;
  std::optional<When> start;
  if (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY)) {
    start = read_when(p, icalproperty_get_dtstart(p));
  }
  if (!start) {  // an override without DTSTART stays where its RECURRENCE-ID puts it
    if (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
      start = read_when(p, icalproperty_get_recurrenceid(p));
    }
  }
  if (!start) return std::nullopt;
  s.start = *start;
  s.span = span_of(ev, s.start);
  if (!s.span.known && master != nullptr) {
    // An override that does not say how long it lasts lasts as long as its series.
    if (icalproperty* p = icalcomponent_get_first_property(master, ICAL_DTSTART_PROPERTY)) {
      if (const auto master_start = read_when(p, icalproperty_get_dtstart(p))) {
        if (master_start->is_date == s.start.is_date) s.span = span_of(master, *master_start);
      }
    }
  }
  if (s.start.is_date && s.span.known) {
    const Seconds length = s.span.nominal + std::max<Seconds>(0, s.span.exact);
    s.all_day_days = std::max<Seconds>(1, (length + kDay - 1) / kDay);
  }

  const auto text_of = [&](icalproperty_kind kind) -> const char* {
    icalproperty* p = icalcomponent_get_first_property(ev, kind);
    if (p == nullptr && master != nullptr) p = icalcomponent_get_first_property(master, kind);
    if (p == nullptr) return nullptr;
    return kind == ICAL_SUMMARY_PROPERTY ? icalproperty_get_summary(p) : icalproperty_get_location(p);
  };
  s.title = clean_text(text_of(ICAL_SUMMARY_PROPERTY), kMaxTextChars);
  if (s.title.empty()) s.title = "Cours";
  s.location = clean_text(text_of(ICAL_LOCATION_PROPERTY), kMaxTextChars);
  return s;
}

void Reader::add_exclusion(Exclusions& ex, const Series& s, const When& w) {
  // A date excludes that local day; a date-time excludes that instant (its day, for a DATE series).
  if (w.is_date || s.start.is_date) {
    ex.days.insert(day_of(w.wall));
  } else {
    ex.instants.insert(w.instant());
  }
}

// A RDATE or the like, as a wall-clock time in the series' zone.
Seconds Reader::series_wall(const Series& s, const When& w) {
  if (s.start.is_date) return day_of(w.wall) * kDay;
  if (w.is_date) return day_of(w.wall) * kDay + (s.start.wall - day_of(s.start.wall) * kDay);
  if (w.zone == s.start.zone) return w.wall;
  return to_wall(w.instant(), s.start.zone);
}

void Reader::add(const Series& s, Seconds debut, Seconds fin) {
  BusyEvent e;
  e.debut = debut * 1000;
  e.fin = fin * 1000;
  if (e.fin <= e.debut || e.fin <= window_.from_ms || e.debut >= window_.to_ms) return;
  if (!seen_.emplace(e.debut, e.fin, s.title).second) return;  // an exact duplicate
  e.title = s.title;
  e.location = s.location;
  e.all_day = s.start.is_date;
  events_.push_back(std::move(e));
  if (events_.size() > limits_.max_events) throw_too_many(limits_.max_events);
}

bool Reader::occurrence(const Series& s, Seconds wall, const Exclusions& ex, std::optional<Seconds> fin_instant) {
  Seconds debut = 0;
  Seconds fin = 0;
  if (s.start.is_date) {
    const Seconds day = day_of(wall);
    debut = to_instant(day * kDay, date_zone());
    fin = to_instant((day + s.all_day_days) * kDay, date_zone());
  } else {
    debut = to_instant(wall, s.start.zone);
    fin = to_instant(wall + s.span.nominal, s.start.zone) + s.span.exact;
  }
  if (fin_instant) fin = *fin_instant;
  if (debut * 1000 >= window_.to_ms) return false;
  if (ex.days.count(day_of(wall)) != 0) return true;
  if (!s.start.is_date && ex.instants.count(debut) != 0) return true;
  add(s, debut, fin);
  return true;
}

// A rule libical would search for years in vain (30 February, the 6th Monday of a month): its
// iterator would spin to year 20000 before giving up.
bool impossible_rule(const icalrecurrencetype& r) {
  static constexpr int kMaxMonthDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::vector<int> months;
  for (int i = 0; i < ICAL_BY_MONTH_SIZE && r.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    const int m = icalrecurrencetype_month_month(r.by_month[i]);
    if (m < 1 || m > 12) return true;
    months.push_back(m);
  }
  const bool by_month = !months.empty();
  if (!by_month) {
    for (int m = 1; m <= 12; ++m) months.push_back(m);
  }
  if (r.by_month_day[0] != ICAL_RECURRENCE_ARRAY_MAX) {
    bool possible = false;
    for (int i = 0; i < ICAL_BY_MONTHDAY_SIZE && r.by_month_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
      const int d = std::abs(r.by_month_day[i]);
      for (const int m : months) possible = possible || (d >= 1 && d <= kMaxMonthDays[m]);
    }
    if (!possible) return true;
  }
  const bool monthly_days = r.freq == ICAL_MONTHLY_RECURRENCE || (r.freq == ICAL_YEARLY_RECURRENCE && by_month);
  if (monthly_days && r.by_day[0] != ICAL_RECURRENCE_ARRAY_MAX) {
    bool possible = false;
    for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
      possible = possible || std::abs(icalrecurrencetype_day_position(r.by_day[i])) <= 5;
    }
    if (!possible) return true;
  }
  return false;
}

// libical expands a VTIMEZONE into all its changes from its DTSTART on, at once: a rule under a
// year, or by hour, would make millions. Such a VTIMEZONE is dropped (its TZID is then read as an
// IANA name, or floating), and the zones of a file may not make more than kMaxZoneChanges changes
// (counted from their rules, an upper bound).
constexpr std::size_t kMaxZoneChanges = 100'000;
constexpr int kLastZoneYear = 2105;  // kLastZonedWall and libical's extra coverage

std::size_t zone_changes(icalcomponent* vtimezone) {
  constexpr std::size_t kTooMany = kMaxZoneChanges + 1;
  const auto count = [](const short* list, int size) {
    int n = 0;
    while (n < size && list[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
    return n;
  };
  std::size_t total = 0;
  for (icalcomponent* part = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT); part != nullptr;
       part = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
    int year = 1;
    if (icalproperty* p = icalcomponent_get_first_property(part, ICAL_DTSTART_PROPERTY)) {
      year = std::max(1, icalproperty_get_dtstart(p).year);
    }
    for (icalproperty* p = icalcomponent_get_first_property(part, ICAL_RRULE_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(part, ICAL_RRULE_PROPERTY)) {
      const icalrecurrencetype r = icalproperty_get_rrule(p);
      if (r.freq != ICAL_YEARLY_RECURRENCE || r.interval < 1 || impossible_rule(r)) return kTooMany;
      if (r.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX || r.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
          r.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX) {
        return kTooMany;
      }
      // Changes a year: each month named (all twelve by default) times each day named in it (a
      // weekday without position: up to 5); by year day or week number, up to every day.
      std::size_t per_year = 1;
      const int months = count(r.by_month, ICAL_BY_MONTH_SIZE);
      const int month_days = count(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
      int week_days = 0;
      for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
        week_days += icalrecurrencetype_day_position(r.by_day[i]) == 0 ? 5 : 1;
      }
      if (r.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX || r.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX) {
        per_year = 366;
      } else if (month_days > 0 || week_days > 0) {
        per_year = std::min<std::size_t>(366, static_cast<std::size_t>(months > 0 ? months : 12) *
                                                  static_cast<std::size_t>(std::max(month_days, week_days)));
      }
      std::size_t changes = per_year * (static_cast<std::size_t>(std::max(0, kLastZoneYear - year) / r.interval) + 1);
      if (r.count > 0) changes = std::min(changes, static_cast<std::size_t>(r.count));
      total += changes;
    }
    for (icalproperty* p = icalcomponent_get_first_property(part, ICAL_RDATE_PROPERTY); p != nullptr;
         p = icalcomponent_get_next_property(part, ICAL_RDATE_PROPERTY)) {
      ++total;
    }
    if (total > kMaxZoneChanges) return kTooMany;
  }
  return total;
}

// Drops the VTIMEZONEs of a calendar that would cost too much (see zone_changes).
void drop_costly_zones(icalcomponent* calendar, std::size_t& budget) {
  std::vector<icalcomponent*> costly;
  for (icalcomponent* z = icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT); z != nullptr;
       z = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)) {
    const std::size_t changes = zone_changes(z);
    if (changes > budget) {
      costly.push_back(z);
    } else {
      budget -= changes;
    }
  }
  for (icalcomponent* z : costly) {
    icalcomponent_remove_component(calendar, z);
    icalcomponent_free(z);
  }
}

void Reader::expand_rule(const Series& s, icalrecurrencetype rule, const Exclusions& ex) {
  if (rule.freq == ICAL_NO_RECURRENCE || rule.interval < 1 || impossible_rule(rule)) return;
  const bool is_date = s.start.is_date;
  const Zone& zone = is_date ? date_zone() : s.start.zone;

  // The rule is iterated on floating wall-clock times (libical compares UNTIL field by field), and
  // stopped just past the window: an UNTIL in UTC is moved to the series' zone, and an endless rule
  // (or a far UNTIL) ends the day after the window.
  Seconds until = to_wall(floor_div(window_.to_ms, 1000) + 1, zone) + kDay;
  if (!icaltime_is_null_time(rule.until) && usable(rule.until)) {
    Seconds own = wall_of(rule.until);
    if (!rule.until.is_date && icaltime_is_utc(rule.until)) own = to_wall(own, zone);
    if (rule.until.is_date && !is_date) own += kDay - 1;  // the whole of that day
    until = std::min(until, own);
  }
  if (is_date) until = day_of(until) * kDay;
  if (until < s.start.wall) return;

  // Occurrences long before the window are skipped (not possible with COUNT, which counts them).
  const Seconds length = is_date ? s.all_day_days * kDay : s.span.nominal + std::max<Seconds>(0, s.span.exact);
  const Seconds from = to_wall(floor_div(window_.from_ms, 1000), zone) - length - 2 * kDay;
  Seconds unit = 0;  // a rule's interval under a day, in seconds
  switch (rule.freq) {
    case ICAL_SECONDLY_RECURRENCE: unit = rule.interval; break;
    case ICAL_MINUTELY_RECURRENCE: unit = Seconds{60} * rule.interval; break;
    case ICAL_HOURLY_RECURRENCE: unit = Seconds{3600} * rule.interval; break;
    default: break;
  }
  if (unit != 0 && is_date) return;  // hours of a date: meaningless
  Seconds first = s.start.wall;
  const bool set_start = rule.count == 0 && from > first && unit == 0;
  // libical's icalrecur_iterator_set_start gets intervals under a day wrong (3.0.16): such a rule
  // starts instead at a later DTSTART, a whole number of intervals on.
  if (rule.count == 0 && from > first && unit != 0) first += (from - first) / unit * unit;
  // Under a day, libical steps through the times a BY… part filters out one interval at a time,
  // inside one call (FREQ=SECONDLY;BYMONTH=2 in March: a year of seconds): such a rule may cover
  // at most kMaxSubDailySteps intervals, and one that needs more is refused.
  bool capped = false;
  if (unit != 0 && first + kMaxSubDailySteps * unit < until) {
    until = first + kMaxSubDailySteps * unit;
    capped = true;
  }
  rule.until = ical_of(until, is_date);

  IteratorPtr it{icalrecur_iterator_new(rule, ical_of(first, is_date))};
  if (!it) return;  // a rule libical refuses
  if (set_start && icalrecur_iterator_set_start(it.get(), ical_of(from, is_date)) == 0) return;

  int produced = 0;
  for (;;) {
    step();
    const icaltimetype t = icalrecur_iterator_next(it.get());
    if (icaltime_is_null_time(t) || wall_of(t) > until) {
      if (capped && (rule.count == 0 || produced < rule.count)) throw_too_complex();
      break;
    }
    ++produced;
    if (!occurrence(s, wall_of(t), ex)) break;
  }
}

void Reader::expand(icalcomponent* ev, const Series& s, const Exclusions& ex) {
  // DTSTART is always an occurrence; the rules and RDATEs add theirs (duplicates are kept once).
  occurrence(s, s.start.wall, ex);
  for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY)) {
    expand_rule(s, icalproperty_get_rrule(p), ex);
  }
  for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
    step();
    const icaldatetimeperiodtype r = icalproperty_get_rdate(p);
    if (!icaltime_is_null_time(r.time)) {
      if (const auto w = read_when(p, r.time)) occurrence(s, series_wall(s, *w), ex);
      continue;
    }
    // A PERIOD: its own start and end (or duration).
    const auto begin = read_when(p, r.period.start);
    if (!begin) continue;
    std::optional<Seconds> fin;
    if (const auto end = read_when(p, r.period.end); end && !s.start.is_date) {
      fin = end->instant();
    } else if (!icaldurationtype_is_null_duration(r.period.duration) && !s.start.is_date) {
      fin = begin->instant() + icaldurationtype_as_int(r.period.duration);
    }
    occurrence(s, series_wall(s, *begin), ex, fin);
  }
}

void Reader::read(const std::vector<icalcomponent*>& calendars) {
  // First the overrides (RECURRENCE-ID) and their masters, by UID: an override replaces the
  // occurrence it names, moved or cancelled.
  std::unordered_map<std::string, std::vector<When>> overridden;
  std::unordered_map<std::string, icalcomponent*> masters;
  for (icalcomponent* calendar : calendars) {
    calendar_ = calendar;
    for (icalcomponent* ev = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); ev != nullptr;
         ev = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
      const char* uid = icalcomponent_get_uid(ev);
      if (uid == nullptr) continue;
      if (icalproperty* rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
        if (const auto w = read_when(rid, icalproperty_get_recurrenceid(rid))) overridden[uid].push_back(*w);
      } else {
        masters.emplace(uid, ev);
      }
    }
  }

  for (icalcomponent* calendar : calendars) {
    calendar_ = calendar;
    for (icalcomponent* ev = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); ev != nullptr;
         ev = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
      step();
      if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) continue;
      if (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY)) {
        const icalproperty_transp transp = icalproperty_get_transp(p);
        if (transp == ICAL_TRANSP_TRANSPARENT || transp == ICAL_TRANSP_TRANSPARENTNOCONFLICT) continue;
      }
      const char* uid = icalcomponent_get_uid(ev);
      const bool is_override = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY) != nullptr;
      icalcomponent* master = nullptr;
      if (is_override && uid != nullptr) {
        if (const auto m = masters.find(uid); m != masters.end()) master = m->second;
      }
      const auto series = series_of(ev, master);
      if (!series) continue;
      Exclusions ex;
      if (is_override) {
        occurrence(*series, series->start.wall, ex);  // one occurrence, its rules ignored
        continue;
      }
      for (icalproperty* p = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY); p != nullptr;
           p = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
        if (const auto w = read_when(p, icalproperty_get_exdate(p))) add_exclusion(ex, *series, *w);
      }
      if (uid != nullptr) {
        if (const auto o = overridden.find(uid); o != overridden.end()) {
          for (const When& w : o->second) add_exclusion(ex, *series, w);
        }
      }
      expand(ev, *series, ex);
    }
  }
}

std::vector<BusyEvent> Reader::take() {
  std::sort(events_.begin(), events_.end(), [](const BusyEvent& a, const BusyEvent& b) {
    return std::tie(a.debut, a.fin, a.title) < std::tie(b.debut, b.fin, b.title);
  });
  return std::move(events_);
}

// --- Exams --------------------------------------------------------------------------------------

// The letter a code point stands for in a search: lowercase ASCII, accents dropped ("É" → "e",
// "œ" → "oe"); "" for a combining accent (NFD text); " " for a separator; "#" for any other letter.
std::string_view fold(char32_t cp) {
  static constexpr std::string_view kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // À…Ï
      "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "ss",  // Ð…ß
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // à…ï
      "d", "n", "o", "o", "o", "o", "o",  " ", "o", "u", "u", "u", "u", "y", "th", "y",   // ð…ÿ
  };
  static constexpr std::string_view kAscii[26] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
                                                  "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
  static constexpr std::string_view kDigits[10] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  if (cp >= 'a' && cp <= 'z') return kAscii[cp - 'a'];
  if (cp >= 'A' && cp <= 'Z') return kAscii[cp - 'A'];
  if (cp >= '0' && cp <= '9') return kDigits[cp - '0'];
  if (cp < 0xC0) return " ";  // ASCII punctuation, controls, Latin-1 symbols, no-break space
  if (cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp == 0x152 || cp == 0x153) return "oe";
  if (cp >= 0x300 && cp <= 0x36F) return "";                                       // combining accents
  if ((cp >= 0x2000 && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF) return " ";  // dashes, quotes, spaces
  return "#";
}

// Words of a title, folded: "Contrôle n°2 (DS)" → {"controle", "n", "2", "ds"}.
std::vector<std::string> folded_words(std::string_view title) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < title.size();) {
    auto [cp, len] = decode_utf8(title, i);
    if (len == 0) cp = '#', len = 1;
    const std::string_view f = fold(cp);
    i += len;
    if (f == " ") {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back() += f;
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// `word` is `stem`, or `stem` then a number ("ds2", "partiel3").
bool matches(std::string_view word, std::string_view stem) {
  if (word.substr(0, stem.size()) != stem) return false;
  return std::all_of(word.begin() + static_cast<std::ptrdiff_t>(stem.size()), word.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<BusyEvent> read_timetable(std::string_view ics, const ImportWindow& window,
                                      const date::time_zone* student_tz, const ImportLimits& limits) {
  if (ics.size() > limits.max_bytes) throw_too_large(limits.max_bytes);
  if (ics.substr(0, 3) == "\xEF\xBB\xBF") ics.remove_prefix(3);  // a UTF-8 byte order mark
  if (ics.find_first_not_of(" \t\r\n") == std::string_view::npos) throw_invalid();

  const std::string text{ics};  // libical reads a NUL-terminated string
  const ComponentPtr root{icalparser_parse_string(text.c_str())};
  if (!root) throw_invalid();
  std::vector<icalcomponent*> calendars;
  if (icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT) {
    calendars.push_back(root.get());
  } else if (icalcomponent_isa(root.get()) == ICAL_XROOT_COMPONENT) {  // several VCALENDARs in a row
    for (icalcomponent* c = icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT); c != nullptr;
         c = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT)) {
      calendars.push_back(c);
    }
  }
  if (calendars.empty()) throw_invalid();
  if (window.to_ms <= window.from_ms) return {};

  std::size_t zone_budget = kMaxZoneChanges;
  for (icalcomponent* calendar : calendars) drop_costly_zones(calendar, zone_budget);

  Reader reader{window, student_tz, limits};
  reader.read(calendars);
  return reader.take();
}

// Exam words, whole words, case and accents ignored, each also in the plural and followed by a
// number ("DS2", "Partiel 3" both count): contrôle, examen, exam, DS, partiel, interro, épreuve,
// concours, and « bac blanc ». "ads" or "examinateur" are not exams.
bool looks_like_exam(std::string_view title) {
  static constexpr std::string_view kStems[] = {
      "controle", "controles", "examen",  "examens",  "exam",    "exams",    "ds",
      "partiel",  "partiels",  "interro", "interros", "epreuve", "epreuves", "concours",
  };
  const std::vector<std::string> words = folded_words(title);
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (const std::string_view stem : kStems) {
      if (matches(words[i], stem)) return true;
    }
    if (i + 1 < words.size() && (words[i] == "bac" || words[i] == "bacs") &&
        (words[i + 1] == "blanc" || words[i + 1] == "blancs")) {
      return true;
    }
  }
  return false;
}

}  // namespace planetude::ical
