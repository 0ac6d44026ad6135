// core/json_input: body parsing, the strict ObjectReader and the validation error it produces.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/json_input.hpp"

namespace json = boost::json;
using planetude::DomainError;
using planetude::FieldError;
using planetude::json_input::ObjectReader;
using planetude::json_input::parse_body;
using planetude::json_input::Problems;
using planetude::json_input::StringRule;

namespace {

// Runs `fn`, which must throw DomainError, and returns the error.
DomainError catch_api_error(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const DomainError& e) {
    return e;
  }
  ADD_FAILURE() << "no DomainError thrown";
  return DomainError(planetude::ErrorKind::internal, "none", "none");
}

const FieldError* find_problem(const Problems& p, const std::string& path) {
  for (const auto& e : p.list())
    if (e.path == path) return &e;
  return nullptr;
}

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
}

}  // namespace

// ---- parse_body -------------------------------------------------------------------------------

TEST(JsonParseBody, EmptyBodyIsInvalidJson) {
  DomainError e = catch_api_error([] { parse_body(""); });
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "invalid_json");
  EXPECT_FALSE(e.message().empty());
}

TEST(JsonParseBody, MalformedIsInvalidJson) {
  for (const char* body : {"{", "{\"a\":1,}", "nul", "{'a':1}", "{} trailing", "{\"a\":01}", "\"\\x\""}) {
    DomainError e = catch_api_error([&] { parse_body(body); });
    EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input) << body;
    EXPECT_EQ(e.code(), "invalid_json") << body;
  }
}

TEST(JsonParseBody, ValidJsonIsReturned) {
  json::value v = parse_body(R"({"a":[1,2,{"b":null}],"c":"é"})");
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("c").as_string(), "é");
  EXPECT_EQ(v.at("a").as_array().size(), 3u);
  // Not an object is still JSON: the caller decides (validation_failed).
  EXPECT_TRUE(parse_body("[1]").is_array());
  EXPECT_TRUE(parse_body("42").is_int64());
}

TEST(JsonParseBody, NestingDeeperThan64IsInvalidJson) {
  EXPECT_NO_THROW(parse_body(nested(64)));
  DomainError e = catch_api_error([] { parse_body(nested(65)); });
  EXPECT_EQ(e.code(), "invalid_json");
  DomainError huge = catch_api_error([] { parse_body(nested(100000)); });
  EXPECT_EQ(huge.code(), "invalid_json");

  std::string objects;
  for (int i = 0; i < 65; ++i) objects += "{\"a\":";
  objects += "1" + std::string(65, '}');
  EXPECT_EQ(catch_api_error([&] { parse_body(objects); }).code(), "invalid_json");
}

// ---- ObjectReader: strings ----------------------------------------------------------------------

TEST(ObjectReader, RequiredMissingIsReportedAtItsPath) {
  Problems p;
  json::value body = json::parse(R"({"other":1})");
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.string("name", StringRule{1, 10}, true).has_value());
  ASSERT_NE(find_problem(p, "name"), nullptr);
  EXPECT_EQ(find_problem(p, "name")->message, "est obligatoire");

  Problems p2;
  json::value prefs = json::parse("{}");
  ObjectReader nested_reader(prefs, "preferences", p2);
  EXPECT_FALSE(nested_reader.string("label", StringRule{1, 10}, true).has_value());
  ASSERT_EQ(p2.list().size(), 1u);
  EXPECT_EQ(p2.list()[0].path, "preferences.label");
  EXPECT_EQ(p2.list()[0].message, "est obligatoire");
}

TEST(ObjectReader, OptionalMissingIsNoProblem) {
  Problems p;
  json::value body = json::parse("{}");
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.string("name", StringRule{1, 10}, false).has_value());
  EXPECT_FALSE(r.integer("n", 0, 10, false).has_value());
  EXPECT_FALSE(r.string_set("s", 5, StringRule{1, 10}, false).has_value());
  EXPECT_TRUE(p.empty());
}

TEST(ObjectReader, NullIsTreatedAsAbsent) {
  Problems p;
  json::value body = json::parse(R"({"name":null,"nick":null})");
  ObjectReader r(body, "", p);
  EXPECT_TRUE(r.contains("name"));
  EXPECT_EQ(r.field("name"), nullptr);
  EXPECT_FALSE(r.string("name", StringRule{1, 10}, true).has_value());
  EXPECT_FALSE(r.string("nick", StringRule{1, 10}, false).has_value());
  r.reject_unknown();  // a null field that was read is known, not "unknown"
  ASSERT_EQ(p.list().size(), 1u);
  EXPECT_EQ(p.list()[0].path, "name");
  EXPECT_EQ(p.list()[0].message, "est obligatoire");
}

