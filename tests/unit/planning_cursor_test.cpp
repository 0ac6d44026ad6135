// services/planning_service: the opaque `cursor` of GET /api/planning (behaviour.md "Plannings",
// list). A cursor is base64url (no padding) of "v1:<dateDebut ms>:<planning _id>".
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/base64url.hpp"
#include "services/planning/planning_service.hpp"

namespace store = planetude::store;
namespace base64url = planetude::base64url;
using planetude::decode_planning_cursor;
using planetude::encode_planning_cursor;
using Cursor = store::PlanningQuery::Cursor;

namespace {

const std::string kId = "0123456789abcdef01234567";

void expect_round_trip(std::int64_t date_debut, const std::string& id) {
  std::string text = encode_planning_cursor({date_debut, id});
  auto back = decode_planning_cursor(text);
  ASSERT_TRUE(back.has_value()) << text;
  EXPECT_EQ(back->date_debut, date_debut);
  EXPECT_EQ(back->id, id);
}

bool url_safe(const std::string& s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

TEST(PlanningCursor, RoundTrip) {
  expect_round_trip(1766653200000, kId);
  expect_round_trip(0, "ffffffffffffffffffffffff");
  expect_round_trip(1, "000000000000000000000000");
  expect_round_trip(-86400000, kId);  // before 1970
  expect_round_trip(std::numeric_limits<std::int64_t>::max(), kId);
}

TEST(PlanningCursor, EncodedFormIsUrlSafeWithoutPadding) {
  for (std::int64_t t : {std::int64_t{0}, std::int64_t{1766653200000}, std::int64_t{-1}, std::int64_t{12}}) {
    std::string text = encode_planning_cursor({t, kId});
    EXPECT_FALSE(text.empty());
    EXPECT_TRUE(url_safe(text)) << text;
  }
}

TEST(PlanningCursor, DistinctCursorsForDistinctPositions) {
  EXPECT_NE(encode_planning_cursor({1766653200000, kId}), encode_planning_cursor({1766653200001, kId}));
  EXPECT_NE(encode_planning_cursor({1766653200000, kId}),
            encode_planning_cursor({1766653200000, "0123456789abcdef01234568"}));
}

TEST(PlanningCursor, RefusesGarbage) {
  for (const char* text : {"", "garbage!", "!!!!", "not a cursor", "v1:1766653200000:0123456789abcdef01234567", "%%%",
                           "a", "abc$def", "\xc3\xa9t\xc3\xa9"}) {
    EXPECT_EQ(decode_planning_cursor(text), std::nullopt) << text;
  }
  // Valid base64url of something that is not a cursor.
  EXPECT_EQ(decode_planning_cursor(base64url::encode("hello world")), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(base64url::encode("")), std::nullopt);
}

TEST(PlanningCursor, RefusesAnotherVersion) {
  EXPECT_EQ(decode_planning_cursor(base64url::encode("v2:1766653200000:" + kId)), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(base64url::encode("V1:1766653200000:" + kId)), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(base64url::encode("1766653200000:" + kId)), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(base64url::encode("v1" + kId)), std::nullopt);
  // The control: the same text with the right prefix decodes.
  EXPECT_NE(decode_planning_cursor(base64url::encode("v1:1766653200000:" + kId)), std::nullopt);
}

TEST(PlanningCursor, RefusesANonNumericDate) {
  for (const std::string& date : {std::string("abc"), std::string(""), std::string("12a"), std::string("1.5"),
                                  std::string(" 12"), std::string("0x10"), std::string("99999999999999999999")}) {
    EXPECT_EQ(decode_planning_cursor(base64url::encode("v1:" + date + ":" + kId)), std::nullopt) << date;
  }
  EXPECT_EQ(decode_planning_cursor(base64url::encode("v1:" + kId)), std::nullopt);  // no date at all
}

TEST(PlanningCursor, RefusesABadId) {
  for (const std::string& id :
       {std::string(""), std::string("xyz"), std::string("0123456789ABCDEF01234567"),
        std::string("0123456789abcdef0123456"), std::string("0123456789abcdef012345678"),
        std::string("0123456789abcdef0123456g"), kId + ":", kId + "\n", std::string("0123456789abcdef:1234567")}) {
    EXPECT_EQ(decode_planning_cursor(base64url::encode("v1:1766653200000:" + id)), std::nullopt) << id;
  }
}

TEST(PlanningCursor, RefusesPadding) {
  // "v1:1:" + id is 29 octets: unpadded base64 of it ends in 39 characters, padded in 40 with "=".
  std::string good = base64url::encode("v1:1:" + kId);
  ASSERT_EQ(good.size() % 4, 3u);
  ASSERT_NE(decode_planning_cursor(good), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(good + "="), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(good + "=="), std::nullopt);
}

TEST(PlanningCursor, RefusesCharactersOutsideTheUrlSafeAlphabet) {
  std::string good = encode_planning_cursor({1766653200000, kId});
  ASSERT_NE(decode_planning_cursor(good), std::nullopt);
  for (char c : {'+', '/', '=', '.', '~', ' '}) {
    std::string bad = good;
    bad[10] = c;
    EXPECT_EQ(decode_planning_cursor(bad), std::nullopt) << bad;
  }
}

TEST(PlanningCursor, RefusesOverLongInput) {
  // Leading zeros keep the date numeric, so only the length differs between these two.
  // 150 octets encode to 200 characters, 151 to 202.
  std::string under = "v1:" + std::string(150 - 3 - 1 - 1 - 24, '0') + "7:" + kId;
  ASSERT_EQ(under.size(), 150u);
  std::string under_text = base64url::encode(under);
  ASSERT_EQ(under_text.size(), 200u);
  auto c = decode_planning_cursor(under_text);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->date_debut, 7);
  EXPECT_EQ(c->id, kId);

  std::string over = "v1:0" + under.substr(3);
  ASSERT_EQ(over.size(), 151u);
  std::string over_text = base64url::encode(over);
  ASSERT_GT(over_text.size(), 200u);
  EXPECT_EQ(decode_planning_cursor(over_text), std::nullopt);

  EXPECT_EQ(decode_planning_cursor(std::string(100000, 'A')), std::nullopt);
}

TEST(PlanningCursor, RefusesTruncatedOrExtendedText) {
  std::string text = encode_planning_cursor({1766653200000, kId});
  EXPECT_EQ(decode_planning_cursor(text.substr(0, text.size() - 1)), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(text.substr(0, text.size() / 2)), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(text + "A"), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(" " + text), std::nullopt);
  EXPECT_EQ(decode_planning_cursor(text + " "), std::nullopt);
}
