#include "services/planning/scheduler_windows.hpp"

#include <algorithm>
#include <chrono>

namespace planetude::scheduler::detail {

namespace {

Ms local_to_ms(date::local_days day, int minute, const date::time_zone* tz) {
  auto local = date::local_time<std::chrono::milliseconds>(day) + std::chrono::minutes(minute);
  return tz->to_sys(local, date::choose::earliest).time_since_epoch().count();
}

}  // namespace

WeekWindows merge_windows(const std::vector<Availability>& windows) {
  WeekWindows week;
  for (const auto& w : windows) {
    if (w.weekday < 0 || w.weekday > 6) continue;
    int start = std::max(w.start_minute, 0);
    int end = std::min(w.end_minute, 1440);
    if (start >= end) continue;
    week[static_cast<std::size_t>(w.weekday)].emplace_back(start, end);
  }
  for (auto& day : week) {
    std::sort(day.begin(), day.end());
    std::vector<std::pair<int, int>> merged;
    for (const auto& r : day) {
      if (!merged.empty() && r.first <= merged.back().second)
        merged.back().second = std::max(merged.back().second, r.second);
      else merged.push_back(r);
    }
    day = std::move(merged);
  }
  return week;
}

bool has_any(const WeekWindows& week) {
  return std::any_of(week.begin(), week.end(), [](const auto& d) { return !d.empty(); });
}

int weekday_index(date::local_days day) { return static_cast<int>(date::weekday(day).iso_encoding()) - 1; }

std::vector<Span> merge_spans(std::vector<Span> spans) {
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end < b.end; });
  std::vector<Span> out;
  for (const auto& s : spans) {
    if (s.end <= s.begin) continue;
    if (!out.empty() && s.begin <= out.back().end) out.back().end = std::max(out.back().end, s.end);
    else out.push_back(s);
  }
  return out;
}

std::vector<Span> free_spans(date::local_days day, const WeekWindows& week, const date::time_zone* tz, Ms lo, Ms hi,
                             const std::vector<Span>& busy) {
  std::vector<Span> windows;
  for (const auto& [start, end] : week[static_cast<std::size_t>(weekday_index(day))]) {
    Span s{std::max(local_to_ms(day, start, tz), lo), std::min(local_to_ms(day, end, tz), hi)};
    if (s.begin < s.end) windows.push_back(s);
  }
  // Conversion is monotonic, but merging keeps the result disjoint whatever the zone does.
  windows = merge_spans(std::move(windows));
  if (windows.empty()) return windows;

  // Busy spans are sorted and disjoint, so their ends are sorted too: skip those ending first.
  auto it =
      std::upper_bound(busy.begin(), busy.end(), windows.front().begin, [](Ms t, const Span& b) { return t < b.end; });
  std::vector<Span> out;
  for (const auto& w : windows) {
    Ms cursor = w.begin;
    for (auto b = it; b != busy.end() && b->begin < w.end; ++b) {
      if (b->end <= cursor) continue;
      if (b->begin > cursor) out.push_back({cursor, b->begin});
      cursor = std::max(cursor, b->end);
      if (cursor >= w.end) break;
    }
    if (cursor < w.end) out.push_back({cursor, w.end});
  }
  return out;
}

}  // namespace planetude::scheduler::detail
