#include "store_sqlite/sqlite_database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <stdexcept>

#include "core/clock.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/migrations.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

namespace {

class SqliteRepos : public Repos {
 public:
  explicit SqliteRepos(Connection& c)
      : users_(c),
        tokens_(c),
        plannings_(c),
        progress_(c),
        feeds_(c),
        chat_(c),
        proposals_(c),
        rate_limits_(c),
        timetable_(c),
        rest_days_(c) {}
  UserStore& users() override { return users_; }
  TokenStore& tokens() override { return tokens_; }
  PlanningStore& plannings() override { return plannings_; }
  ProgressStore& progress() override { return progress_; }
  CalendarFeedStore& calendar_feeds() override { return feeds_; }
  ChatStore& chat() override { return chat_; }
  ProposalStore& proposals() override { return proposals_; }
  RateLimitStore& rate_limits() override { return rate_limits_; }
  TimetableStore& timetable() override { return timetable_; }
  RestDayStore& rest_days() override { return rest_days_; }

 private:
  SqliteUserStore users_;
  SqliteTokenStore tokens_;
  SqlitePlanningStore plannings_;
  SqliteProgressStore progress_;
  SqliteCalendarFeedStore feeds_;
  SqliteChatStore chat_;
  SqliteProposalStore proposals_;
  SqliteRateLimitStore rate_limits_;
  SqliteTimetableStore timetable_;
  SqliteRestDayStore rest_days_;
};

// Runs `work` between `begin` and COMMIT; rolls back if it throws.
void in_transaction(Connection& c, const char* begin, const std::function<void(Repos&)>& work) {
  c.exec(begin);
  try {
    SqliteRepos repos(c);
    work(repos);
    c.exec("COMMIT");
  } catch (...) {
    try {
      c.exec("ROLLBACK");
    } catch (...) {
      // The transaction may already be gone (SQLite rolls back on some errors itself).
    }
    throw;
  }
}

}  // namespace

SqliteDatabase::SqliteDatabase(std::string path, std::size_t readers) : path_(std::move(path)), reader_count_(readers) {
  writer_ = std::make_unique<Connection>(path_, false);
}

SqliteDatabase::~SqliteDatabase() { close(); }

std::unique_ptr<Connection> SqliteDatabase::take_reader() {
  std::unique_lock lock(readers_mu_);
  if (closed_) throw std::runtime_error("database closed");
  if (readers_.empty() && reader_count_ > 0) {
    --reader_count_;  // open lazily, up to the configured number
    lock.unlock();
    try {
      return std::make_unique<Connection>(path_, true);
    } catch (...) {
      std::lock_guard relock(readers_mu_);
      ++reader_count_;
      throw;
    }
  }
  readers_cv_.wait(lock, [&] { return !readers_.empty() || closed_; });
  if (closed_) throw std::runtime_error("database closed");
  auto c = std::move(readers_.back());
  readers_.pop_back();
  return c;
}

void SqliteDatabase::give_back(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(readers_mu_);
    readers_.push_back(std::move(c));
  }
  readers_cv_.notify_one();
}

void SqliteDatabase::read(const std::function<void(Repos&)>& work) {
  auto c = take_reader();
  try {
    in_transaction(*c, "BEGIN DEFERRED", work);
  } catch (...) {
    give_back(std::move(c));
    throw;
  }
  give_back(std::move(c));
}

struct SqliteDatabase::PendingWrite {
  const std::function<void(Repos&)>* work;
  std::exception_ptr error;
  bool done = false;
};

namespace {
// A group is bounded so that one transaction (and the writes behind it) stays short.
constexpr std::size_t kMaxGroup = 64;
}  // namespace

void SqliteDatabase::write(const std::function<void(Repos&)>& work) {
  PendingWrite me{&work, nullptr};
  std::unique_lock lock(queue_mu_);
  queue_.push_back(&me);
  while (!me.done) {
    if (leading_) {
      queue_cv_.wait(lock);
      continue;
    }
    // No group is being committed: this thread leads the next one, made of everything waiting.
    leading_ = true;
    std::vector<PendingWrite*> group;
    std::size_t n = std::min(queue_.size(), kMaxGroup);
    group.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    lock.unlock();
    {
      std::lock_guard writer_lock(writer_mu_);
      commit_group(group);
    }
    lock.lock();
    for (PendingWrite* w : group) w->done = true;
    leading_ = false;
    queue_cv_.notify_all();
  }
  if (me.error) std::rethrow_exception(me.error);
}

