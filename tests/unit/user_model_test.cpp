// models/user: e-mail and time zone checks, registration input, the public JSON view.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "models/user.hpp"

namespace json = boost::json;
using planetude::DomainError;
namespace models = planetude::models;

namespace {

DomainError validation_error(const json::value& body) {
  try {
    models::parse_register(body);
  } catch (const DomainError& e) {
    return e;
  }
  ADD_FAILURE() << "parse_register accepted " << json::serialize(body);
  return DomainError(planetude::ErrorKind::internal, "none", "none");
}

std::vector<std::string> sorted_paths(const DomainError& e) {
  std::vector<std::string> out;
  for (const auto& d : e.details()) out.push_back(d.path);
  std::sort(out.begin(), out.end());
  return out;
}

const planetude::FieldError* detail(const DomainError& e, const std::string& path) {
  for (const auto& d : e.details())
    if (d.path == path) return &d;
  return nullptr;
}

// Every key of `v`, at any depth.
void collect_keys(const json::value& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      out.emplace_back(kv.key());
      collect_keys(kv.value(), out);
    }
  } else if (v.is_array()) {
    for (const auto& x : v.get_array()) collect_keys(x, out);
  }
}

}  // namespace

// ---- e-mail -----------------------------------------------------------------------------------

TEST(UserEmail, GoodForms) {
  for (const char* e : {"a@b.co", "alice@example.com", "first.last+tag@sub.example.fr", "x_y-z@a-b.example",
                        "o'brien@example.ie", "1234@123.example", "a@b.c.d.e.f"}) {
    EXPECT_TRUE(models::is_valid_email(e)) << e;
  }
  EXPECT_TRUE(models::is_valid_email(std::string(64, 'a') + "@example.com"));
}

TEST(UserEmail, BadForms) {
  for (const char* e :
       {"",        "plain",    "a@b",      "@example.com", "alice@",     "a@@b.co",   "a@b@c.co",  "a b@c.co",
        "a@b .co", ".a@b.co",  "a.@b.co",  "a..b@c.co",    "a@-b.co",    "a@b-.co",   "a@b..co",   "a@b.co.",
        "a@.b.co", "a@b_c.co", "a\n@b.co", "a@b.co\t",     "\"a\"@b.co", "a<b>@c.co", "a\\b@c.co", "a@b.c/o"}) {
    EXPECT_FALSE(models::is_valid_email(e)) << e;
  }
  EXPECT_FALSE(models::is_valid_email(std::string(65, 'a') + "@example.com"));
  EXPECT_FALSE(models::is_valid_email("a@" + std::string(64, 'b') + ".com"));  // label over 63
  EXPECT_FALSE(models::is_valid_email(std::string(60, 'a') + "@" + std::string(60, 'b') + "." + std::string(60, 'c') +
                                      "." + std::string(60, 'd') + "." +
                                      std::string(20, 'e')));  // 264 characters in total, over 254
}

// ---- time zones ---------------------------------------------------------------------------------

TEST(UserTimezone, KnownZonesAndLinks) {
  for (const char* tz : {"Europe/Paris", "Asia/Calcutta", "Asia/Kolkata", "UTC", "Pacific/Auckland",
                         "America/Argentina/Buenos_Aires", "Etc/GMT+1", "America/Port-au-Prince"}) {
    EXPECT_TRUE(models::is_valid_timezone(tz)) << tz;
  }
}

TEST(UserTimezone, UnknownOrUnsafeNamesAreRefused) {
  for (const char* tz : {"+01:00", "Mars/Olympus", "../etc/passwd", "", "/etc/passwd", "Europe/../../etc/passwd",
                         "Europe/Paris ", "Europe\\Paris", "Europe/Paris\n", "Europe/Nowhere"}) {
    EXPECT_FALSE(models::is_valid_timezone(tz)) << tz;
  }
  EXPECT_FALSE(models::is_valid_timezone(std::string(65, 'A')));
}

// ---- parse_register ------------------------------------------------------------------------------

TEST(ParseRegister, MinimalBodyGetsDefaults) {
  json::value body = json::parse(R"({"email":"  Alice@Example.COM ","password":"  pass word  ","name":"  Alice  "})");
  models::RegisterInput in = models::parse_register(body);
  EXPECT_EQ(in.email, "alice@example.com");
  EXPECT_EQ(in.password, "  pass word  ");  // never trimmed
  EXPECT_EQ(in.name, "Alice");
  EXPECT_TRUE(in.themes.empty());
  EXPECT_TRUE(in.matieres.empty());
  EXPECT_EQ(in.timezone, "UTC");
}

