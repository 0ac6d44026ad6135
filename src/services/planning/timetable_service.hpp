// The student's school timetable: an .ics file imported as busy time (libical reads it, see
// ical/timetable_import.hpp), kept as occurrences so that the week view, the scheduler, AI-made
// plans and the coach's proposals all avoid the same hours. Re-importing replaces the previous import.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/worker_pool.hpp"
#include "models/timetable.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

// The calendar file's limits (docs/api.md): the route's body limit is kTimetableMaxBytes too.
inline constexpr std::size_t kTimetableMaxBytes = std::size_t{2} * 1024 * 1024;
inline constexpr std::size_t kTimetableMaxEvents = 5000;
// Occurrences kept: from 30 days ago to 366 days ahead of the import.
inline constexpr std::int64_t kTimetablePastMs = std::int64_t{30} * 86'400'000;
inline constexpr std::int64_t kTimetableAheadMs = std::int64_t{366} * 86'400'000;
// A read of events covers at most this span.
inline constexpr std::int64_t kTimetableMaxRangeMs = std::int64_t{366} * 86'400'000;

struct TimetableView {
  std::optional<models::TimetableSummary> summary;  // nullopt: nothing imported
  std::vector<store::TimetableEventRecord> events;
};

class TimetableService {
 public:
  TimetableService(store::AsyncDatabase& db, WorkerPool& cpu_pool) : db_(db), cpu_pool_(cpu_pool) {}

  // Parses `ics` (invalid_input with a French message when it is not a usable calendar) and
  // replaces the user's timetable with it, in one transaction.
  boost::asio::awaitable<models::TimetableSummary> import(store::UserRecord user, std::string ics,
                                                          std::optional<std::string> name);
  // The summary and the events overlapping [from_ms, to_ms).
  boost::asio::awaitable<TimetableView> view(std::string user_id, std::int64_t from_ms, std::int64_t to_ms);
  boost::asio::awaitable<void> remove(std::string user_id);

 private:
  store::AsyncDatabase& db_;
  WorkerPool& cpu_pool_;
};

// The exams ahead of `now_ms` in the user's timetable (read in `repos`' transaction).
std::vector<store::TimetableEventRecord> upcoming_timetable_exams(store::Repos& repos, const std::string& user_id,
                                                                  std::int64_t now_ms);

}  // namespace planetude
