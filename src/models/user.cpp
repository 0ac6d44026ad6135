#include "models/user.hpp"

#include <date/tz.h>

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/json_input.hpp"
#include "core/text.hpp"
#include "models/json_text.hpp"

namespace planetude::models {

namespace json = boost::json;
using json_input::ObjectReader;
using json_input::Problems;
using json_input::StringRule;

namespace {

const StringRule kEmail{1, 254, true, false};
// Passwords are never trimmed (docs/api.md).
const StringRule kPassword{8, 128, false, true};
const StringRule kName{1, 100, true, false};
const StringRule kListItem{1, 100, true, false};
constexpr std::size_t kMaxListItems = 50;
// preferences.objectifHebdo: minutes of study a week, at most the whole week.
constexpr std::int64_t kMinWeeklyGoal = 1;
constexpr std::int64_t kMaxWeeklyGoal = std::int64_t{7} * 24 * 60;

std::optional<std::string> read_email(ObjectReader& r) {
  auto email = r.string("email", kEmail, true);
  if (!email) return std::nullopt;
  std::string lowered = text::to_lower_ascii(*email);
  if (!is_valid_email(lowered)) {
    r.problems().add(r.path("email"), "n'est pas une adresse e-mail valide");
    return std::nullopt;
  }
  return lowered;
}

std::optional<std::string> read_timezone(ObjectReader& r) {
  auto tz = r.string("timezone", StringRule{1, 64, true, false}, false);
  if (tz && !is_valid_timezone(*tz)) {
    r.problems().add(r.path("timezone"), "doit être un fuseau horaire IANA, par exemple Europe/Paris");
    return std::nullopt;
  }
  return tz;
}

// The optional `preferences` object: each key is filled only when present.
struct PreferencesInput {
  std::optional<std::vector<std::string>> themes;
  std::optional<std::vector<std::string>> matieres;
  std::optional<std::int64_t> weekly_goal_minutes;
};

PreferencesInput read_preferences(ObjectReader& r) {
  PreferencesInput in;
  const json::value* prefs = r.field("preferences");
  if (!prefs) return in;
  ObjectReader p(*prefs, r.path("preferences"), r.problems());
  if (!p.is_object()) return in;
  in.themes = p.string_set("themes", kMaxListItems, kListItem, false);
  in.matieres = p.string_set("matieres", kMaxListItems, kListItem, false);
  in.weekly_goal_minutes = p.integer("objectifHebdo", kMinWeeklyGoal, kMaxWeeklyGoal, false);
  p.reject_unknown();
  return in;
}

}  // namespace

bool is_valid_email(std::string_view email) {
  if (text::code_points(email) > 254 || text::has_control_chars(email, false)) return false;
  auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view local = email.substr(0, at), domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64 || domain.empty() || domain.size() > 253) return false;
  for (char c : local)
    if (c == ' ' || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' || c == ';' || c == '<' || c == '>' ||
        c == '[' || c == ']' || c == '\\')
      return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (unsigned char c : label)
      if (!(std::isalnum(c) || c == '-' || c >= 0x80)) return false;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

bool is_valid_timezone(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+')) return false;
  try {
    (void)date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

RegisterInput parse_register(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  RegisterInput in;
  auto email = read_email(r);
  auto password = r.string("password", kPassword, true);
  auto name = r.string("name", kName, true);
  auto prefs = read_preferences(r);
  auto tz = read_timezone(r);
  r.reject_unknown();
  problems.throw_if_any();
  in.email = *email;
  in.password = *password;
  in.name = *name;
  if (prefs.themes) in.themes = *prefs.themes;
  if (prefs.matieres) in.matieres = *prefs.matieres;
  in.weekly_goal_minutes = prefs.weekly_goal_minutes;
  if (tz) in.timezone = *tz;
  return in;
}

LoginInput parse_login(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  // Only the presence and type are checked: a password of the wrong length simply does not match.
  auto email = r.string("email", StringRule{1, 1024, true, true}, true);
  auto password = r.string("password", StringRule{1, 4096, false, true}, true);
  r.reject_unknown();
  problems.throw_if_any();
  return {text::to_lower_ascii(*email), *password};
}

ProfileUpdate parse_profile_update(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  ProfileUpdate u;
  u.name = r.string("name", kName, false);
  auto prefs = read_preferences(r);
  u.themes = std::move(prefs.themes);
  u.matieres = std::move(prefs.matieres);
  u.weekly_goal_minutes = prefs.weekly_goal_minutes;
  u.timezone = read_timezone(r);
  r.reject_unknown();
  problems.throw_if_any();
  return u;
}

PasswordChangeInput parse_password_change(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  auto current = r.string("currentPassword", StringRule{1, 4096, false, true}, true);
  auto next = r.string("newPassword", kPassword, true);
  r.reject_unknown();
  problems.throw_if_any();
  return {*current, *next};
}

std::string parse_account_deletion(const json::value& body) {
  Problems problems;
  ObjectReader r(body, "", problems);
  auto password = r.string("password", StringRule{1, 4096, false, true}, true);
  r.reject_unknown();
  problems.throw_if_any();
  return *password;
}

void write_json(JsonWriter& w, const store::UserRecord& u) {
  w.begin_object();
  w.field("_id", u.id);
  w.field("email", u.email);
  w.field("name", u.name);
  w.key("preferences");
  w.begin_object();
  w.key("themes");
  w.begin_array();
  for (const auto& t : u.themes) w.string(t);
  w.end_array();
  w.key("matieres");
  w.begin_array();
  for (const auto& m : u.matieres) w.string(m);
  w.end_array();
  if (u.weekly_goal_minutes) w.field("objectifHebdo", *u.weekly_goal_minutes);
  w.end_object();
  w.field("timezone", u.timezone);
  w.field("createdAt", clock::rfc3339(u.created_at).view());
  w.end_object();
}

json::object to_json(const store::UserRecord& u) { return json_object(u); }

}  // namespace planetude::models
