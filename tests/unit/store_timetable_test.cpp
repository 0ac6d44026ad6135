// Contract of store::TimetableStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include <limits>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::Repos;
using planetude::store::TimetableEventRecord;
using planetude::store::TimetableImportRecord;

constexpr std::int64_t kHour = 3'600'000;

TimetableEventRecord event(std::string id, std::int64_t debut, std::int64_t fin, std::string title = "Maths",
                           bool exam = false) {
  return {std::move(id), std::move(title), "Salle B12", debut, fin, false, exam};
}

TimetableImportRecord import_of(const std::string& user_id, std::int64_t count) {
  TimetableImportRecord t;
  t.user_id = user_id;
  t.name = "edt.ics";
  t.imported_at = kT0;
  t.event_count = count;
  t.first_start = kT0;
  t.last_end = kT0 + 10 * kHour;
  return t;
}

class StoreTimetable : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
  }
  void replace(const TimetableImportRecord& t, const std::vector<TimetableEventRecord>& events) {
    write([&](Repos& r) { r.timetable().replace(t, events); });
  }
  std::vector<TimetableEventRecord> between(const std::string& user_id, std::int64_t from, std::int64_t to) {
    return read([&](Repos& r) { return r.timetable().events_between(user_id, from, to); });
  }
};

TEST_P(StoreTimetable, ReplaceKeepsTheImportAndItsEvents) {
  EXPECT_FALSE(read([](Repos& r) { return r.timetable().find(kAlice); }).has_value());
  replace(import_of(kAlice, 2),
          {event("e2", kT0 + 2 * kHour, kT0 + 3 * kHour, "Partiel de physique", true), event("e1", kT0, kT0 + kHour)});
  auto t = read([](Repos& r) { return r.timetable().find(kAlice); });
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->name, "edt.ics");
  EXPECT_EQ(t->imported_at, kT0);
  EXPECT_EQ(t->event_count, 2);
  EXPECT_EQ(t->first_start, kT0);
  EXPECT_EQ(t->last_end, kT0 + 10 * kHour);
  auto events = between(kAlice, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "e1");  // by start
  EXPECT_EQ(events[0].title, "Maths");
  EXPECT_EQ(events[0].location, "Salle B12");
  EXPECT_FALSE(events[0].exam);
  EXPECT_EQ(events[1].id, "e2");
  EXPECT_EQ(events[1].debut, kT0 + 2 * kHour);
  EXPECT_EQ(events[1].fin, kT0 + 3 * kHour);
  EXPECT_TRUE(events[1].exam);
  EXPECT_FALSE(events[1].all_day);
}

TEST_P(StoreTimetable, AnImportWithoutNameOrEventsIsKept) {
  TimetableImportRecord t = import_of(kAlice, 0);
  t.name.reset();
  t.first_start.reset();
  t.last_end.reset();
  replace(t, {});
  auto found = read([](Repos& r) { return r.timetable().find(kAlice); });
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->name.has_value());
  EXPECT_FALSE(found->first_start.has_value());
  EXPECT_FALSE(found->last_end.has_value());
  EXPECT_EQ(found->event_count, 0);
}

TEST_P(StoreTimetable, ReplaceDropsThePreviousImport) {
  replace(import_of(kAlice, 2), {event("old1", kT0, kT0 + kHour), event("old2", kT0 + kHour, kT0 + 2 * kHour)});
  TimetableImportRecord second = import_of(kAlice, 1);
  second.name = "nouveau.ics";
  replace(second, {event("new1", kT0 + 5 * kHour, kT0 + 6 * kHour)});
  EXPECT_EQ(ids_of(between(kAlice, kT0 - kHour, kT0 + 24 * kHour)), (std::vector<std::string>{"new1"}));
  EXPECT_EQ(read([](Repos& r) { return r.timetable().find(kAlice); })->name, "nouveau.ics");
}

TEST_P(StoreTimetable, EventsBetweenKeepsThoseThatOverlap) {
  replace(import_of(kAlice, 3), {event("a", kT0, kT0 + kHour), event("b", kT0 + kHour, kT0 + 2 * kHour),
                                 event("c", kT0 + 3 * kHour, kT0 + 4 * kHour)});
  // [from, to) meets b only: a ends where it starts, c starts after.
  EXPECT_EQ(ids_of(between(kAlice, kT0 + kHour, kT0 + 2 * kHour)), (std::vector<std::string>{"b"}));
  EXPECT_EQ(ids_of(between(kAlice, kT0 + kHour / 2, kT0 + 3 * kHour + 1)), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(between(kAlice, kT0 + 2 * kHour, kT0 + 3 * kHour).empty());
}

TEST_P(StoreTimetable, EachUserSeesOnlyTheirOwn) {
  replace(import_of(kAlice, 1), {event("alice-1", kT0, kT0 + kHour)});
  EXPECT_FALSE(read([](Repos& r) { return r.timetable().find(kBob); }).has_value());
  EXPECT_TRUE(between(kBob, kT0 - kHour, kT0 + kHour).empty());
  write([](Repos& r) { EXPECT_FALSE(r.timetable().remove(kBob)); });
  EXPECT_EQ(between(kAlice, kT0 - kHour, kT0 + kHour).size(), 1u);
}

TEST_P(StoreTimetable, RemoveDeletesImportAndEvents) {
  replace(import_of(kAlice, 1), {event("a", kT0, kT0 + kHour)});
  write([](Repos& r) { EXPECT_TRUE(r.timetable().remove(kAlice)); });
  EXPECT_FALSE(read([](Repos& r) { return r.timetable().find(kAlice); }).has_value());
  EXPECT_TRUE(between(kAlice, kT0 - kHour, kT0 + kHour).empty());
  write([](Repos& r) { EXPECT_FALSE(r.timetable().remove(kAlice)); });
}

TEST_P(StoreTimetable, DeletingTheUserDeletesTheTimetable) {
  replace(import_of(kAlice, 1), {event("a", kT0, kT0 + kHour)});
  write([](Repos& r) { r.users().remove(kAlice); });
  EXPECT_FALSE(read([](Repos& r) { return r.timetable().find(kAlice); }).has_value());
  EXPECT_TRUE(between(kAlice, kT0 - kHour, kT0 + kHour).empty());
}

TEST_P(StoreTimetable, AFailedReplaceLeavesTheOldTimetable) {
  replace(import_of(kAlice, 1), {event("keep", kT0, kT0 + kHour)});
  // Two events with one id: the second insert fails, and the whole write is undone.
  EXPECT_ANY_THROW(replace(import_of(kAlice, 2), {event("dup", kT0, kT0 + kHour), event("dup", kT0, kT0 + kHour)}));
  EXPECT_EQ(ids_of(between(kAlice, kT0 - kHour, kT0 + kHour)), (std::vector<std::string>{"keep"}));
}

TEST_P(StoreTimetable, ThousandsOfEventsAreStored) {
  std::vector<TimetableEventRecord> many;
  for (int i = 0; i < 5000; ++i)
    many.push_back(event("ev" + std::to_string(i), kT0 + i * kHour, kT0 + i * kHour + kHour / 2));
  replace(import_of(kAlice, 5000), many);
  auto all = between(kAlice, kT0, kT0 + 5000 * kHour);
  ASSERT_EQ(all.size(), 5000u);
  EXPECT_EQ(all.front().id, "ev0");
  EXPECT_EQ(all.back().id, "ev4999");
}

}  // namespace

PLANETUDE_STORE_CONTRACT(StoreTimetable);
