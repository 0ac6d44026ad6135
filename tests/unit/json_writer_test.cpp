// JsonWriter and the records' write_json against boost::json::serialize: the read path writes JSON
// text directly, and its bytes must be those the tree-building path sent before (same order, same
// escapes, no spaces). Generated inputs with a fixed seed, so a failure is reproducible.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/clock.hpp"
#include "core/json_writer.hpp"
#include "models/json_text.hpp"
#include "models/planning.hpp"
#include "models/progress.hpp"
#include "models/user.hpp"

namespace {

namespace json = boost::json;
using planetude::JsonWriter;
using planetude::clock::format_rfc3339;
namespace store = planetude::store;
namespace models = planetude::models;

// ---- the writer against serialize, on generated values --------------------------------------------

void write_value(JsonWriter& w, const json::value& v) {
  switch (v.kind()) {
    case json::kind::object:
      w.begin_object();
      for (const auto& m : v.get_object()) {
        w.key(m.key());
        write_value(w, m.value());
      }
      w.end_object();
      break;
    case json::kind::array:
      w.begin_array();
      for (const auto& e : v.get_array()) write_value(w, e);
      w.end_array();
      break;
    case json::kind::string: w.string(v.get_string()); break;
    case json::kind::int64: w.integer(v.get_int64()); break;
    case json::kind::bool_: w.boolean(v.get_bool()); break;
    case json::kind::null: w.null(); break;
    default: FAIL() << "not generated";
  }
}

class Generator {
 public:
  // With raw_bytes, strings may hold bytes that are not UTF-8 (stored records never do: every
  // string the API stores passed its UTF-8 check, and parsing needs valid UTF-8).
  explicit Generator(unsigned seed, bool raw_bytes = true) : rng_(seed), raw_bytes_(raw_bytes) {}

  // Any byte, weighted towards those that need escaping, plus UTF-8 sequences.
  std::string text() {
    std::string s;
    for (int n = pick(0, 12); n > 0; --n) {
      switch (pick(0, 5)) {
        case 0: s += static_cast<char>(pick(0, 0x1f)); break;
        case 1: s += "\"\\/"[pick(0, 2)]; break;
        case 2: s += "é€😀"; break;
        case 3: s += raw_bytes_ ? static_cast<char>(pick(0x7f, 0xff)) : '\x7f'; break;  // raw high bytes, DEL
        default: s += static_cast<char>(pick(0x20, 0x7e));
      }
    }
    return s;
  }

  std::int64_t integer() {
    switch (pick(0, 3)) {
      case 0: return std::numeric_limits<std::int64_t>::min();
      case 1: return std::numeric_limits<std::int64_t>::max();
      default: return std::uniform_int_distribution<std::int64_t>(-1'000'000, 1'000'000)(rng_);
    }
  }

  json::value value(int depth) {
    switch (pick(0, depth > 0 ? 5 : 3)) {
      case 0: return json::value(text());
      case 1: return json::value(integer());
      case 2: return pick(0, 2) == 0 ? json::value(nullptr) : json::value(pick(0, 1) == 1);
      case 3: return json::value(text());
      case 4: {
        json::object o;
        for (int n = pick(0, 4); n > 0; --n) o[text()] = value(depth - 1);
        return o;
      }
      default: {
        json::array a;
        for (int n = pick(0, 4); n > 0; --n) a.push_back(value(depth - 1));
        return a;
      }
    }
  }

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int64_t instant() {
    // Mostly realistic, sometimes at the edges of the four-digit years and beyond them.
    static constexpr std::int64_t kEdges[] = {0, -62'167'219'200'000, 253'402'300'799'999, 253'402'300'800'000,
                                              -62'167'219'200'001};
    if (pick(0, 9) == 0) return kEdges[pick(0, 4)];
    return std::uniform_int_distribution<std::int64_t>(1'500'000'000'000, 2'000'000'000'000)(rng_);
  }
  std::optional<std::string> maybe_text() {
    if (pick(0, 1) == 0) return std::nullopt;
    return text();
  }

 private:
  std::mt19937 rng_;
  bool raw_bytes_;
};

TEST(JsonWriter, WritesTheBytesSerializeWritesForTwoThousandGeneratedValues) {
  Generator gen(20261207);
  for (int i = 0; i < 2000; ++i) {
    json::value v = gen.value(4);
    std::string out;
    JsonWriter w(out);
    write_value(w, v);
    ASSERT_EQ(out, json::serialize(v)) << "value #" << i;
  }
}

TEST(JsonWriter, EscapesExactlyLikeSerialize) {
  std::string every_byte;
  for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
  std::string out;
  JsonWriter w(out);
  w.string(every_byte);
  EXPECT_EQ(out, json::serialize(json::value(every_byte)));
  EXPECT_NE(out.find("\\u001f"), std::string::npos);  // lower-case hex, as serialize writes it
}

TEST(JsonWriter, SeparatesMembersAndElementsAndNestsRaw) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.field("a", std::int64_t{1});
  w.key("b");
  w.begin_array();
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.raw(R"({"x":[1,2]})");
  w.null();
  w.end_array();
  w.field("c", "d");
  w.end_object();
  EXPECT_EQ(out, R"({"a":1,"b":[{},[],{"x":[1,2]},null],"c":"d"})");
}

