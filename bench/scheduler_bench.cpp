// Micro-benchmark of the built-in scheduler (services/scheduler.hpp): a `semestre` planning with
// 8 subjects, 3 exams and 240 minutes a day in Europe/Paris (default windows, a few busy
// intervals), scheduled 100 times after a warm-up. Prints one JSON line, then a human line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/datetime.hpp"
#include "services/planning/scheduler.hpp"

namespace dt = planetude::datetime;
namespace sch = planetude::scheduler;

namespace {

constexpr dt::Millis kHour = 3600 * 1000;
constexpr dt::Millis kDay = 24 * kHour;

sch::Request semester() {
  sch::Request r;
  r.tz = dt::zone("Europe/Paris");
  r.period_start = dt::start_of_day(date::year{2026} / 2 / 2, r.tz);  // across the March DST change
  r.period_end = dt::add_period(r.period_start, dt::Period::semestre, r.tz);
  r.not_before = r.period_start;
  r.subjects = {"Maths", "Physique", "Chimie", "Histoire", "Anglais", "Philosophie", "Biologie", "Économie"};
  r.weights = {3, 2, 2, 1, 1, 1, 2, 1};
  r.minutes_per_day = 240;
  r.exams = {{"Maths", r.period_start + 60 * kDay + 8 * kHour},
             {"Physique", r.period_start + 120 * kDay + 8 * kHour},
             {"Anglais", r.period_start + 170 * kDay + 13 * kHour}};
  for (int week = 0; week < 26; week += 3)  // a class on some Wednesday afternoons
    r.busy.push_back(
        {r.period_start + (week * 7 + 2) * kDay + 13 * kHour, r.period_start + (week * 7 + 2) * kDay + 16 * kHour});
  return r;
}

double percentile(const std::vector<double>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(sorted.size()))));
  return sorted[std::min(rank, sorted.size()) - 1];
}

}  // namespace

int main() {
  const auto request = semester();
  std::size_t sessions = 0;
  for (int i = 0; i < 10; ++i) sessions = sch::schedule(request).size();  // warm-up (and tzdata load)

  constexpr int kRuns = 100;
  std::vector<double> us;
  us.reserve(kRuns);
  for (int i = 0; i < kRuns; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto out = sch::schedule(request);
    auto stop = std::chrono::steady_clock::now();
    sessions = out.size();
    us.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
  }
  std::sort(us.begin(), us.end());
  double p50 = percentile(us, 50), p99 = percentile(us, 99);
  std::printf(
      "{\"bench\":\"scheduler\",\"runs\":%d,\"sessions\":%zu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"min_us\":%.1f,\"max_"
      "us\":%.1f}\n",
      kRuns, sessions, p50, p99, us.front(), us.back());
  std::printf(
      "scheduler  semestre, 8 subjects, 3 exams, 240 min/day: %zu sessions  p50 %.1f us  p99 %.1f us  min %.1f us  max "
      "%.1f us (%d runs)\n",
      sessions, p50, p99, us.front(), us.back(), kRuns);
  return sessions > 0 ? 0 : 1;
}