void SqliteDatabase::commit_group(std::vector<PendingWrite*>& group) {
  if (!writer_) {
    for (PendingWrite* w : group) w->error = std::make_exception_ptr(std::runtime_error("database closed"));
    return;
  }
  Connection& c = *writer_;
  // A write runs again only when SQLite ended the whole transaction because of another write
  // of the group: like a retry, on a database where it never happened.
  std::vector<PendingWrite*> pending = group;
  while (!pending.empty()) {
    std::vector<PendingWrite*> ran;
    std::vector<PendingWrite*> retry;
    try {
      // IMMEDIATE takes the write lock up front: busy_timeout does not cover a read that later
      // upgrades to a write.
      c.exec("BEGIN IMMEDIATE");
    } catch (...) {
      for (PendingWrite* w : pending) w->error = std::current_exception();
      return;
    }
    for (std::size_t i = 0; i < pending.size(); ++i) {
      PendingWrite* w = pending[i];
      try {
        c.exec("SAVEPOINT one_write");
        SqliteRepos repos(c);
        (*w->work)(repos);
        c.exec("RELEASE one_write");
        ran.push_back(w);
      } catch (...) {
        w->error = std::current_exception();
        if (sqlite3_get_autocommit(c.handle()) != 0) {
          // SQLite ended the whole transaction on this error (a full disk, an I/O error): the
          // writes before it are gone with it and go again; those after it have not run yet.
          retry = ran;
          retry.insert(retry.end(), pending.begin() + static_cast<std::ptrdiff_t>(i) + 1, pending.end());
          ran.clear();
          break;
        }
        try {
          c.exec("ROLLBACK TO one_write");
          c.exec("RELEASE one_write");
        } catch (...) {
          // Nothing more to undo of this write if SQLite already did.
        }
      }
    }
    if (!ran.empty() || sqlite3_get_autocommit(c.handle()) == 0) {
      try {
        c.exec("COMMIT");
        ++commits_done_;
      } catch (...) {
        // Not committed: none of the group's writes happened.
        for (PendingWrite* w : ran) w->error = std::current_exception();
        try {
          c.exec("ROLLBACK");
        } catch (...) {
          // The transaction may already be gone (SQLite rolls back on some errors itself).
        }
      }
    }
    for (PendingWrite* w : ran) {
      if (!w->error) ++writes_done_;
    }
    // The retried writes have not failed themselves; each round drops at least the write that
    // ended the transaction, so this ends.
    for (PendingWrite* w : retry) w->error = nullptr;
    pending = std::move(retry);
  }
}

std::uint64_t SqliteDatabase::writes_done() {
  std::lock_guard lock(writer_mu_);
  return writes_done_;
}

std::uint64_t SqliteDatabase::commits_done() {
  std::lock_guard lock(writer_mu_);
  return commits_done_;
}

std::size_t SqliteDatabase::writes_waiting() {
  std::lock_guard lock(queue_mu_);
  return queue_.size();
}

int SqliteDatabase::schema_version() {
  std::lock_guard lock(writer_mu_);
  writer_->exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at "
      "INTEGER NOT NULL)");
  auto st = writer_->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  st.step();
  return static_cast<int>(st.integer(0));
}

void SqliteDatabase::migrate() {
  int current = schema_version();
  int known = migrations().back().version;
  if (current > known)
    throw std::runtime_error("the database's schema is at version " + std::to_string(current) +
                             ", newer than this planetude knows (" + std::to_string(known) +
                             "): run a newer planetude, or a backup made before the upgrade");
  std::lock_guard lock(writer_mu_);
  for (const auto& m : migrations()) {
    if (m.version <= current) continue;
    writer_->exec("BEGIN IMMEDIATE");
    try {
      writer_->exec(std::string(m.sql).c_str());
      writer_->prepare("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)")
          .bind(1, static_cast<std::int64_t>(m.version))
          .bind(2, m.name)
          .bind(3, clock::now_ms())
          .run();
      writer_->exec("COMMIT");
    } catch (...) {
      writer_->exec("ROLLBACK");
      throw;
    }
  }
}

bool SqliteDatabase::ping() {
  try {
    read_value([](Repos& r) { return r.users().find_by_id("000000000000000000000000").has_value(); });
    return true;
  } catch (...) {
    return false;
  }
}

void SqliteDatabase::close() {
  {
    std::lock_guard lock(readers_mu_);
    closed_ = true;
    readers_.clear();
  }
  readers_cv_.notify_all();
  std::lock_guard lock(writer_mu_);
  if (writer_) {
    // Folds the WAL back into the main file so the database is one clean file at rest.
    try {
      writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (...) {}
    writer_.reset();
  }
}

}  // namespace planetude::store::sqlite
