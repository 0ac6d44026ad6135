// The signed-in user's own account: profile, export of all their data, deletion.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "models/user.hpp"
#include "services/accounts/auth_service.hpp"
#include "store/async_database.hpp"
#include "store/store.hpp"

namespace planetude {

// Everything a user owns, read in one snapshot.
struct UserExport {
  store::UserRecord user;
  std::vector<store::PlanningRecord> plannings;
  std::vector<store::ProgressRecord> progress;
  std::vector<store::ChatMessageRecord> messages;
  std::vector<store::ProposalRecord> proposals;
  std::optional<store::TimetableImportRecord> timetable;
  std::vector<store::TimetableEventRecord> timetable_events;
  std::vector<store::RestDayRecord> rest_days;
  std::int64_t exported_at = 0;
};

class UserService {
 public:
  UserService(store::AsyncDatabase& db, AuthService& auth) : db_(db), auth_(auth) {}

  // Merges `preferences` per key; an empty update changes nothing.
  boost::asio::awaitable<store::UserRecord> update_profile(store::UserRecord user, models::ProfileUpdate update);
  boost::asio::awaitable<UserExport> export_all(store::UserRecord user);
  // Checks the password, then removes the user and everything that belongs to them.
  boost::asio::awaitable<void> delete_account(store::UserRecord user, std::string password);

 private:
  store::AsyncDatabase& db_;
  AuthService& auth_;
};

}  // namespace planetude