TEST(ObjectReader, WrongTypeForString) {
  for (const char* v : {"5", "true", "[]", "{}", "1.5"}) {
    Problems p;
    json::value body = json::parse(std::string(R"({"name":)") + v + "}");
    ObjectReader r(body, "", p);
    EXPECT_FALSE(r.string("name", StringRule{}, true).has_value()) << v;
    ASSERT_EQ(p.list().size(), 1u) << v;
    EXPECT_EQ(p.list()[0].path, "name");
    EXPECT_EQ(p.list()[0].message, "doit être une chaîne de caractères");
  }
}

TEST(ObjectReader, LengthIsCountedInCodePointsAtTheLimitAndOnePast) {
  const StringRule rule{2, 5};
  struct Case {
    const char* text;
    bool ok;
  } cases[] = {
      {"héllo", true},                          // 5 code points, 6 bytes
      {"😀😀😀😀😀", true},                          // 5 code points, 20 bytes
      {"日本語です", true}, {"héllo!", false},  // 6
      {"😀😀😀😀😀😀", false},    {"ab", true},       // minimum
      {"é", false},                             // one under the minimum
  };
  for (const auto& c : cases) {
    Problems p;
    json::value body = json::object{{"t", c.text}};
    ObjectReader r(body, "", p);
    auto got = r.string("t", rule, true);
    EXPECT_EQ(got.has_value(), c.ok) << c.text;
    if (c.ok) {
      EXPECT_EQ(*got, c.text);
    } else {
      ASSERT_EQ(p.list().size(), 1u) << c.text;
      EXPECT_EQ(p.list()[0].path, "t");
      EXPECT_EQ(p.list()[0].message, "doit contenir entre 2 et 5 caractères");
    }
  }
}

TEST(ObjectReader, MaxOnlyMessage) {
  Problems p;
  json::value body = json::object{{"t", "abcd"}};
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.string("t", StringRule{0, 3}, true).has_value());
  ASSERT_EQ(p.list().size(), 1u);
  EXPECT_EQ(p.list()[0].message, "ne doit pas dépasser 3 caractères");
}

TEST(ObjectReader, StringsAreTrimmedBeforeMeasuring) {
  Problems p;
  json::value body = json::object{{"a", "  abc\u00a0\u3000"}, {"b", " \u00a0 "}, {"c", "  keep  "}};
  ObjectReader r(body, "", p);
  auto a = r.string("a", StringRule{1, 3}, true);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(*a, "abc");
  EXPECT_FALSE(r.string("b", StringRule{1, 3}, true).has_value());
  auto c = r.string("c", StringRule{1, 100, false}, true);  // trim = false
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(*c, "  keep  ");
  ASSERT_EQ(p.list().size(), 1u);
  EXPECT_EQ(p.list()[0].path, "b");
  EXPECT_EQ(p.list()[0].message, "ne doit pas être vide");
}

TEST(ObjectReader, ControlCharactersAreRefusedUnlessNewlinesAllowed) {
  Problems p;
  json::value body = json::object{{"a", "x\ny"}, {"b", "x\ny"}, {"c", "x\x01y"}};
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.string("a", StringRule{}, true).has_value());
  EXPECT_TRUE(r.string("b", StringRule{0, 100, true, true}, true).has_value());
  EXPECT_FALSE(r.string("c", StringRule{0, 100, true, true}, true).has_value());
  ASSERT_EQ(p.list().size(), 2u);
  EXPECT_EQ(p.list()[0].path, "a");
  EXPECT_EQ(p.list()[0].message, "contient des caractères de contrôle interdits");
  EXPECT_EQ(p.list()[1].path, "c");
}

TEST(ObjectReader, UnknownFieldsAreListedWithTheirPath) {
  Problems p;
  json::value body = json::parse(R"({"name":"x","extra":1,"preferences":{"themes":[],"colour":"red"},"zzz":null})");
  ObjectReader r(body, "", p);
  r.string("name", StringRule{}, true);
  const json::value* prefs = r.field("preferences");
  ASSERT_NE(prefs, nullptr);
  ObjectReader pr(*prefs, r.path("preferences"), p);
  pr.string_set("themes", 10, StringRule{1, 10}, false);
  pr.reject_unknown();
  r.reject_unknown();
  std::vector<std::string> paths;
  for (const auto& e : p.list()) {
    paths.push_back(e.path);
    EXPECT_EQ(e.message, "n'est pas un champ autorisé") << e.path;
  }
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"extra", "preferences.colour", "zzz"}));
}

