// The per-resource stores on one SQLite connection, used inside a transaction.
#pragma once
#include "store/store.hpp"

namespace planetude::store::sqlite {

class Connection;

class SqliteUserStore : public UserStore {
 public:
  explicit SqliteUserStore(Connection& c) : c_(c) {}
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

class SqliteTokenStore : public TokenStore {
 public:
  explicit SqliteTokenStore(Connection& c) : c_(c) {}
  void record(const TokenRecord& token) override;
  std::optional<TokenRecord> find(const std::string& jti) override;
  void revoke(const TokenRecord& token, std::int64_t now_ms) override;
  void revoke_all_except(const std::string& user_id, const std::string& keep_jti, std::int64_t now_ms) override;
  std::size_t purge_expired(std::int64_t now_seconds) override;

 private:
  Connection& c_;
};

}  // namespace planetude::store::sqlite
