// Storage interfaces, one per resource. Implementations (sqlite/, later postgres/) bind them to a
// connection inside a transaction; services never see SQL.
//
// Data version: every method that writes a user's profile (UserStore::update_profile), plannings or
// sessions (PlanningStore::insert, replace, remove, set_session_status) or progress (ProgressStore::
// insert, remove) also adds one to that user's UserRecord::data_version, in the same transaction.
// A write that changes nothing (no such row) may leave it as it is.
#pragma once
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace planetude::store {

// A unique constraint refused a write (e.g. an email already taken).
class Conflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  virtual std::optional<UserRecord> find_by_id(const std::string& id) = 0;
  virtual std::optional<UserRecord> find_by_email(const std::string& email) = 0;
  virtual void insert(const UserRecord& user) = 0;          // throws Conflict on a taken email
  virtual void update_profile(const UserRecord& user) = 0;  // name, preferences, timezone, updated_at
  virtual void update_password(const std::string& id, const std::string& hash, std::int64_t tokens_not_before,
                               std::int64_t now_ms) = 0;
  virtual bool remove(const std::string& id) = 0;  // the user and everything that belongs to them
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual void record(const TokenRecord& token) = 0;
  virtual std::optional<TokenRecord> find(const std::string& jti) = 0;
  // Marks the token revoked, recording it first when this server never saw it.
  virtual void revoke(const TokenRecord& token, std::int64_t now_ms) = 0;
  virtual void revoke_all_except(const std::string& user_id, const std::string& keep_jti, std::int64_t now_ms) = 0;
  virtual std::size_t purge_expired(std::int64_t now_seconds) = 0;
};

// Which plannings a list shows, and from where (keyset pagination on dateDebut desc, id desc).
struct PlanningQuery {
  std::optional<std::string> periode;
  std::optional<std::int64_t> from_ms;     // keep plannings whose period ends after this
  std::optional<std::int64_t> to_excl_ms;  // keep plannings that start before this
  struct Cursor {
    std::int64_t date_debut;
    std::string id;
  };
  std::optional<Cursor> after;
  std::size_t limit = 20;
};

class PlanningStore {
 public:
  virtual ~PlanningStore() = default;
  // The user's planning with its sessions; nullopt when absent or someone else's.
  virtual std::optional<PlanningRecord> find(const std::string& user_id, const std::string& id) = 0;
  virtual void insert(const PlanningRecord& planning) = 0;
  // Rewrites the planning and its sessions: sessions absent from `planning` are deleted, the
  // others are updated in place (their ids, and what refers to them, stay). Changes nothing when
  // `planning.user_id` has no planning with that id.
  virtual void replace(const PlanningRecord& planning) = 0;
  virtual bool remove(const std::string& user_id, const std::string& id) = 0;
  // Up to `limit` + 1 plannings, so the caller knows whether another page exists.
  virtual std::vector<PlanningRecord> list(const std::string& user_id, const PlanningQuery& query) = 0;
  virtual std::vector<PlanningRecord> list_all(const std::string& user_id) = 0;
  // Every session of the user that ends at or after `min_fin_ms`, each with its planning
  // (whose `sessions` holds just that one), ordered by start.
  virtual std::vector<PlanningRecord> sessions_ending_after(const std::string& user_id, std::int64_t min_fin_ms) = 0;
  virtual void set_session_status(const std::string& session_id, const std::string& statut, std::int64_t now_ms) = 0;
  // The id of the user's planning that holds this session; nullopt when none does.
  virtual std::optional<std::string> planning_of_session(const std::string& user_id, const std::string& session_id) = 0;
};

class ProgressStore {
 public:
  virtual ~ProgressStore() = default;
  virtual void insert(const ProgressRecord& entry) = 0;  // throws Conflict when the session has an entry
  virtual std::optional<ProgressRecord> find(const std::string& user_id, const std::string& id) = 0;
  virtual std::optional<ProgressRecord> find_by_session(const std::string& session_id) = 0;
  virtual bool remove(const std::string& user_id, const std::string& id) = 0;
  // Entries with from <= date <= to (YYYY-MM-DD), ordered by date then creation.
  virtual std::vector<ProgressRecord> list(const std::string& user_id, const std::string& from,
                                           const std::string& to) = 0;
  virtual std::vector<ProgressRecord> list_all(const std::string& user_id) = 0;
  // Every distinct day with at least one entry, ascending.
  virtual std::vector<std::string> active_days(const std::string& user_id) = 0;
};

class CalendarFeedStore {
 public:
  virtual ~CalendarFeedStore() = default;
  virtual void put(const std::string& user_id, const std::string& secret_hash, std::int64_t now_ms) = 0;
  virtual void remove(const std::string& user_id) = 0;
  virtual std::optional<std::string> user_for(const std::string& secret_hash) = 0;
};