TEST(ObjectReader, NotAnObjectIsOneProblemAndReadsFindNothing) {
  Problems p;
  json::value body = json::parse("[1,2]");
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.is_object());
  EXPECT_FALSE(r.string("name", StringRule{}, true).has_value());
  EXPECT_FALSE(r.integer("n", 0, 1, true).has_value());
  r.reject_unknown();
  ASSERT_EQ(p.list().size(), 1u);
  EXPECT_EQ(p.list()[0].path, "");
  EXPECT_EQ(p.list()[0].message, "doit être un objet JSON");

  Problems p2;
  json::value str = "text";
  ObjectReader nested_reader(str, "preferences", p2);
  ASSERT_EQ(p2.list().size(), 1u);
  EXPECT_EQ(p2.list()[0].path, "preferences");
}

TEST(ObjectReader, JoinPath) {
  EXPECT_EQ(planetude::json_input::join_path("", "a"), "a");
  EXPECT_EQ(planetude::json_input::join_path("a", "b"), "a.b");
  EXPECT_EQ(planetude::json_input::join_path("a.b", "c"), "a.b.c");
}

// ---- ObjectReader: string sets -----------------------------------------------------------------

TEST(ObjectReaderStringSet, NestedItemPath) {
  Problems p;
  json::value body = json::parse(R"({"preferences":{"themes":["a","b","c",5,"","ok"]}})");
  ObjectReader r(body, "", p);
  ObjectReader pr(*r.field("preferences"), r.path("preferences"), p);
  EXPECT_FALSE(pr.string_set("themes", 10, StringRule{1, 10}, false).has_value());
  ASSERT_EQ(p.list().size(), 2u);
  EXPECT_EQ(p.list()[0].path, "preferences.themes[3]");
  EXPECT_EQ(p.list()[0].message, "doit être une chaîne de caractères");
  EXPECT_EQ(p.list()[1].path, "preferences.themes[4]");
  EXPECT_EQ(p.list()[1].message, "ne doit pas être vide");
}

TEST(ObjectReaderStringSet, DedupeIsCaseSensitiveAfterTrimAndKeepsOrder) {
  Problems p;
  json::value body = json::parse(R"({"s":["Maths","b"," Maths ","maths","b","a","Maths"]})");
  ObjectReader r(body, "", p);
  auto s = r.string_set("s", 10, StringRule{1, 10}, true);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, (std::vector<std::string>{"Maths", "b", "maths", "a"}));
  EXPECT_TRUE(p.empty());
}

TEST(ObjectReaderStringSet, MaxItems) {
  {
    Problems p;
    json::value body = json::parse(R"({"s":["a","b","c"]})");
    ObjectReader r(body, "", p);
    auto s = r.string_set("s", 3, StringRule{1, 10}, true);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->size(), 3u);
  }
  {
    Problems p;
    json::value body = json::parse(R"({"s":["a","b","c","d"]})");
    ObjectReader r(body, "", p);
    EXPECT_FALSE(r.string_set("s", 3, StringRule{1, 10}, true).has_value());
    ASSERT_EQ(p.list().size(), 1u);
    EXPECT_EQ(p.list()[0].path, "s");
    EXPECT_EQ(p.list()[0].message, "ne doit pas contenir plus de 3 éléments");
  }
}

TEST(ObjectReaderStringSet, NotAListAndEmptyList) {
  Problems p;
  json::value body = json::parse(R"({"s":"a","e":[]})");
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.string_set("s", 3, StringRule{1, 10}, true).has_value());
  auto e = r.string_set("e", 3, StringRule{1, 10}, true);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->empty());
  ASSERT_EQ(p.list().size(), 1u);
  EXPECT_EQ(p.list()[0].path, "s");
  EXPECT_EQ(p.list()[0].message, "doit être une liste");
}

// ---- ObjectReader: integers --------------------------------------------------------------------

namespace {
struct IntResult {
  std::optional<std::int64_t> value;
  std::vector<FieldError> problems;
};
IntResult read_int(const std::string& literal, std::int64_t min, std::int64_t max) {
  Problems p;
  json::value body = json::parse("{\"n\":" + literal + "}");
  ObjectReader r(body, "", p);
  IntResult out;
  out.value = r.integer("n", min, max, true);
  out.problems = p.list();
  return out;
}
}  // namespace

