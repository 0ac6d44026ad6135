// services/scheduler: the built-in scheduler. Property tests over generated requests (every
// planning rule, the daily target, exam ramp, reviews, determinism), then named cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/datetime.hpp"
#include "services/planning/scheduler.hpp"

namespace dt = planetude::datetime;
namespace sch = planetude::scheduler;
using dt::Millis;

namespace {

constexpr Millis kMinute = 60 * 1000;
constexpr Millis kHour = 60 * kMinute;
constexpr Millis kDay = 24 * kHour;
constexpr Millis kMaxBreak = 20 * kMinute;

Millis utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0) {
  using namespace std::chrono;
  auto t = date::sys_days(date::year{y} / mo / d) + hours(h) + minutes(mi);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// Midnight of that local date in `tz`.
Millis local_midnight(int y, unsigned mo, unsigned d, const date::time_zone* tz) {
  return dt::start_of_day(date::year{y} / mo / d, tz);
}

long day_of(Millis t, const date::time_zone* tz) {
  auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(t)));
  return date::floor<date::days>(local).time_since_epoch().count();
}

int local_minute_of(Millis t, const date::time_zone* tz) {
  auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(t)));
  auto since = local - date::floor<date::days>(local);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since).count());
}

int weekday_of(long day) {
  return static_cast<int>(date::weekday(date::local_days{date::days{day}}).iso_encoding()) - 1;
}

int minutes_of(const sch::Session& s) { return static_cast<int>((s.fin - s.debut) / kMinute); }

int break_after(int minutes) { return minutes <= 45 ? 10 : minutes <= 75 ? 15 : 20; }

struct Span {
  Millis begin, end;
};

// Removes `cut` from every span of `spans`.
std::vector<Span> subtract(const std::vector<Span>& spans, Span cut) {
  std::vector<Span> out;
  for (const auto& s : spans) {
    if (cut.end <= s.begin || cut.begin >= s.end) {
      out.push_back(s);
      continue;
    }
    if (cut.begin > s.begin) out.push_back({s.begin, cut.begin});
    if (cut.end < s.end) out.push_back({cut.end, s.end});
  }
  return out;
}

// The windows that apply (the defaults when none is given), as the test reads the contract.
std::vector<sch::Availability> windows_of(const sch::Request& r) {
  return r.availability.empty() ? sch::default_availability() : r.availability;
}

// Sorted and merged (overlapping or touching spans joined).
std::vector<Span> merged(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::vector<Span> out;
  for (const auto& s : spans) {
    if (!out.empty() && s.begin <= out.back().end) out.back().end = std::max(out.back().end, s.end);
    else out.push_back(s);
  }
  return out;
}

// The instants of local `day`'s windows, each converted with the zone for that day, as their
// union (overlapping windows make one).
std::vector<Span> window_spans(long day, const sch::Request& r) {
  std::vector<Span> out;
  date::local_days local{date::days{day}};
  for (const auto& w : windows_of(r)) {
    if (w.weekday != weekday_of(day) || w.start_minute >= w.end_minute) continue;
    auto at = [&](int minute) {
      auto t = date::local_time<std::chrono::milliseconds>(local) + std::chrono::minutes(minute);
      return r.tz->to_sys(t, date::choose::earliest).time_since_epoch().count();
    };
    if (at(w.start_minute) < at(w.end_minute)) out.push_back({at(w.start_minute), at(w.end_minute)});
  }
  return merged(std::move(out));
}

// The day's free time computed independently: windows, clipped to the period and not_before,
// minus the busy intervals.
std::vector<Span> free_time(long day, const sch::Request& r) {
  Millis lo = std::max(r.period_start, r.not_before);
  std::vector<Span> spans;
  for (auto s : window_spans(day, r)) {
    s.begin = std::max(s.begin, lo);
    s.end = std::min(s.end, r.period_end);
    if (s.begin < s.end) spans.push_back(s);
  }
  for (const auto& b : r.busy) spans = subtract(spans, {b.debut, b.fin});
  return spans;
}

