#include "services/accounts/user_service.hpp"

#include <limits>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "models/chat.hpp"
#include "models/planning.hpp"
#include "models/progress.hpp"
#include "models/proposal.hpp"
#include "observability/log.hpp"

namespace planetude {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<store::UserRecord> UserService::update_profile(store::UserRecord user, models::ProfileUpdate update) {
  if (!update.name && !update.themes && !update.matieres && !update.weekly_goal_minutes && !update.timezone)
    co_return user;
  co_return co_await db_.write([&](store::Repos& r) {
    // Re-read inside the write transaction so two concurrent PATCHes of different keys both land.
    auto current = r.users().find_by_id(user.id);
    if (!current) throw errors::unauthenticated("Ce compte n'existe plus.");
    if (update.name) current->name = *update.name;
    if (update.themes) current->themes = *update.themes;
    if (update.matieres) current->matieres = *update.matieres;
    if (update.weekly_goal_minutes) current->weekly_goal_minutes = update.weekly_goal_minutes;
    if (update.timezone) current->timezone = *update.timezone;
    current->updated_at = clock::now_ms();
    r.users().update_profile(*current);
    return *current;
  });
}

asio::awaitable<UserExport> UserService::export_all(store::UserRecord user) {
  // One read transaction: a consistent snapshot of everything the user owns.
  auto all = co_await db_.read([&](store::Repos& r) -> std::optional<UserExport> {
    auto current = r.users().find_by_id(user.id);
    if (!current) return std::nullopt;
    UserExport all{std::move(*current),
                   r.plannings().list_all(user.id),
                   r.progress().list_all(user.id),
                   r.chat().list_all(user.id),
                   r.proposals().list_all(user.id),
                   r.timetable().find(user.id),
                   {},
                   {},
                   clock::now_ms()};
    all.rest_days = r.rest_days().list(user.id, "0001-01-01", "9999-12-31");
    if (all.timetable)
      all.timetable_events = r.timetable().events_between(user.id, std::numeric_limits<std::int64_t>::min(),
                                                          std::numeric_limits<std::int64_t>::max());
    return all;
  });
  if (!all) throw errors::unauthenticated("Ce compte n'existe plus.");
  co_return std::move(*all);
}

asio::awaitable<void> UserService::delete_account(store::UserRecord user, std::string password) {
  co_await auth_.check_password(user, std::move(password));
  co_await db_.write([&](store::Repos& r) { r.users().remove(user.id); });
  log::info("user_deleted", {{"user_id", user.id}});
}

}  // namespace planetude
