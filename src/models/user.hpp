// The user account: input types with their validation (one function each, every problem with its
// JSON path), and the public JSON view (never the password hash).
#pragma once
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_writer.hpp"
#include "store/records.hpp"

namespace planetude::models {

struct RegisterInput {
  std::string email;
  std::string password;
  std::string name;
  std::vector<std::string> themes;
  std::vector<std::string> matieres;
  std::string timezone = "UTC";
  std::optional<std::int64_t> weekly_goal_minutes;
};

struct LoginInput {
  std::string email;
  std::string password;
};

struct ProfileUpdate {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> themes;
  std::optional<std::vector<std::string>> matieres;
  std::optional<std::int64_t> weekly_goal_minutes;
  std::optional<std::string> timezone;
};

struct PasswordChangeInput {
  std::string current_password;
  std::string new_password;
};

// Each throws RuleBroken validation_failed listing every problem.
RegisterInput parse_register(const boost::json::value& body);
LoginInput parse_login(const boost::json::value& body);
ProfileUpdate parse_profile_update(const boost::json::value& body);
PasswordChangeInput parse_password_change(const boost::json::value& body);
std::string parse_account_deletion(const boost::json::value& body);  // the password

bool is_valid_email(std::string_view email);
// An IANA time zone name known to the system's tz database (links such as Asia/Calcutta too).
bool is_valid_timezone(std::string_view name);

// The API's JSON of a user (never the password hash), written by `w`; to_json gives the same as an
// object (models/json_text.hpp).
void write_json(JsonWriter& w, const store::UserRecord& user);
boost::json::object to_json(const store::UserRecord& user);

}  // namespace planetude::models