// When each subject stops being studyable: its last exam, or never.
std::map<std::string, Millis> subject_ends(const sch::Request& r) {
  std::map<std::string, Millis> ends;
  for (const auto& s : r.subjects) ends[s] = INT64_MAX;
  for (const auto& e : r.exams) ends[e.matiere] = INT64_MIN;
  for (const auto& e : r.exams) ends[e.matiere] = std::max(ends[e.matiere], e.at);
  return ends;
}

std::string describe(const sch::Request& r) {
  std::ostringstream o;
  o << "tz=" << r.tz->name() << " start=" << r.period_start << " end=" << r.period_end << " nb=" << r.not_before
    << " mpd=" << r.minutes_per_day << " subjects=" << r.subjects.size() << " weights=" << r.weights.size()
    << " windows=" << r.availability.size() << " exams=" << r.exams.size() << " busy=" << r.busy.size();
  return o.str();
}

bool same(const std::vector<sch::Session>& a, const std::vector<sch::Session>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].matiere != b[i].matiere || a[i].debut != b[i].debut || a[i].fin != b[i].fin || a[i].notes != b[i].notes)
      return false;
  return true;
}

// ---- Generated requests ----------------------------------------------------------------------

const char* const kSubjects[] = {"Maths",   "Physique",    "Chimie",   "Histoire",
                                 "Anglais", "Philosophie", "Biologie", "Économie"};
const char* const kZones[] = {"UTC", "Europe/Paris", "America/Santiago", "Pacific/Auckland"};

sch::Request generate(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  sch::Request r;
  r.tz = dt::zone(kZones[pick(0, 3)]);

  // Starts near DST changes of the zones used (Europe/Paris, America/Santiago, Pacific/Auckland)
  // or on an ordinary day.
  static const date::year_month_day kStarts[] = {
      date::year{2026} / 3 / 27, date::year{2026} / 10 / 23, date::year{2026} / 4 / 3,  date::year{2026} / 9 / 4,
      date::year{2026} / 9 / 25, date::year{2025} / 12 / 30, date::year{2026} / 1 / 12, date::year{2027} / 2 / 28};
  date::year_month_day start_day = kStarts[pick(0, 7)];
  if (pick(0, 2) == 0) start_day = dt::add_days(date::year{2025} / 1 / 1, pick(0, 900));
  Millis start = dt::start_of_day(start_day, r.tz);
  if (pick(0, 3) == 0) start += pick(0, 23 * 60) * kMinute + pick(0, 59999);  // a date-time, not a date
  static const dt::Period kPeriods[] = {dt::Period::jour, dt::Period::semaine, dt::Period::mois, dt::Period::semestre};
  r.period_start = start;
  r.period_end = dt::add_period(start, kPeriods[pick(0, 3)], r.tz);

  int n = pick(1, 8);
  for (int i = 0; i < n; ++i) r.subjects.push_back(kSubjects[i]);
  if (pick(0, 1) == 0)
    for (int i = 0; i < n; ++i) r.weights.push_back(0.5 + pick(0, 25) / 10.0);

  static const int kMinutes[] = {15, 20, 25, 30, 45, 60, 90, 120, 180, 240, 300, 480, 720};
  r.minutes_per_day = pick(0, 1) ? kMinutes[pick(0, 12)] : pick(15, 720);

  switch (pick(0, 4)) {
    case 0: break;  // none given: the defaults
    case 1:         // the same evening every day
      for (int d = 0; d < 7; ++d) r.availability.push_back({d, 18 * 60, 18 * 60 + pick(1, 16) * 15});
      break;
    case 2:  // around the night, where DST changes happen
      for (int d = 0; d < 7; ++d) r.availability.push_back({d, pick(0, 4) * 30, pick(5, 10) * 30});
      break;
    default: {  // random windows, possibly overlapping, possibly missing some days
      int k = pick(1, 12);
      for (int i = 0; i < k; ++i) {
        int s = pick(0, 95) * 15;
        r.availability.push_back({pick(0, 6), s, std::min(1440, s + pick(1, 40) * 15)});
      }
    }
  }

  Millis length = r.period_end - r.period_start;
  int exams = pick(0, 3);
  for (int i = 0; i < exams; ++i) {
    std::string subject =
        pick(0, 9) == 0 ? std::string("Géographie") : r.subjects[static_cast<std::size_t>(pick(0, n - 1))];
    Millis at = r.period_start - 2 * kDay + std::uniform_int_distribution<Millis>(0, length + 4 * kDay)(rng);
    r.exams.push_back({subject, at / kMinute * kMinute});
  }
  int busy = pick(0, 20);
  for (int i = 0; i < busy; ++i) {
    Millis b = r.period_start + std::uniform_int_distribution<Millis>(0, length)(rng) / (5 * kMinute) * (5 * kMinute);
    r.busy.push_back({b, b + pick(6, 36) * 5 * kMinute});
  }
  r.not_before = pick(0, 1) ? r.period_start : r.period_start - kDay + pick(0, 4 * 24 * 60) * kMinute;
  return r;
}