TEST(ParseRegister, FullBody) {
  json::value body = json::parse(R"({
    "email":"bob@example.fr","password":"correct horse","name":"Bob",
    "preferences":{"themes":["Révisions"," Révisions ","révisions"],"matieres":["Maths","Physique"]},
    "timezone":"Europe/Paris"})");
  models::RegisterInput in = models::parse_register(body);
  EXPECT_EQ(in.themes, (std::vector<std::string>{"Révisions", "révisions"}));
  EXPECT_EQ(in.matieres, (std::vector<std::string>{"Maths", "Physique"}));
  EXPECT_EQ(in.timezone, "Europe/Paris");
}

TEST(ParseRegister, WeeklyGoalIsAWholeNumberOfMinutesWithinAWeek) {
  auto goal = [](const std::string& value) {
    return models::parse_register(json::parse(R"({"email":"a@b.co","password":"12345678","name":"A",)"
                                              R"("preferences":{"objectifHebdo":)" +
                                              value + "}}"))
        .weekly_goal_minutes;
  };
  EXPECT_EQ(goal("600"), 600);
  EXPECT_EQ(goal("1"), 1);
  EXPECT_EQ(goal("10080"), 10080);
  EXPECT_EQ(goal("null"), std::nullopt);
  for (const char* bad : {"0", "-5", "10081", "90.5", "\"600\"", "true", "[600]"}) {
    try {
      goal(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const DomainError& e) {
      ASSERT_EQ(e.details().size(), 1u) << bad;
      EXPECT_EQ(e.details()[0].path, "preferences.objectifHebdo") << bad;
    }
  }
  EXPECT_EQ(
      models::parse_register(json::parse(R"({"email":"a@b.co","password":"12345678","name":"A"})")).weekly_goal_minutes,
      std::nullopt);
}

TEST(ParseProfileUpdate, WeeklyGoalAloneIsAnUpdate) {
  auto u = models::parse_profile_update(json::parse(R"({"preferences":{"objectifHebdo":300}})"));
  EXPECT_EQ(u.weekly_goal_minutes, 300);
  EXPECT_FALSE(u.themes);
  EXPECT_FALSE(u.matieres);
  EXPECT_FALSE(u.name);
}

TEST(ParseRegister, NullOptionalFieldsAreAbsent) {
  json::value body =
      json::parse(R"({"email":"a@b.co","password":"12345678","name":"A","preferences":null,"timezone":null})");
  models::RegisterInput in = models::parse_register(body);
  EXPECT_EQ(in.timezone, "UTC");
  EXPECT_TRUE(in.themes.empty());
}

TEST(ParseRegister, PasswordLengthInCodePoints) {
  auto with_password = [](const std::string& pw) {
    return json::value(json::object{{"email", "a@b.co"}, {"password", pw}, {"name", "A"}});
  };
  EXPECT_NO_THROW(models::parse_register(with_password("12345678")));
  EXPECT_NO_THROW(models::parse_register(with_password("éééééééé")));  // 8 code points, 16 bytes
  EXPECT_NO_THROW(models::parse_register(with_password(std::string(128, 'x'))));
  EXPECT_NO_THROW(models::parse_register(with_password("multi\nline\tpass")));  // newlines and tabs allowed

  DomainError seven = validation_error(with_password("1234567"));
  ASSERT_NE(detail(seven, "password"), nullptr);
  DomainError long_pw = validation_error(with_password(std::string(129, 'x')));
  ASSERT_NE(detail(long_pw, "password"), nullptr);
  // Not trimmed: seven letters plus spaces make 9 code points and pass.
  EXPECT_NO_THROW(models::parse_register(with_password(" 1234567 ")));
}

TEST(ParseRegister, MissingFields) {
  DomainError e = validation_error(json::parse("{}"));
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(sorted_paths(e), (std::vector<std::string>{"email", "name", "password"}));
  for (const auto& d : e.details()) EXPECT_EQ(d.message, "est obligatoire") << d.path;
}

TEST(ParseRegister, EveryProblemIsListed) {
  json::value body = json::parse(R"({
    "email":"not-an-email","password":"short","name":"   ",
    "preferences":{"themes":["ok","",3],"matieres":"Maths","colour":"red"},
    "timezone":"Mars/Olympus","admin":true})");
  DomainError e = validation_error(body);
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(sorted_paths(e), (std::vector<std::string>{"admin", "email", "name", "password", "preferences.colour",
                                                       "preferences.matieres", "preferences.themes[1]",
                                                       "preferences.themes[2]", "timezone"}));
  EXPECT_EQ(detail(e, "email")->message, "n'est pas une adresse e-mail valide");
  EXPECT_EQ(detail(e, "name")->message, "ne doit pas être vide");
  EXPECT_EQ(detail(e, "admin")->message, "n'est pas un champ autorisé");
  EXPECT_EQ(e.message().rfind("Le champ « ", 0), 0u) << e.message();
}