class ChatStore {
 public:
  virtual ~ChatStore() = default;
  virtual void append(const ChatMessageRecord& message) = 0;
  virtual std::optional<ChatMessageRecord> find(const std::string& user_id, const std::string& id) = 0;
  // Up to `limit` messages before `before_seq` (all when nullopt), newest first.
  virtual std::vector<ChatMessageRecord> newest(const std::string& user_id, std::optional<std::int64_t> before_seq,
                                                std::size_t limit) = 0;
  virtual std::vector<ChatMessageRecord> list_all(const std::string& user_id) = 0;
  virtual void clear(const std::string& user_id) = 0;
};

class ProposalStore {
 public:
  virtual ~ProposalStore() = default;
  virtual void insert(const ProposalRecord& proposal) = 0;  // its message must exist
  virtual std::optional<ProposalRecord> find(const std::string& user_id, const std::string& id) = 0;
  virtual void set_status(const std::string& id, const std::string& status, std::int64_t now_ms) = 0;
  virtual std::vector<ProposalRecord> list_all(const std::string& user_id) = 0;  // oldest first
  // The proposals made by these messages of the user's, oldest first.
  virtual std::vector<ProposalRecord> of_messages(const std::string& user_id,
                                                  const std::vector<std::string>& message_ids) = 0;
};

// Throttling events (failed logins, registrations, chat messages), kept in the database so that
// every instance on it counts the same ones. `bucket` names the limit, `key` what it counts (an
// email, an address, a user id); events older than the limit's window are worth nothing.
class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;
  // The times (ms) of the key's events at or after `since_ms`, oldest first.
  virtual std::vector<std::int64_t> events_since(const std::string& bucket, const std::string& key,
                                                 std::int64_t since_ms) = 0;
  // Records an event, and forgets the key's events before `forget_before_ms`.
  virtual void add(const std::string& bucket, const std::string& key, std::int64_t at_ms,
                   std::int64_t forget_before_ms) = 0;
  // Forgets every event before `before_ms` (of keys not seen since); returns how many.
  virtual std::size_t purge_before(std::int64_t before_ms) = 0;
};

// The student's imported timetable: one import per user, its events expanded to occurrences.
class TimetableStore {
 public:
  virtual ~TimetableStore() = default;
  // Replaces the user's timetable, events included, with this one.
  virtual void replace(const TimetableImportRecord& timetable, const std::vector<TimetableEventRecord>& events) = 0;
  virtual bool remove(const std::string& user_id) = 0;  // false when there was none
  virtual std::optional<TimetableImportRecord> find(const std::string& user_id) = 0;
  // The user's events that overlap [from_ms, to_ms), by start then end.
  virtual std::vector<TimetableEventRecord> events_between(const std::string& user_id, std::int64_t from_ms,
                                                           std::int64_t to_ms) = 0;
};

// Rest days, one per date at most. Writes count in UserRecord::data_version (streaks depend on them).
class RestDayStore {
 public:
  virtual ~RestDayStore() = default;
  // Marks the date, replacing its kind when it was marked already.
  virtual void put(const std::string& user_id, const RestDayRecord& day) = 0;
  virtual bool remove(const std::string& user_id, const std::string& date) = 0;  // false when not marked
  // The user's rest days with from <= date <= to (YYYY-MM-DD), by date.
  virtual std::vector<RestDayRecord> list(const std::string& user_id, const std::string& from,
                                          const std::string& to) = 0;
};

// The stores of one transaction.
class Repos {
 public:
  virtual ~Repos() = default;
  virtual UserStore& users() = 0;
  virtual TokenStore& tokens() = 0;
  virtual PlanningStore& plannings() = 0;
  virtual ProgressStore& progress() = 0;
  virtual CalendarFeedStore& calendar_feeds() = 0;
  virtual ChatStore& chat() = 0;  // clearing the conversation removes its proposals too
  virtual ProposalStore& proposals() = 0;
  virtual RateLimitStore& rate_limits() = 0;
  virtual TimetableStore& timetable() = 0;
  virtual RestDayStore& rest_days() = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  // Runs `work` in a read-only transaction (a consistent snapshot).
  virtual void read(const std::function<void(Repos&)>& work) = 0;
  // Runs `work` in a write transaction: committed when it returns, rolled back when it throws;
  // returns once the commit is durable. Writes are serialisable: each sees every write committed
  // before it. An implementation may commit several callers' writes together (group commit), each
  // undone alone when it throws; `work` may then run a second time, on a database where its first
  // run never happened, so it must depend on the database and its captures only.
  virtual void write(const std::function<void(Repos&)>& work) = 0;
  virtual void migrate() = 0;
  virtual bool ping() = 0;
  virtual void close() = 0;

  template <class Fn>
  auto read_value(Fn fn) {
    std::optional<decltype(fn(std::declval<Repos&>()))> out;
    read([&](Repos& r) { out.emplace(fn(r)); });
    return std::move(*out);
  }
  template <class Fn>
  auto write_value(Fn fn) {
    std::optional<decltype(fn(std::declval<Repos&>()))> out;
    write([&](Repos& r) { out.emplace(fn(r)); });
    return std::move(*out);
  }
};

}  // namespace planetude::store