// Checks every guarantee of scheduler.hpp on one request and its result.
void check_case(const sch::Request& r, const std::vector<sch::Session>& out) {
  SCOPED_TRACE(describe(r));
  const auto* tz = r.tz;
  Millis lo = std::max(r.period_start, r.not_before);
  int target = std::max(std::clamp(r.minutes_per_day, 15, 720), 25);
  auto ends = subject_ends(r);
  ASSERT_LE(out.size(), 1000u);

  std::map<long, int> minutes_by_day;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& s = out[i];
    SCOPED_TRACE("session " + std::to_string(i) + " " + s.matiere + " " + std::to_string(s.debut) + " " + s.notes);
    ASSERT_TRUE(ends.count(s.matiere)) << "unknown subject";
    EXPECT_GE(s.debut, lo);
    EXPECT_LE(s.fin, r.period_end);
    EXPECT_EQ((s.fin - s.debut) % kMinute, 0);
    EXPECT_GE(minutes_of(s), 25);
    EXPECT_LE(minutes_of(s), 90);
    EXPECT_LE(s.fin, ends[s.matiere]) << "after its exam began";
    EXPECT_FALSE(s.notes.empty());
    // Inside one window of its local day, as instants and on the local clock.
    long day = day_of(s.debut, tz);
    auto spans = window_spans(day, r);
    EXPECT_TRUE(std::any_of(spans.begin(), spans.end(), [&](const Span& w) {
      return w.begin <= s.debut && s.fin <= w.end;
    })) << "outside the windows";
    int start_minute = local_minute_of(s.debut, tz);
    auto windows = windows_of(r);
    EXPECT_TRUE(std::any_of(windows.begin(), windows.end(), [&](const sch::Availability& w) {
      return w.weekday == weekday_of(day) && w.start_minute <= start_minute && start_minute < w.end_minute;
    })) << "starts outside the windows on the local clock";
    for (const auto& b : r.busy) EXPECT_FALSE(b.debut < s.fin && s.debut < b.fin) << "overlaps a busy interval";
    if (i > 0) {
      const auto& p = out[i - 1];
      EXPECT_LT(p.debut, s.debut) << "not sorted";
      EXPECT_LE(p.fin, s.debut) << "overlap";
      if (day_of(p.debut, tz) == day) {
        EXPECT_GE(s.debut - p.fin, break_after(minutes_of(p)) * kMinute) << "no break";
      }
    }
    minutes_by_day[day] += minutes_of(s);
  }

  // The daily target: never more than 10% over; under 90% only when no room was left.
  long first = day_of(lo, tz), last = day_of(r.period_end - 1, tz);
  long capped_from = out.size() == 1000 ? day_of(out.back().debut, tz) : last + 1;
  for (long day = first; day <= last && day < capped_from; ++day) {
    int total = minutes_by_day[day];
    SCOPED_TRACE("day " + date::format("%F", date::local_days{date::days{day}}) + " total " + std::to_string(total));
    EXPECT_LE(10 * total, 11 * target);
    auto room = free_time(day, r);
    // One free span long enough for the whole target with the longest breaks: within 10%.
    Millis enough = (target + 25 + 24 * (target / 25 + 2)) * kMinute;
    bool big = std::any_of(room.begin(), room.end(), [&](const Span& f) {
      return f.end - f.begin >= enough &&
             std::any_of(ends.begin(), ends.end(), [&](const auto& e) { return e.second >= f.end; });
    });
    if (big) {
      EXPECT_GE(10 * total, 9 * target) << "under target in a day with a long free span";
    }
    if (target - total < 25) continue;
    for (const auto& s : out)
      if (day_of(s.debut, tz) == day) room = subtract(room, {s.debut - kMaxBreak, s.fin + kMaxBreak});
    for (const auto& piece : room) {
      bool usable = std::any_of(ends.begin(), ends.end(), [&](const auto& e) {
        return std::min(piece.end, e.second) - piece.begin >= 30 * kMinute;
      });
      EXPECT_FALSE(usable) << "under target with room left at " << piece.begin << ".." << piece.end;
    }
  }

  // Reviews about 1, 3 and 7 days after a subject's first session.
  std::map<std::string, long> discovered;
  std::set<std::pair<std::string, std::string>> reviews;
  for (const auto& s : out) {
    long day = day_of(s.debut, tz);
    if (!discovered.count(s.matiere)) {
      EXPECT_EQ(s.notes, "Découverte") << s.matiere;
      discovered[s.matiere] = day;
      continue;
    }
    EXPECT_NE(s.notes, "Découverte");
    for (int k : {1, 3, 7}) {
      if (s.notes != "Révision J+" + std::to_string(k)) continue;
      EXPECT_GE(day, discovered[s.matiere] + k) << s.notes;
      EXPECT_LE(day, discovered[s.matiere] + k + 3) << s.notes;
      EXPECT_TRUE(reviews.insert({s.matiere, s.notes}).second) << "twice " << s.notes;
    }
  }

  // Interleaving: with two subjects that can always be studied, never the same one twice in a row.
  int always = static_cast<int>(
      std::count_if(ends.begin(), ends.end(), [&](const auto& e) { return e.second >= r.period_end; }));
  if (always >= 2)
    for (std::size_t i = 1; i < out.size(); ++i)
      if (day_of(out[i - 1].debut, tz) == day_of(out[i].debut, tz)) {
        EXPECT_NE(out[i - 1].matiere, out[i].matiere) << "twice in a row at " << out[i].debut;
      }
}