TEST(ObjectReaderInteger, BoundsAreInclusive) {
  EXPECT_EQ(read_int("1", 1, 10).value, 1);
  EXPECT_EQ(read_int("10", 1, 10).value, 10);
  EXPECT_EQ(read_int("-5", -5, 5).value, -5);
  for (const char* out_of_range : {"0", "11", "-1", "18446744073709551615", "9223372036854775807"}) {
    auto r = read_int(out_of_range, 1, 10);
    EXPECT_FALSE(r.value.has_value()) << out_of_range;
    ASSERT_EQ(r.problems.size(), 1u) << out_of_range;
    EXPECT_EQ(r.problems[0].path, "n");
    EXPECT_EQ(r.problems[0].message, "doit être compris entre 1 et 10") << out_of_range;
  }
}

TEST(ObjectReaderInteger, NonIntegersAreRefused) {
  for (const char* v : {"1.5", "\"3\"", "true", "[3]", "{}", "-0.25"}) {
    auto r = read_int(v, 0, 100);
    EXPECT_FALSE(r.value.has_value()) << v;
    ASSERT_EQ(r.problems.size(), 1u) << v;
    EXPECT_EQ(r.problems[0].path, "n");
    EXPECT_EQ(r.problems[0].message, "doit être un nombre entier") << v;
  }
}

TEST(ObjectReaderInteger, IntegralDoublesAreIntegers) {
  // As JavaScript's Number.isInteger: 3.0 and 3e1 are integers.
  EXPECT_EQ(read_int("3.0", 0, 100).value, 3);
  EXPECT_EQ(read_int("3e1", 0, 100).value, 30);
}

TEST(ObjectReaderInteger, HugeIntegralDoubleIsOutOfRangeNotNonInteger) {
  // 1e20 and -1e300 are whole numbers too large for int64: they must be reported as out of range
  // (converting them to int64 is undefined behaviour, so the reader must check the range first).
  for (const char* v : {"1e20", "-1e300", "1e19"}) {
    auto r = read_int(v, 0, 100);
    EXPECT_FALSE(r.value.has_value()) << v;
    ASSERT_EQ(r.problems.size(), 1u) << v;
    EXPECT_EQ(r.problems[0].message, "doit être compris entre 0 et 100") << v;
  }
}

TEST(ObjectReaderInteger, MissingAndNull) {
  Problems p;
  json::value body = json::parse(R"({"a":null})");
  ObjectReader r(body, "", p);
  EXPECT_FALSE(r.integer("a", 0, 1, true).has_value());
  EXPECT_FALSE(r.integer("b", 0, 1, true).has_value());
  ASSERT_EQ(p.list().size(), 2u);
  EXPECT_EQ(p.list()[0].message, "est obligatoire");
  EXPECT_EQ(p.list()[1].path, "b");
}

// ---- Problems::throw_if_any ----------------------------------------------------------------------

TEST(Problems, NothingToThrow) {
  Problems p;
  EXPECT_NO_THROW(p.throw_if_any());
}

TEST(Problems, ThrowsValidationFailedListingEveryProblem) {
  Problems p;
  json::value body = json::parse(R"({"password":"short","extra":true,"preferences":{"themes":["ok",7]}})");
  ObjectReader r(body, "", p);
  r.string("email", StringRule{1, 254}, true);
  r.string("password", StringRule{8, 128, false, true}, true);
  ObjectReader pr(*r.field("preferences"), r.path("preferences"), p);
  pr.string_set("themes", 50, StringRule{1, 100}, false);
  pr.reject_unknown();
  r.reject_unknown();

  DomainError e = catch_api_error([&] { p.throw_if_any(); });
  EXPECT_EQ(e.kind(), planetude::ErrorKind::invalid_input);
  EXPECT_EQ(e.code(), "validation_failed");
  std::vector<std::string> paths;
  for (const auto& d : e.details()) paths.push_back(d.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"email", "password", "preferences.themes[1]", "extra"}));
  EXPECT_EQ(e.details()[0].message, "est obligatoire");
  EXPECT_EQ(e.details()[1].message, "doit contenir entre 8 et 128 caractères");
  // French, naming the first path.
  EXPECT_EQ(e.message(), "Le champ « email » est obligatoire. (3 autre(s) problème(s))");
}

TEST(Problems, SingleProblemMessage) {
  Problems p;
  p.add("preferences.themes[3]", "ne doit pas être vide");
  DomainError e = catch_api_error([&] { p.throw_if_any(); });
  EXPECT_EQ(e.message(), "Le champ « preferences.themes[3] » ne doit pas être vide.");
  ASSERT_EQ(e.details().size(), 1u);
}

TEST(Problems, RootProblemMessage) {
  Problems p;
  json::value body = json::parse("42");
  ObjectReader r(body, "", p);
  DomainError e = catch_api_error([&] { p.throw_if_any(); });
  EXPECT_EQ(e.code(), "validation_failed");
  EXPECT_EQ(e.message(), "Le corps de la requête doit être un objet JSON.");
}
