// The per-resource stores on one PostgreSQL connection, used inside a transaction: the SQLite
// stores (store_sqlite/sqlite_stores.hpp) translated, with the same behaviour.
#pragma once
#include <string>
#include <vector>

#include "store/store.hpp"

namespace planetude::store::pg {

class Connection;

// A PostgreSQL array literal of these strings ({"a","b"}), bound as `$n::text[]` where SQLite took
// a JSON array: one SQL text whatever the number of values, so the prepared statement is reused.
// Every element is quoted, with `"` and `\` escaped, so any text goes through as itself.
inline std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

class PgUserStore : public UserStore {
 public:
  explicit PgUserStore(Connection& c) : c_(c) {}
  std::optional<UserRecord> find_by_id(const std::string& id) override;
  std::optional<UserRecord> find_by_email(const std::string& email) override;
  void insert(const UserRecord& user) override;
  void update_profile(const UserRecord& user) override;
  void update_password(const std::string& id, const std::string& hash, std::int64_t tokens_not_before,
                       std::int64_t now_ms) override;
  bool remove(const std::string& id) override;

 private:
  Connection& c_;
};

class PgTokenStore : public TokenStore {
 public:
  explicit PgTokenStore(Connection& c) : c_(c) {}
  void record(const TokenRecord& token) override;
  std::optional<TokenRecord> find(const std::string& jti) override;
  void revoke(const TokenRecord& token, std::int64_t now_ms) override;
  void revoke_all_except(const std::string& user_id, const std::string& keep_jti, std::int64_t now_ms) override;
  std::size_t purge_expired(std::int64_t now_seconds) override;

 private:
  Connection& c_;
};

class PgPlanningStore : public PlanningStore {
 public:
  explicit PgPlanningStore(Connection& c) : c_(c) {}
  std::optional<PlanningRecord> find(const std::string& user_id, const std::string& id) override;
  void insert(const PlanningRecord& planning) override;
  void replace(const PlanningRecord& planning) override;
  bool remove(const std::string& user_id, const std::string& id) override;
  std::vector<PlanningRecord> list(const std::string& user_id, const PlanningQuery& query) override;
  std::vector<PlanningRecord> list_all(const std::string& user_id) override;
  std::vector<PlanningRecord> sessions_ending_after(const std::string& user_id, std::int64_t min_fin_ms) override;
  void set_session_status(const std::string& session_id, const std::string& statut, std::int64_t now_ms) override;
  std::optional<std::string> planning_of_session(const std::string& user_id, const std::string& session_id) override;

 private:
  void load_sessions(std::vector<PlanningRecord>& plannings);
  void insert_sessions(const PlanningRecord& planning);
  Connection& c_;
};

class PgProgressStore : public ProgressStore {
 public:
  explicit PgProgressStore(Connection& c) : c_(c) {}
  void insert(const ProgressRecord& entry) override;
  std::optional<ProgressRecord> find(const std::string& user_id, const std::string& id) override;
  std::optional<ProgressRecord> find_by_session(const std::string& session_id) override;
  bool remove(const std::string& user_id, const std::string& id) override;
  std::vector<ProgressRecord> list(const std::string& user_id, const std::string& from, const std::string& to) override;
  std::vector<ProgressRecord> list_all(const std::string& user_id) override;
  std::vector<std::string> active_days(const std::string& user_id) override;

 private:
  Connection& c_;
};

class PgCalendarFeedStore : public CalendarFeedStore {
 public:
  explicit PgCalendarFeedStore(Connection& c) : c_(c) {}
  void put(const std::string& user_id, const std::string& secret_hash, std::int64_t now_ms) override;
  void remove(const std::string& user_id) override;
  std::optional<std::string> user_for(const std::string& secret_hash) override;

 private:
  Connection& c_;
};

class PgChatStore : public ChatStore {
 public:
  explicit PgChatStore(Connection& c) : c_(c) {}
  void append(const ChatMessageRecord& message) override;
  std::optional<ChatMessageRecord> find(const std::string& user_id, const std::string& id) override;
  std::vector<ChatMessageRecord> newest(const std::string& user_id, std::optional<std::int64_t> before_seq,
                                        std::size_t limit) override;
  std::vector<ChatMessageRecord> list_all(const std::string& user_id) override;
  void clear(const std::string& user_id) override;

 private:
  Connection& c_;
};

class PgProposalStore : public ProposalStore {
 public:
  explicit PgProposalStore(Connection& c) : c_(c) {}
  void insert(const ProposalRecord& proposal) override;
  std::optional<ProposalRecord> find(const std::string& user_id, const std::string& id) override;
  void set_status(const std::string& id, const std::string& status, std::int64_t now_ms) override;
  std::vector<ProposalRecord> list_all(const std::string& user_id) override;
  std::vector<ProposalRecord> of_messages(const std::string& user_id,
                                          const std::vector<std::string>& message_ids) override;

 private:
  Connection& c_;
};

class PgRateLimitStore : public RateLimitStore {
 public:
  explicit PgRateLimitStore(Connection& c) : c_(c) {}
  std::vector<std::int64_t> events_since(const std::string& bucket, const std::string& key,
                                         std::int64_t since_ms) override;
  void add(const std::string& bucket, const std::string& key, std::int64_t at_ms,
           std::int64_t forget_before_ms) override;
  std::size_t purge_before(std::int64_t before_ms) override;

 private:
  Connection& c_;
};

class PgTimetableStore : public TimetableStore {
 public:
  explicit PgTimetableStore(Connection& c) : c_(c) {}
  void replace(const TimetableImportRecord& timetable, const std::vector<TimetableEventRecord>& events) override;
  bool remove(const std::string& user_id) override;
  std::optional<TimetableImportRecord> find(const std::string& user_id) override;
  std::vector<TimetableEventRecord> events_between(const std::string& user_id, std::int64_t from_ms,
                                                   std::int64_t to_ms) override;

 private:
  Connection& c_;
};

class PgRestDayStore : public RestDayStore {
 public:
  explicit PgRestDayStore(Connection& c) : c_(c) {}
  void put(const std::string& user_id, const RestDayRecord& day) override;
  bool remove(const std::string& user_id, const std::string& date) override;
  std::vector<RestDayRecord> list(const std::string& user_id, const std::string& from, const std::string& to) override;

 private:
  Connection& c_;
};

}  // namespace planetude::store::pg