// An exam subject's share of the time in its final week, against its share before the last 14 days.
struct ShareCheck {
  int checked = 0;
};

void check_exam_ramp(const sch::Request& r, const std::vector<sch::Session>& out, ShareCheck& stats) {
  auto ends = subject_ends(r);
  Millis lo = std::max(r.period_start, r.not_before);
  for (const auto& exam : r.exams) {
    Millis e = exam.at;
    if (e - lo < 28 * kDay || e > r.period_end) continue;
    bool alone = std::none_of(r.exams.begin(), r.exams.end(), [&](const sch::Exam& o) {
      return &o != &exam && o.at > e - 21 * kDay && o.at < e + kDay;
    });
    int others_open = static_cast<int>(std::count_if(
        ends.begin(), ends.end(), [&](const auto& x) { return x.first != exam.matiere && x.second > e; }));
    // Its only exam, and another subject still studied in the final week.
    if (!alone || others_open < 1 || ends[exam.matiere] != e) continue;
    double mine_final = 0, all_final = 0, mine_before = 0, all_before = 0;
    int sessions_final = 0;
    for (const auto& s : out) {
      double m = static_cast<double>(s.fin - s.debut);
      bool mine = s.matiere == exam.matiere;
      if (s.debut >= e - 7 * kDay && s.fin <= e) {
        (mine ? mine_final : all_final) += m;
        ++sessions_final;
      }
      if (s.fin <= e - 14 * kDay) (mine ? mine_before : all_before) += m;
    }
    all_final += mine_final;
    all_before += mine_before;
    // Shares are only meaningful over enough sessions: three per subject in the final week.
    if (sessions_final < 3 * (others_open + 1) || all_before < 600 * kMinute) continue;
    SCOPED_TRACE(describe(r) + " exam " + exam.matiere);
    EXPECT_GT(mine_final / all_final, mine_before / all_before + 0.05);
    ++stats.checked;
  }
}

}  // namespace

TEST(SchedulerProperties, GeneratedRequestsObeyEveryRule) {
  ShareCheck stats;
  int nonempty = 0;
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    auto request = generate(rng);
    SCOPED_TRACE("seed " + std::to_string(seed));
    auto out = sch::schedule(request);
    check_case(request, out);
    check_exam_ramp(request, out, stats);
    EXPECT_TRUE(same(out, sch::schedule(request))) << "not deterministic";
    if (!out.empty()) ++nonempty;
  }
  // The generator must exercise the interesting paths, or the properties above prove little.
  EXPECT_GE(nonempty, 250);
  EXPECT_GE(stats.checked, 10);
}

