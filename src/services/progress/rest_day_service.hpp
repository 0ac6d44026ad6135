// Rest days: « jour off » (at most kDaysOffPerMonth per calendar month) and exam weeks
// (« partiels », spans of at most kMaxSpanDays). They neither break nor extend the streak
// (models::streaks), the scheduler places nothing on a day off, and the coach knows about them.
#pragma once
#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

inline constexpr int kDaysOffPerMonth = 4;
inline constexpr int kMaxSpanDays = 21;
// Days may be marked from 31 days back (a sick day is marked afterwards) to 366 days ahead.
inline constexpr int kRestDaysBack = 31;
inline constexpr int kRestDaysAhead = 366;

struct RestDaySpan {
  std::string kind;  // "jour_off" | "partiels"
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, from <= to
};

struct RestDaysView {
  std::vector<store::RestDayRecord> days;
  int days_off_left_this_month = 0;
};

class RestDayService {
 public:
  explicit RestDayService(store::AsyncDatabase& db) : db_(db) {}

  // Marks every day of the span (replacing another kind on those days), in one transaction; the
  // whole span is refused when it would take a month past its days off.
  boost::asio::awaitable<std::vector<store::RestDayRecord>> mark(store::UserRecord user, RestDaySpan span);
  boost::asio::awaitable<RestDaysView> list(store::UserRecord user, std::string from, std::string to);
  // not_found when the day is not a rest day.
  boost::asio::awaitable<void> unmark(std::string user_id, std::string date);

 private:
  store::AsyncDatabase& db_;
};

// Every rest day of the user (YYYY-MM-DD, ascending): for streaks.
std::vector<std::string> rest_dates(store::Repos& repos, const std::string& user_id);
// The user's days off (not exam days) in [from, to] (YYYY-MM-DD), ascending: for the scheduler.
std::vector<std::string> days_off(store::Repos& repos, const std::string& user_id, const std::string& from,
                                  const std::string& to);

}  // namespace planetude
