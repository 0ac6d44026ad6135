// The signed-in user's own account: profile, export of all their data, deletion.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "core/worker_pool.hpp"
#include "models/user.hpp"
#include "services/auth_service.hpp"
#include "store/store.hpp"

namespace planetude {

class UserService {
 public:
  UserService(store::Database& db, WorkerPool& db_pool, AuthService& auth) : db_(db), db_pool_(db_pool), auth_(auth) {}

  // Merges `preferences` per key; an empty update changes nothing.
  boost::asio::awaitable<store::UserRecord> update_profile(store::UserRecord user, models::ProfileUpdate update);
  // API.md "Export": { user, plannings, progress, chat: { messages, proposals }, exportedAt }.
  boost::asio::awaitable<boost::json::object> export_all(store::UserRecord user);
  // Checks the password, then removes the user and everything that belongs to them.
  boost::asio::awaitable<void> delete_account(store::UserRecord user, std::string password);

 private:
  store::Database& db_;
  WorkerPool& db_pool_;
  AuthService& auth_;
};

}  // namespace planetude