namespace {

// Two subjects over a week from Monday 2026-01-05 (UTC), default windows, 120 minutes a day.
sch::Request basic_request() {
  sch::Request r;
  r.tz = dt::zone("UTC");
  r.period_start = utc(2026, 1, 5);
  r.period_end = utc(2026, 1, 12);
  r.not_before = r.period_start;
  r.subjects = {"Maths", "Physique"};
  r.minutes_per_day = 120;
  return r;
}

std::map<long, int> minutes_per_day(const std::vector<sch::Session>& out, const date::time_zone* tz) {
  std::map<long, int> m;
  for (const auto& s : out) m[day_of(s.debut, tz)] += minutes_of(s);
  return m;
}

long day_number(int y, unsigned mo, unsigned d) {
  return date::local_days(date::year{y} / mo / d).time_since_epoch().count();
}

}  // namespace

TEST(Scheduler, DefaultAvailabilityIsMorningAndAfternoonEveryDay) {
  auto windows = sch::default_availability();
  ASSERT_EQ(windows.size(), 14u);
  for (int d = 0; d < 7; ++d) {
    EXPECT_EQ(windows[2 * d].weekday, d);
    EXPECT_EQ(windows[2 * d].start_minute, 9 * 60);
    EXPECT_EQ(windows[2 * d].end_minute, 12 * 60);
    EXPECT_EQ(windows[2 * d + 1].start_minute, 14 * 60);
    EXPECT_EQ(windows[2 * d + 1].end_minute, 19 * 60);
  }
}

TEST(Scheduler, NothingWithoutAvailabilitySubjectsOrPeriod) {
  auto r = basic_request();
  ASSERT_FALSE(sch::schedule(r).empty());

  auto no_windows = r;  // given, but every window is empty or invalid: not the defaults
  no_windows.availability = {{0, 600, 600}, {3, 700, 650}, {7, 0, 600}, {-1, 0, 600}};
  EXPECT_TRUE(sch::schedule(no_windows).empty());

  auto no_subjects = r;
  no_subjects.subjects.clear();
  EXPECT_TRUE(sch::schedule(no_subjects).empty());
  no_subjects.subjects = {"", ""};
  EXPECT_TRUE(sch::schedule(no_subjects).empty());

  auto backwards = r;
  backwards.period_end = backwards.period_start;
  EXPECT_TRUE(sch::schedule(backwards).empty());
  backwards.period_end = backwards.period_start - kDay;
  EXPECT_TRUE(sch::schedule(backwards).empty());

  auto too_late = r;
  too_late.not_before = r.period_end;
  EXPECT_TRUE(sch::schedule(too_late).empty());

  auto all_busy = r;
  all_busy.busy = {{r.period_start, r.period_end}};
  EXPECT_TRUE(sch::schedule(all_busy).empty());
}

TEST(Scheduler, OddInputNeverCrashes) {
  auto r = basic_request();
  r.tz = nullptr;  // UTC
  r.period_start = INT64_MIN;
  r.period_end = INT64_MAX;
  r.not_before = INT64_MIN;
  r.weights = {std::numeric_limits<double>::infinity(), -1};
  r.exams = {{"", 0}, {"Chimie", INT64_MAX}};
  r.busy = {{INT64_MAX - 5, INT64_MIN}};
  auto out = sch::schedule(r);
  EXPECT_EQ(out.size(), 1000u);  // a huge period stops at the planning limit
  EXPECT_TRUE(std::is_sorted(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.debut < b.debut; }));
}

TEST(Scheduler, MinutesPerDayOutOfRangeIsClamped) {
  auto r = basic_request();
  r.minutes_per_day = -40;  // clamped to 15, then one minimum session a day
  for (auto [day, total] : minutes_per_day(sch::schedule(r), r.tz)) EXPECT_EQ(total, 25);
  EXPECT_EQ(minutes_per_day(sch::schedule(r), r.tz).size(), 7u);

  r.minutes_per_day = 5000;  // clamped to 720; the 8 hours of the default windows bind first
  auto out = sch::schedule(r);
  for (auto [day, total] : minutes_per_day(out, r.tz)) {
    EXPECT_LE(total, 480);
    EXPECT_GE(total, 300);  // the breaks cost some of the 8 hours, not most of them
  }
}

