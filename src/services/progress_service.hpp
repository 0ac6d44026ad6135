// The record of work: entries (free, or completing a planned session), their summary, deletion.
// Completing a session and recording its entry happen in one transaction, and so does undoing it.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "core/worker_pool.hpp"
#include "models/progress.hpp"
#include "store/store.hpp"

namespace planetude {

class ProgressService {
 public:
  ProgressService(store::Database& db, WorkerPool& db_pool) : db_(db), db_pool_(db_pool) {}

  boost::asio::awaitable<store::ProgressRecord> record(store::UserRecord user, models::ProgressInput input);
  // {entries, summary} for from..to (YYYY-MM-DD, inclusive; defaults: the last 30 days).
  boost::asio::awaitable<boost::json::object> report(store::UserRecord user, std::optional<std::string> from,
                                                     std::optional<std::string> to);
  boost::asio::awaitable<void> remove(std::string user_id, std::string id);

 private:
  store::Database& db_;
  WorkerPool& db_pool_;
};

}  // namespace planetude
