#include "services/planning/calendar_service.hpp"

#include <sodium.h>

#include "core/base64url.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/planning/ics.hpp"

namespace planetude {

namespace asio = boost::asio;

namespace {
constexpr std::int64_t kFeedLookBackMs = 30LL * 24 * 3600 * 1000;
}

std::string CalendarService::hash_secret(std::string_view secret) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

asio::awaitable<std::string> CalendarService::create_feed(std::string user_id) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  std::string secret = base64url::encode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  std::string hash = hash_secret(secret);
  co_await db_.write([&](store::Repos& r) { r.calendar_feeds().put(user_id, hash, clock::now_ms()); });
  co_return secret;
}

asio::awaitable<void> CalendarService::delete_feed(std::string user_id) {
  co_await db_.write([&](store::Repos& r) { r.calendar_feeds().remove(user_id); });
}

asio::awaitable<std::optional<std::string>> CalendarService::feed(std::string secret) {
  if (secret.empty() || secret.size() > 128) co_return std::nullopt;
  std::string hash = hash_secret(secret);
  auto plannings = co_await db_.read([&](store::Repos& r) -> std::optional<std::vector<store::PlanningRecord>> {
    auto user_id = r.calendar_feeds().user_for(hash);
    if (!user_id) return std::nullopt;
    return r.plannings().sessions_ending_after(*user_id, clock::now_ms() - kFeedLookBackMs);
  });
  if (!plannings) co_return std::nullopt;
  co_return ics::render(*plannings, {"PlanÉtude", true});
}

asio::awaitable<std::string> CalendarService::planning_calendar(std::string user_id, std::string planning_id) {
  if (!ids::is_valid(planning_id)) throw errors::not_found();
  auto planning = co_await db_.read([&](store::Repos& r) { return r.plannings().find(user_id, planning_id); });
  if (!planning) throw errors::not_found();
  std::string name = planning->titre.value_or("PlanÉtude");
  co_return ics::render({*planning}, {name, false});
}

}  // namespace planetude