TEST(Scheduler, MeetsTheDailyTargetExactlyWhenThereIsRoom) {
  for (int target : {25, 45, 60, 90, 100, 120, 180, 240, 300}) {
    auto r = basic_request();
    r.minutes_per_day = target;
    auto days = minutes_per_day(sch::schedule(r), r.tz);
    ASSERT_EQ(days.size(), 7u) << target;
    for (auto [day, total] : days) EXPECT_EQ(total, target);
  }
}

TEST(Scheduler, NeverMoreThanTenPercentOver) {
  auto r = basic_request();
  r.minutes_per_day = 45;
  r.availability = {{0, 9 * 60, 9 * 60 + 30}, {0, 10 * 60, 10 * 60 + 30}};  // lundi, two half hours
  auto out = sch::schedule(r);
  // 30 + 25 would be 55 minutes (22% over): one 30-minute session it is.
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].debut, utc(2026, 1, 5, 9));
  EXPECT_EQ(minutes_of(out[0]), 30);

  r.minutes_per_day = 50;  // 25 + 25: the first session leaves a minimum one for the second window
  out = sch::schedule(r);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(minutes_of(out[0]) + minutes_of(out[1]), 50);
}

TEST(Scheduler, SingleThirtyMinuteWindow) {
  auto r = basic_request();
  r.availability = {{2, 10 * 60, 10 * 60 + 30}};  // mercredi 10:00–10:30
  auto out = sch::schedule(r);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].debut, utc(2026, 1, 7, 10));
  EXPECT_EQ(out[0].fin, utc(2026, 1, 7, 10, 30));
  EXPECT_EQ(out[0].matiere, "Maths");
  EXPECT_EQ(out[0].notes, "Découverte");
}

TEST(Scheduler, StartsAfterNotBeforeOnAFiveMinuteBoundary) {
  auto r = basic_request();
  r.not_before = utc(2026, 1, 5, 9, 7) + 1234;
  auto out = sch::schedule(r);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].debut, utc(2026, 1, 5, 9, 10));
}

TEST(Scheduler, ExamOnTheFirstDay) {
  auto r = basic_request();
  r.exams = {{"Physique", utc(2026, 1, 5, 11)}};
  auto out = sch::schedule(r);
  ASSERT_FALSE(out.empty());
  // Its exam day weighs most: Physique goes first, and ends before the exam.
  EXPECT_EQ(out[0].matiere, "Physique");
  EXPECT_EQ(out[0].debut, utc(2026, 1, 5, 9));
  int physique = 0;
  for (const auto& s : out) {
    if (s.matiere != "Physique") continue;
    ++physique;
    EXPECT_LE(s.fin, utc(2026, 1, 5, 11));
  }
  EXPECT_EQ(physique, 1);
  // Maths takes the rest of the week, every day at its target.
  for (auto [day, total] : minutes_per_day(out, r.tz)) EXPECT_EQ(total, 120);
}

TEST(Scheduler, ExamSubjectMissingFromSubjectsIsAdded) {
  auto r = basic_request();
  r.exams = {{"Chimie", utc(2026, 1, 10, 8)}};
  auto out = sch::schedule(r);
  auto chimie = std::count_if(out.begin(), out.end(), [](const auto& s) { return s.matiere == "Chimie"; });
  EXPECT_GE(chimie, 2);
  for (const auto& s : out) {
    if (s.matiere == "Chimie") {
      EXPECT_LE(s.fin, utc(2026, 1, 10, 8));
    }
  }
}

