#include "store_pg/pg_database.hpp"

#include <libpq-fe.h>

#include <chrono>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/errors.hpp"
#include "observability/log.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/migrations.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

namespace {

class PgRepos : public Repos {
 public:
  explicit PgRepos(Connection& c)
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
  PgUserStore users_;
  PgTokenStore tokens_;
  PgPlanningStore plannings_;
  PgProgressStore progress_;
  PgCalendarFeedStore feeds_;
  PgChatStore chat_;
  PgProposalStore proposals_;
  PgRateLimitStore rate_limits_;
  PgTimetableStore timetable_;
  PgRestDayStore rest_days_;
};

// The key of the advisory lock that serialises migrations (any constant shared by every instance).
constexpr std::int64_t kMigrationLock = 0x706c616e65747564;  // "planetud"

void rollback_quietly(Connection& c) {
  try {
    c.exec("ROLLBACK");
  } catch (...) {
    // The connection may be gone; the caller drops it then (Connection::usable).
  }
}

// A random pause that grows with the attempt: racing transactions do not meet again in step.
void back_off(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  int ceiling_ms = std::min(1 << std::min(attempt, 7), 100);
  std::uniform_int_distribution<int> pause(0, ceiling_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(pause(random)));
}

// The password of URL or key=value settings, to keep it out of messages ("" when none).
std::string password_of(const std::string& conninfo) {
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  std::string password;
  if (options) {
    for (PQconninfoOption* o = options; o->keyword; ++o)
      if (std::string_view(o->keyword) == "password" && o->val) password = o->val;
    PQconninfoFree(options);
  }
  if (password.empty()) {
    // Unparsable URL: take what sits between "user:" and "@" by hand.
    auto scheme = conninfo.find("://");
    auto at = conninfo.find('@', scheme == std::string::npos ? 0 : scheme + 3);
    if (scheme != std::string::npos && at != std::string::npos) {
      auto colon = conninfo.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) password = conninfo.substr(colon + 1, at - colon - 1);
    }
  }
  return password;
}

std::string redact(std::string message, const std::string& password) {
  if (password.empty()) return message;
  for (auto at = message.find(password); at != std::string::npos; at = message.find(password, at + 3))
    message.replace(at, password.size(), "***");
  return message;
}

}  // namespace

std::string conninfo_problem(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options) {
    PQconninfoFree(options);
    return "";
  }
  std::string message = error ? error : "invalid connection settings";
  PQfreemem(error);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  return redact(message, password_of(conninfo));
}

std::string describe_conninfo(const std::string& conninfo) {
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), nullptr);
  if (!options) return "(invalid settings)";
  std::string out;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    std::string_view key = o->keyword;
    if (!o->val || !*o->val) continue;
    if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" || key == "user" || key == "sslmode") {
      if (!out.empty()) out += ' ';
      out += std::string(key) + '=' + o->val;
    }
  }
  PQconninfoFree(options);
  return out.empty() ? "(libpq defaults)" : out;
}

PgDatabase::PgDatabase(std::string conninfo, std::size_t connections)
    : conninfo_(std::move(conninfo)), can_open_(std::max<std::size_t>(connections, 1)) {
  give_back(take());  // a wrong address or password stops the start-up here
}

PgDatabase::~PgDatabase() { close(); }

std::unique_ptr<Connection> PgDatabase::take() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return closed_ || !idle_.empty() || can_open_ > 0; });
  if (closed_) throw std::runtime_error("database closed");
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  --can_open_;
  lock.unlock();
  try {
    return std::make_unique<Connection>(conninfo_);
  } catch (const std::exception& e) {
    {
      std::lock_guard relock(mu_);
      ++can_open_;
    }
    cv_.notify_one();
    throw ConnectionLost(redact(e.what(), password_of(conninfo_)), "08001");
  }
}

void PgDatabase::give_back(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(mu_);
    // A connection the server dropped is closed; the next caller opens a new one.
    if (c && c->usable() && !closed_) idle_.push_back(std::move(c));
    else ++can_open_;
  }
  cv_.notify_one();
}

