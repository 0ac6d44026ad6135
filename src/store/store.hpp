// Storage interfaces, one per resource. Implementations (sqlite/, later postgres/) bind them to a
// connection inside a transaction; services never see SQL.
#pragma once
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

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
  virtual void insert(const UserRecord& user) = 0;  // throws Conflict on a taken email
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

// The stores of one transaction.
class Repos {
 public:
  virtual ~Repos() = default;
  virtual UserStore& users() = 0;
  virtual TokenStore& tokens() = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  // Runs `work` in a read-only transaction (a consistent snapshot).
  virtual void read(const std::function<void(Repos&)>& work) = 0;
  // Runs `work` in a write transaction: committed when it returns, rolled back when it throws.
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