TEST(Scheduler, TwoExamsOfOneSubjectStudiedUntilTheLast) {
  auto r = basic_request();
  r.exams = {{"Maths", utc(2026, 1, 9, 8)}, {"Maths", utc(2026, 1, 7, 8)}};  // a partiel, then the final
  auto out = sch::schedule(r);
  bool between = false;
  for (const auto& s : out) {
    if (s.matiere != "Maths") continue;
    EXPECT_LE(s.fin, utc(2026, 1, 9, 8));
    between = between || (s.debut >= utc(2026, 1, 7, 8) && s.fin <= utc(2026, 1, 9, 8));
  }
  EXPECT_TRUE(between);
  // Its notes count down to the next exam: the partiel, then the final.
  auto notes_on = [&](Millis from, Millis to) {
    for (const auto& s : out)
      if (s.matiere == "Maths" && s.debut >= from && s.fin <= to && s.notes.rfind("Préparation", 0) == 0)
        return s.notes;
    return std::string();
  };
  EXPECT_EQ(notes_on(utc(2026, 1, 6), utc(2026, 1, 7)), "Préparation de l'examen (J-1)");
  EXPECT_EQ(notes_on(utc(2026, 1, 8), utc(2026, 1, 9)), "Préparation de l'examen (J-1)");
}

TEST(Scheduler, ReviewsOneThreeAndSevenDaysAfterTheDiscovery) {
  auto r = basic_request();
  r.subjects = {"Maths", "Physique", "Chimie"};
  r.period_end = utc(2026, 1, 19);
  r.minutes_per_day = 240;
  auto out = sch::schedule(r);
  std::map<std::string, std::vector<std::pair<long, std::string>>> by_subject;
  for (const auto& s : out) by_subject[s.matiere].emplace_back(day_of(s.debut, r.tz), s.notes);
  long monday = day_number(2026, 1, 5);
  for (const auto& subject : r.subjects) {
    SCOPED_TRACE(subject);
    const auto& list = by_subject[subject];
    ASSERT_FALSE(list.empty());
    EXPECT_EQ(list.front(), std::make_pair(monday, std::string("Découverte")));
    for (int k : {1, 3, 7}) {
      auto review = std::make_pair(monday + k, "Révision J+" + std::to_string(k));
      EXPECT_EQ(std::count(list.begin(), list.end(), review), 1) << k;
    }
  }
  for (const auto& s : out) {
    if (s.notes.rfind("Révision", 0) == 0) {
      EXPECT_LE(minutes_of(s), 30) << "reviews are short";
    }
  }
}

TEST(Scheduler, InterleavesSubjectsAndRotatesAcrossDays) {
  auto r = basic_request();
  r.subjects = {"Maths", "Physique", "Chimie"};
  r.minutes_per_day = 300;
  r.period_end = utc(2026, 1, 19);
  auto out = sch::schedule(r);
  std::set<std::string> first_of_day;
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (day_of(out[i - 1].debut, r.tz) != day_of(out[i].debut, r.tz)) {
      first_of_day.insert(out[i].matiere);
      continue;
    }
    EXPECT_NE(out[i - 1].matiere, out[i].matiere) << out[i].debut;
  }
  EXPECT_EQ(first_of_day.size(), 3u) << "every subject opens some day";

  // With a single subject there is no other choice: it follows itself.
  r.subjects = {"Maths"};
  auto alone = sch::schedule(r);
  EXPECT_EQ(minutes_per_day(alone, r.tz).begin()->second, 300);
}

TEST(Scheduler, SharesFollowTheWeights) {
  auto r = basic_request();
  r.period_end = utc(2026, 2, 5);
  r.minutes_per_day = 180;
  r.subjects = {"Maths", "Physique", "Chimie"};
  auto minutes = [&] {
    std::map<std::string, double> m;
    for (const auto& s : sch::schedule(r)) m[s.matiere] += minutes_of(s);
    return m;
  };
  r.weights = {1, 2, 3};
  auto m = minutes();
  EXPECT_NEAR(m["Physique"] / m["Maths"], 2.0, 0.2);
  EXPECT_NEAR(m["Chimie"] / m["Maths"], 3.0, 0.3);

  r.weights.clear();  // all 1
  m = minutes();
  EXPECT_NEAR(m["Physique"] / m["Maths"], 1.0, 0.1);
  EXPECT_NEAR(m["Chimie"] / m["Maths"], 1.0, 0.1);

  // With two subjects, interleaving forces turns: a 1:3 weight still gives well over twice the time.
  r.subjects = {"Maths", "Physique"};
  r.weights = {1, 3};
  m = minutes();
  EXPECT_GT(m["Physique"] / m["Maths"], 2.0);
}