// ---- records: write_json against the trees the routes built before ------------------------------

json::object reference(const store::SessionRecord& s) {
  json::object o{{"_id", s.id},
                 {"matiere", s.matiere},
                 {"debut", format_rfc3339(s.debut)},
                 {"fin", format_rfc3339(s.fin)},
                 {"statut", s.statut}};
  if (s.notes) o["notes"] = *s.notes;
  return o;
}

json::object reference(const store::PlanningRecord& p) {
  json::array sessions;
  for (const auto& s : p.sessions) sessions.push_back(reference(s));
  json::object o{{"_id", p.id}, {"userId", p.user_id}};
  if (p.titre) o["titre"] = *p.titre;
  o["periode"] = p.periode;
  o["dateDebut"] = format_rfc3339(p.date_debut);
  o["source"] = p.source;
  o["sessions"] = std::move(sessions);
  o["createdAt"] = format_rfc3339(p.created_at);
  o["updatedAt"] = format_rfc3339(p.updated_at);
  return o;
}

json::object reference(const store::UserRecord& u) {
  json::array themes, matieres;
  for (const auto& t : u.themes) themes.emplace_back(t);
  for (const auto& m : u.matieres) matieres.emplace_back(m);
  json::object preferences{{"themes", std::move(themes)}, {"matieres", std::move(matieres)}};
  if (u.weekly_goal_minutes) preferences["objectifHebdo"] = *u.weekly_goal_minutes;
  return json::object{{"_id", u.id},
                      {"email", u.email},
                      {"name", u.name},
                      {"preferences", std::move(preferences)},
                      {"timezone", u.timezone},
                      {"createdAt", format_rfc3339(u.created_at)}};
}

json::object reference(const store::ProgressRecord& e) {
  json::object o{{"_id", e.id},
                 {"userId", e.user_id},
                 {"date", e.date},
                 {"sessionsCompletees", e.sessions_completees},
                 {"tempsEtudie", e.temps_etudie},
                 {"notes", e.notes}};
  if (e.matiere) o["matiere"] = *e.matiere;
  if (e.planning_id) o["planningId"] = *e.planning_id;
  if (e.session_id) o["sessionId"] = *e.session_id;
  o["createdAt"] = format_rfc3339(e.created_at);
  return o;
}

// json_text always; to_json (parsed back from that text) for valid UTF-8, as stored records are.
template <class Record>
void expect_same_bytes(const Record& r, int i, bool utf8) {
  std::string expected = json::serialize(reference(r));
  ASSERT_EQ(models::json_text(r), expected) << "record #" << i;
  if (utf8) {
    ASSERT_EQ(json::serialize(models::to_json(r)), expected) << "record #" << i;
  }
}

class RecordJson : public ::testing::TestWithParam<bool> {};

TEST_P(RecordJson, PlanningsSessionsUsersAndProgressWriteTheBytesOfTheirFormerTrees) {
  const bool utf8 = GetParam();
  Generator gen(7, !utf8);
  for (int i = 0; i < 500; ++i) {
    store::PlanningRecord p;
    p.id = gen.text();
    p.user_id = gen.text();
    p.titre = gen.maybe_text();
    p.periode = gen.text();
    p.date_debut = gen.instant();
    p.source = gen.text();
    for (int n = gen.pick(0, 6); n > 0; --n)
      p.sessions.push_back({gen.text(), gen.text(), gen.instant(), gen.instant(), gen.text(), gen.maybe_text()});
    p.created_at = gen.instant();
    p.updated_at = gen.instant();
    expect_same_bytes(p, i, utf8);

    store::UserRecord u;
    u.id = gen.text();
    u.email = gen.text();
    u.password_hash = "never shown";
    u.name = gen.text();
    for (int n = gen.pick(0, 3); n > 0; --n) u.themes.push_back(gen.text());
    for (int n = gen.pick(0, 3); n > 0; --n) u.matieres.push_back(gen.text());
    if (gen.pick(0, 1) == 1) u.weekly_goal_minutes = gen.pick(1, 10080);
    u.timezone = gen.text();
    u.created_at = gen.instant();
    expect_same_bytes(u, i, utf8);
    EXPECT_EQ(models::json_text(u).find("never shown"), std::string::npos);

    store::ProgressRecord e;
    e.id = gen.text();
    e.user_id = gen.text();
    e.date = gen.text();
    e.sessions_completees = gen.pick(0, 1000);
    e.temps_etudie = gen.pick(0, 100000);
    e.notes = gen.text();
    e.matiere = gen.maybe_text();
    e.planning_id = gen.maybe_text();
    e.session_id = gen.maybe_text();
    e.created_at = gen.instant();
    expect_same_bytes(e, i, utf8);
  }
}

INSTANTIATE_TEST_SUITE_P(, RecordJson, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Utf8Text" : "AnyBytes"; });

TEST(RecordTimestamps, WithoutAllocationMatchFormatRfc3339) {
  Generator gen(11);
  for (int i = 0; i < 10000; ++i) {
    std::int64_t t = gen.instant();
    ASSERT_EQ(std::string(planetude::clock::rfc3339(t).view()), format_rfc3339(t)) << t;
  }
  EXPECT_EQ(planetude::clock::rfc3339(0).view(), "1970-01-01T00:00:00.000Z");
}

}  // namespace
