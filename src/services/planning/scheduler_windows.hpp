// Free-time computation for the built-in scheduler (services/scheduler.cpp): the weekly windows
// turned into instants day by day in the student's zone, then clipped and cut around busy time.
#pragma once
#include <date/tz.h>

#include <array>
#include <cstdint>
#include <vector>

#include "services/planning/scheduler.hpp"

namespace planetude::scheduler::detail {

using Ms = std::int64_t;

struct Span {
  Ms begin = 0;  // inclusive
  Ms end = 0;    // exclusive
};

// Per weekday (0 = lundi), the union of that day's windows as sorted, disjoint [start, end)
// minute ranges. Minutes are clamped to the day; a window with a weekday out of range, or empty
// (start >= end), is dropped.
using WeekWindows = std::array<std::vector<std::pair<int, int>>, 7>;
WeekWindows merge_windows(const std::vector<Availability>& windows);
bool has_any(const WeekWindows& week);

// 0 = lundi … 6 = dimanche.
int weekday_index(date::local_days day);

// Sorts and merges overlapping or touching spans; drops empty ones.
std::vector<Span> merge_spans(std::vector<Span> spans);

// The free time of local `day`: its windows converted with the zone for that very day (a local
// time in a DST gap maps to the end of the gap, so a window inside a gap vanishes and one that
// straddles it shrinks; an ambiguous time takes its earlier instant), clipped to [lo, hi), minus
// `busy` (sorted and merged). Sorted and disjoint.
std::vector<Span> free_spans(date::local_days day, const WeekWindows& week, const date::time_zone* tz, Ms lo, Ms hi,
                             const std::vector<Span>& busy);

}  // namespace planetude::scheduler::detail
