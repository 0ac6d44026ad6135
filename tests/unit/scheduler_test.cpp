// services/scheduler: the built-in scheduler. Property tests over generated requests (every
// planning rule, the daily target, exam ramp, reviews, determinism), then named cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/datetime.hpp"
#include "services/scheduler.hpp"

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

int weekday_of(long day) { return static_cast<int>(date::weekday(date::local_days{date::days{day}}).iso_encoding()) - 1; }

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

const char* const kSubjects[] = {"Maths", "Physique", "Chimie", "Histoire", "Anglais", "Philosophie", "Biologie", "Économie"};
const char* const kZones[] = {"UTC", "Europe/Paris", "America/Santiago", "Pacific/Auckland"};

sch::Request generate(std::mt19937& rng) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  sch::Request r;
  r.tz = dt::zone(kZones[pick(0, 3)]);

  // Starts near DST changes of the zones used (Europe/Paris, America/Santiago, Pacific/Auckland)
  // or on an ordinary day.
  static const date::year_month_day kStarts[] = {
      date::year{2026} / 3 / 27,  date::year{2026} / 10 / 23, date::year{2026} / 4 / 3, date::year{2026} / 9 / 4,
      date::year{2026} / 9 / 25,  date::year{2025} / 12 / 30, date::year{2026} / 1 / 12, date::year{2027} / 2 / 28};
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
    std::string subject = pick(0, 9) == 0 ? std::string("Géographie") : r.subjects[static_cast<std::size_t>(pick(0, n - 1))];
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
    EXPECT_TRUE(std::any_of(spans.begin(), spans.end(), [&](const Span& w) { return w.begin <= s.debut && s.fin <= w.end; }))
        << "outside the windows";
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
    if (target - total < 25) continue;
    auto room = free_time(day, r);
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
  int always = static_cast<int>(std::count_if(ends.begin(), ends.end(), [&](const auto& e) { return e.second >= r.period_end; }));
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
    int others_open = static_cast<int>(std::count_if(ends.begin(), ends.end(), [&](const auto& x) {
      return x.first != exam.matiere && x.second > e;
    }));
    // Its only exam, and another subject still studied in the final week.
    if (!alone || others_open < 1 || ends[exam.matiere] != e) continue;
    double mine_final = 0, all_final = 0, mine_before = 0, all_before = 0;
    for (const auto& s : out) {
      double m = static_cast<double>(s.fin - s.debut);
      bool mine = s.matiere == exam.matiere;
      if (s.debut >= e - 7 * kDay && s.fin <= e) (mine ? mine_final : all_final) += m;
      if (s.fin <= e - 14 * kDay) (mine ? mine_before : all_before) += m;
    }
    all_final += mine_final;
    all_before += mine_before;
    if (all_final < 300 * kMinute || all_before < 600 * kMinute) continue;
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
