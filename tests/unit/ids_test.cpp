// core/ids: 24-hex identifiers starting with the creation second.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "core/ids.hpp"

namespace ids = planetude::ids;

namespace {
std::uint32_t now_seconds() {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}
}  // namespace

TEST(Ids, GenerateIs24LowercaseHex) {
  for (int i = 0; i < 100; ++i) {
    std::string id = ids::generate();
    ASSERT_EQ(id.size(), 24u) << id;
    for (char c : id) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << id;
    EXPECT_TRUE(ids::is_valid(id)) << id;
  }
}

TEST(Ids, UniqueOver10000Calls) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(ids::generate());
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(Ids, StartsWithTheCurrentSecond) {
  std::uint32_t before = now_seconds();
  std::string id = ids::generate();
  std::uint32_t after = now_seconds();
  std::uint32_t stamp = static_cast<std::uint32_t>(std::stoul(id.substr(0, 8), nullptr, 16));
  EXPECT_GE(stamp, before);
  EXPECT_LE(stamp, after);
}

TEST(Ids, RandomPartVaries) {
  // Two ids made within the same second share the time prefix but not the random tail.
  std::string a = ids::generate(), b = ids::generate();
  EXPECT_NE(a.substr(8), b.substr(8));
}

TEST(Ids, IsValid) {
  EXPECT_TRUE(ids::is_valid("65a1b2c3d4e5f60718293a4b"));
  EXPECT_TRUE(ids::is_valid("000000000000000000000000"));
  EXPECT_FALSE(ids::is_valid(""));
  EXPECT_FALSE(ids::is_valid("65a1b2c3d4e5f60718293a4"));    // 23
  EXPECT_FALSE(ids::is_valid("65a1b2c3d4e5f60718293a4b0"));  // 25
  EXPECT_FALSE(ids::is_valid("65A1B2C3D4E5F60718293A4B"));   // upper case
  EXPECT_FALSE(ids::is_valid("65a1b2c3d4e5f60718293a4g"));
  EXPECT_FALSE(ids::is_valid("65a1b2c3d4e5f60718293a4 "));
  EXPECT_FALSE(ids::is_valid(std::string("65a1b2c3d4e5f6071829\0a4b", 24)));
}

TEST(Ids, RandomHex) {
  std::string h = ids::random_hex(32);
  EXPECT_EQ(h.size(), 64u);
  for (char c : h) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  EXPECT_NE(ids::random_hex(16), ids::random_hex(16));
  EXPECT_EQ(ids::random_hex(0), "");
}