void PgDatabase::run(Kind kind, const std::function<void(Repos&)>& work) {
  const char* begin =
      kind == Kind::read ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN ISOLATION LEVEL SERIALIZABLE";
  for (int attempt = 1;; ++attempt) {
    std::optional<WriteGate::Pass> pass;
    if (kind == Kind::write) pass.emplace(write_gate_, attempt > 1);
    auto c = take();
    bool commit_sent = false;
    try {
      c->exec(begin);
      PgRepos repos(*c);
      work(repos);
      commit_sent = true;
      c->exec("COMMIT");
      give_back(std::move(c));
      return;
    } catch (const RetryableError&) {
      // Not committed (a serialization failure at COMMIT rolls back too): safe to run again.
      rollback_quietly(*c);
      give_back(std::move(c));
      if (attempt >= kMaxAttempts) throw;
    } catch (const ConnectionLost&) {
      give_back(std::move(c));
      drop_idle();  // the server went away: the idle connections are most likely gone too
      // Lost during COMMIT, a write may or may not have happened: never run it twice.
      if ((commit_sent && kind == Kind::write) || attempt >= kMaxAttempts) throw;
    } catch (...) {
      rollback_quietly(*c);
      give_back(std::move(c));
      throw;
    }
    ++retries_;
    pass.reset();
    // Alone in this process from the second attempt on: only another instance's writes can
    // still be in the way, and they are given a moment.
    if (attempt > 1) back_off(attempt);
  }
}

void PgDatabase::read(const std::function<void(Repos&)>& work) { run_reachable(Kind::read, work); }

void PgDatabase::write(const std::function<void(Repos&)>& work) { run_reachable(Kind::write, work); }

void PgDatabase::run_reachable(Kind kind, const std::function<void(Repos&)>& work) {
  try {
    run(kind, work);
  } catch (const ConnectionLost& e) {
    // The student gets a 503 that says to try again; the operator gets the reason.
    log::warn("database_unavailable", {{"error", redact(e.what(), password_of(conninfo_))}});
    throw errors::unavailable("database_unavailable", "La base de données ne répond pas. Réessayez dans un instant.");
  }
}

int PgDatabase::schema_version() {
  int version = 0;
  auto c = take();
  try {
    c->exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
        "applied_at timestamptz NOT NULL DEFAULT now())");
    auto st = c->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    st.step();
    version = static_cast<int>(st.integer(0));
  } catch (...) {
    give_back(std::move(c));
    throw;
  }
  give_back(std::move(c));
  return version;
}

void PgDatabase::migrate() {
  auto c = take();
  try {
    c->exec(("SELECT pg_advisory_lock(" + std::to_string(kMigrationLock) + ")").c_str());
    try {
      c->exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
          "applied_at timestamptz NOT NULL DEFAULT now())");
      auto st = c->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      st.step();
      int current = static_cast<int>(st.integer(0));
      int known = migrations().back().version;
      if (current > known)
        throw std::runtime_error("the database's schema is at version " + std::to_string(current) +
                                 ", newer than this planetude knows (" + std::to_string(known) +
                                 "): run a newer planetude");
      for (const auto& m : migrations()) {
        if (m.version <= current) continue;
        c->exec("BEGIN");
        try {
          c->exec(std::string(m.sql).c_str());
          c->prepare("INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2::text)")
              .bind(1, static_cast<std::int64_t>(m.version))
              .bind(2, m.name)
              .run();
          c->exec("COMMIT");
        } catch (...) {
          rollback_quietly(*c);
          throw;
        }
      }
    } catch (...) {
      try {
        c->exec(("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")").c_str());
      } catch (...) {
        // A lost connection releases the lock by itself.
      }
      throw;
    }
    c->exec(("SELECT pg_advisory_unlock(" + std::to_string(kMigrationLock) + ")").c_str());
  } catch (...) {
    give_back(std::move(c));
    throw;
  }
  give_back(std::move(c));
}

bool PgDatabase::ping() {
  // Twice: after the server came back, the first try may meet a connection it dropped.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> c;
    try {
      c = take();
    } catch (...) {
      return false;  // cannot connect
    }
    try {
      c->exec("SELECT 1");
      give_back(std::move(c));
      return true;
    } catch (const ConnectionLost&) {
      give_back(std::move(c));
      drop_idle();
    } catch (...) {
      give_back(std::move(c));
      return false;
    }
  }
  return false;
}

void PgDatabase::drop_idle() {
  std::lock_guard lock(mu_);
  can_open_ += idle_.size();
  idle_.clear();
  cv_.notify_all();
}

void PgDatabase::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  idle_.clear();
  cv_.notify_all();
}

}  // namespace planetude::store::pg
