// The account bodies (models/user): register, login, profile update, password change and account
// deletion, each fed the same body. Beyond not crashing, each refuses only with a documented 400,
// and what it accepts keeps the rules of docs/api.md:
// - email: valid by is_valid_email, lower-case, at most 254 characters;
// - password: 8 to 128 characters, kept as sent (never trimmed); name: 1 to 100, trimmed, no
//   control characters; themes and matieres: at most 50 distinct clean items; the weekly goal
//   (objectifHebdo) 1 to 10080 minutes;
// - timezone: a name the tz database knows.
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/datetime.hpp"
#include "models/user.hpp"
#include "support/request_body.hpp"

namespace models = planetude::models;
using planetude::fuzz::is_clean_text;
using planetude::fuzz::require;

namespace {

void check_email(const std::string& email) {
  require(models::is_valid_email(email), "an accepted email is valid");
  require(std::none_of(email.begin(), email.end(), [](char c) { return c >= 'A' && c <= 'Z'; }),
          "an accepted email is lower-case");
}

void check_new_password(const std::string& password) {
  const std::size_t n = planetude::fuzz::code_points(password);
  require(n >= 8 && n <= 128, "a new password has 8 to 128 characters");
}

void check_list(const std::vector<std::string>& items) {
  require(items.size() <= 50, "a preference list has at most 50 items");
  for (std::size_t i = 0; i < items.size(); ++i) {
    require(is_clean_text(items[i], 1, 100, false), "a preference item is clean text of 1 to 100 characters");
    require(std::find(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(i), items[i]) ==
                items.begin() + static_cast<std::ptrdiff_t>(i),
            "preference items are distinct");
  }
}

void check_weekly_goal(std::optional<std::int64_t> minutes) {
  if (minutes) require(*minutes >= 1 && *minutes <= 10080, "a weekly goal is 1 to 10080 minutes");
}

void check_timezone(const std::string& name) {
  require(models::is_valid_timezone(name), "an accepted timezone is valid");
  planetude::datetime::zone(name);  // throws (a crash here) when the tz database does not know it
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto body = planetude::fuzz::read_body(data, size);
  if (!body) return 0;
  using planetude::fuzz::accept_or_refuse;

  accept_or_refuse([&] { return models::parse_register(*body); },
                   [](const models::RegisterInput& in) {
                     check_email(in.email);
                     check_new_password(in.password);
                     require(is_clean_text(in.name, 1, 100, false), "a name is clean text of 1 to 100 characters");
                     check_list(in.themes);
                     check_list(in.matieres);
                     check_weekly_goal(in.weekly_goal_minutes);
                     check_timezone(in.timezone);
                   });
  accept_or_refuse([&] { return models::parse_login(*body); },
                   [](const models::LoginInput& in) {
                     require(!in.email.empty() && !in.password.empty(), "login needs an email and a password");
                   });
  accept_or_refuse([&] { return models::parse_profile_update(*body); },
                   [](const models::ProfileUpdate& in) {
                     if (in.name) require(is_clean_text(*in.name, 1, 100, false), "a new name is clean text");
                     if (in.themes) check_list(*in.themes);
                     if (in.matieres) check_list(*in.matieres);
                     check_weekly_goal(in.weekly_goal_minutes);
                     if (in.timezone) check_timezone(*in.timezone);
                   });
  accept_or_refuse([&] { return models::parse_password_change(*body); },
                   [](const models::PasswordChangeInput& in) {
                     require(!in.current_password.empty(), "the current password is given");
                     check_new_password(in.new_password);
                   });
  accept_or_refuse([&] { return models::parse_account_deletion(*body); },
                   [](const std::string& password) { require(!password.empty(), "the password is given"); });
  return 0;
}