TEST(Scheduler, ExamSubjectGainsTimeInItsFinalWeek) {
  auto r = basic_request();
  r.subjects = {"Maths", "Physique", "Chimie", "Histoire"};
  r.period_end = utc(2026, 3, 1);
  r.minutes_per_day = 240;
  r.exams = {{"Chimie", utc(2026, 2, 20, 8)}};
  auto out = sch::schedule(r);
  auto share = [&](Millis from, Millis to) {
    double mine = 0, all = 0;
    for (const auto& s : out) {
      if (s.debut < from || s.fin > to) continue;
      all += minutes_of(s);
      if (s.matiere == "Chimie") mine += minutes_of(s);
    }
    return mine / all;
  };
  double early = share(utc(2026, 1, 5), utc(2026, 2, 6));
  double week = share(utc(2026, 2, 13), utc(2026, 2, 20, 8));
  EXPECT_NEAR(early, 0.25, 0.05);
  EXPECT_GT(week, 0.4);
  for (const auto& s : out) {
    if (s.matiere == "Chimie") {
      EXPECT_LE(s.fin, utc(2026, 2, 20, 8));
    }
  }
}

TEST(Scheduler, StopsAtOneThousandSessions) {
  auto r = basic_request();
  r.period_end = dt::add_period(r.period_start, dt::Period::semestre, r.tz);
  r.minutes_per_day = 720;
  for (int d = 0; d < 7; ++d) r.availability.push_back({d, 0, 1440});
  auto out = sch::schedule(r);
  EXPECT_EQ(out.size(), 1000u);
  EXPECT_TRUE(same(out, sch::schedule(r)));
}

TEST(Scheduler, ParisSpringForwardSkipsAWindowInTheGap) {
  auto r = basic_request();
  r.tz = dt::zone("Europe/Paris");
  r.period_start = local_midnight(2026, 3, 23, r.tz);  // Monday; clocks go 02:00 → 03:00 on Sunday 29
  r.period_end = local_midnight(2026, 3, 30, r.tz);
  r.not_before = r.period_start;
  r.minutes_per_day = 60;
  for (int d = 0; d < 7; ++d) r.availability.push_back({d, 2 * 60, 3 * 60});
  auto days = minutes_per_day(sch::schedule(r), r.tz);
  EXPECT_EQ(days.size(), 6u);
  EXPECT_FALSE(days.count(day_number(2026, 3, 29)));
  for (auto [day, total] : days) EXPECT_EQ(total, 60);

  // A window across the gap keeps its real length: 01:00–04:00 is two hours that night.
  r.availability = {{6, 60, 240}};
  r.minutes_per_day = 120;
  auto out = sch::schedule(r);
  ASSERT_EQ(out.size(), 2u);                     // 60 + 45 after a 15-minute break
  EXPECT_EQ(out[0].debut, utc(2026, 3, 29, 0));  // 01:00 CET
  EXPECT_EQ(out[1].fin, utc(2026, 3, 29, 2));    // 04:00 CEST
  EXPECT_EQ(minutes_of(out[0]) + minutes_of(out[1]), 105);
}

TEST(Scheduler, ParisFallBackWindowLastsTwoHours) {
  auto r = basic_request();
  r.tz = dt::zone("Europe/Paris");
  r.period_start = local_midnight(2026, 10, 19, r.tz);  // Monday; 03:00 → 02:00 on Sunday 25
  r.period_end = local_midnight(2026, 10, 26, r.tz);
  r.not_before = r.period_start;
  r.minutes_per_day = 90;
  for (int d = 0; d < 7; ++d) r.availability.push_back({d, 2 * 60, 3 * 60});
  auto out = sch::schedule(r);
  auto days = minutes_per_day(out, r.tz);
  ASSERT_EQ(days.size(), 7u);
  for (auto [day, total] : days) EXPECT_EQ(total, day == day_number(2026, 10, 25) ? 90 : 60);
  // Two sessions of 45 minutes and a break: they need the repeated hour.
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[out.size() - 2].debut, utc(2026, 10, 25, 0));  // the first 02:00 (CEST)
  EXPECT_EQ(out.back().fin, utc(2026, 10, 25, 1, 40));         // 02:40 CET, the second time round
}
