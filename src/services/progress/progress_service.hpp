// The record of work: entries (free, or completing a planned session), their summary, deletion.
// Completing a session and recording its entry happen in one transaction, and so does undoing it.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "models/progress.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

// The entries of a period, with what the summary needs: every active day and today's date.
struct ProgressReport {
  std::vector<store::ProgressRecord> entries;
  std::vector<std::string> active_days;  // YYYY-MM-DD, ascending, over all time
  std::vector<std::string> rest_days;    // YYYY-MM-DD, ascending, over all time
  std::string today;                     // in the user's time zone
};

class ProgressService {
 public:
  ProgressService(store::AsyncDatabase& db) : db_(db) {}

  boost::asio::awaitable<store::ProgressRecord> record(store::UserRecord user, models::ProgressInput input);
  // Entries from..to (YYYY-MM-DD, inclusive; defaults: the last 30 days).
  boost::asio::awaitable<ProgressReport> report(store::UserRecord user, std::optional<std::string> from,
                                                std::optional<std::string> to);
  boost::asio::awaitable<void> remove(std::string user_id, std::string id);
  // Today's date (YYYY-MM-DD) in the user's time zone, as the report sees it.
  static std::string today_for(const store::UserRecord& user);

 private:
  store::AsyncDatabase& db_;
};

}  // namespace planetude
