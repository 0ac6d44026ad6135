#include "services/user_service.hpp"

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "models/chat.hpp"
#include "models/proposal.hpp"
#include "models/planning.hpp"
#include "models/progress.hpp"
#include "observability/log.hpp"

namespace planetude {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<store::UserRecord> UserService::update_profile(store::UserRecord user, models::ProfileUpdate update) {
  if (!update.name && !update.themes && !update.matieres && !update.timezone) co_return user;
  co_return co_await db_pool_.run([this, &user, &update] {
    return db_.write_value([&](store::Repos& r) {
      // Re-read inside the write transaction so two concurrent PATCHes of different keys both land.
      auto current = r.users().find_by_id(user.id);
      if (!current) throw errors::unauthenticated("Ce compte n'existe plus.");
      if (update.name) current->name = *update.name;
      if (update.themes) current->themes = *update.themes;
      if (update.matieres) current->matieres = *update.matieres;
      if (update.timezone) current->timezone = *update.timezone;
      current->updated_at = clock::now_ms();
      r.users().update_profile(*current);
      return *current;
    });
  });
}

asio::awaitable<json::object> UserService::export_all(store::UserRecord user) {
  struct Everything {
    std::optional<store::UserRecord> user;
    std::vector<store::PlanningRecord> plannings;
    std::vector<store::ProgressRecord> progress;
    std::vector<store::ChatMessageRecord> messages;
    std::vector<store::ProposalRecord> proposals;
  };
  // One read transaction: a consistent snapshot of everything the user owns.
  Everything all = co_await db_pool_.run([this, &user] {
    return db_.read_value([&](store::Repos& r) {
      return Everything{r.users().find_by_id(user.id), r.plannings().list_all(user.id), r.progress().list_all(user.id),
                        r.chat().list_all(user.id), r.proposals().list_all(user.id)};
    });
  });
  if (!all.user) throw errors::unauthenticated("Ce compte n'existe plus.");
  json::array plannings, progress, messages, proposals;
  for (const auto& p : all.plannings) plannings.push_back(models::to_json(p));
  for (const auto& e : all.progress) progress.push_back(models::to_json(e));
  for (const auto& m : all.messages) messages.push_back(models::to_json(m));
  for (const auto& p : all.proposals) proposals.push_back(models::to_json(p));
  co_return json::object{
      {"user", models::to_json(*all.user)},
      {"plannings", std::move(plannings)},
      {"progress", std::move(progress)},
      {"chat", json::object{{"messages", std::move(messages)}, {"proposals", std::move(proposals)}}},
      {"exportedAt", clock::format_rfc3339(clock::now_ms())},
  };
}

asio::awaitable<void> UserService::delete_account(store::UserRecord user, std::string password) {
  co_await auth_.check_password(user, std::move(password));
  co_await db_pool_.run([this, &user] {
    db_.write([&](store::Repos& r) { r.users().remove(user.id); });
    return true;
  });
  log::info("user_deleted", {{"user_id", user.id}});
}

}  // namespace planetude