TEST(ParseRegister, TooManyListItems) {
  json::array themes;
  for (int i = 0; i < 51; ++i) themes.emplace_back("t" + std::to_string(i));
  json::value body = json::object{
      {"email", "a@b.co"}, {"password", "12345678"}, {"name", "A"}, {"preferences", json::object{{"themes", themes}}}};
  DomainError e = validation_error(body);
  EXPECT_EQ(sorted_paths(e), (std::vector<std::string>{"preferences.themes"}));
}

TEST(ParseRegister, BodyThatIsNotAnObject) {
  DomainError e = validation_error(json::parse(R"(["a@b.co"])"));
  EXPECT_EQ(e.code(), "validation_failed");
  ASSERT_EQ(e.details().size(), 1u);
  EXPECT_EQ(e.details()[0].path, "");

  DomainError prefs =
      validation_error(json::parse(R"({"email":"a@b.co","password":"12345678","name":"A","preferences":["Maths"]})"));
  EXPECT_EQ(sorted_paths(prefs), (std::vector<std::string>{"preferences"}));
}

TEST(ParseRegister, EmailLowerCasingIsAsciiOnly) {
  EXPECT_EQ(models::parse_register(json::parse(R"({"email":"ÉLÈVE@ÉCOLE.FR","password":"12345678","name":"A"})")).email,
            "ÉlÈve@École.fr");
}

// ---- to_json ------------------------------------------------------------------------------------

TEST(UserToJson, NeverContainsThePasswordHash) {
  planetude::store::UserRecord u;
  u.id = "65a1b2c3d4e5f60718293a4b";
  u.email = "alice@example.com";
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
  u.name = "Alice";
  u.themes = {"Révisions"};
  u.matieres = {"Maths", "Physique"};
  u.timezone = "Europe/Paris";
  u.created_at = 1735117200000;  // 2024-12-25T09:00:00.000Z
  u.tokens_not_before = 42;

  json::object o = models::to_json(u);
  std::vector<std::string> keys;
  collect_keys(o, keys);
  for (const auto& k : keys) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    EXPECT_EQ(lower.find("password"), std::string::npos) << k;
    EXPECT_EQ(lower.find("hash"), std::string::npos) << k;
    EXPECT_EQ(lower.find("token"), std::string::npos) << k;
  }
  std::string text = json::serialize(o);
  EXPECT_EQ(text.find("argon2"), std::string::npos);

  EXPECT_EQ(o.at("_id").as_string(), u.id);
  EXPECT_EQ(o.at("email").as_string(), u.email);
  EXPECT_EQ(o.at("name").as_string(), "Alice");
  EXPECT_EQ(o.at("timezone").as_string(), "Europe/Paris");
  EXPECT_EQ(o.at("createdAt").as_string(), "2024-12-25T09:00:00.000Z");
  EXPECT_EQ(o.at("preferences").at("themes").as_array().size(), 1u);
  EXPECT_EQ(o.at("preferences").at("matieres").at(1).as_string(), "Physique");
  EXPECT_EQ(o.size(), 6u);
  // No weekly goal chosen: the preferences are the two lists only.
  EXPECT_EQ(o.at("preferences").as_object().size(), 2u);
  u.weekly_goal_minutes = 420;
  EXPECT_EQ(models::to_json(u).at("preferences").at("objectifHebdo").as_int64(), 420);
}
