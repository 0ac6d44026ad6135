// Contract of store::PlanningStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::PlanningQuery;
using planetude::store::PlanningRecord;
using planetude::store::Repos;
using planetude::store::SessionRecord;

class StorePlannings : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
  }
  void insert(const std::vector<PlanningRecord>& plannings) {
    write([&](Repos& r) {
      for (const auto& p : plannings) r.plannings().insert(p);
    });
  }
  std::vector<PlanningRecord> list(const std::string& user_id, const PlanningQuery& q) {
    return read([&](Repos& r) { return r.plannings().list(user_id, q); });
  }
  std::vector<std::string> list_ids(const std::string& user_id, const PlanningQuery& q) {
    return ids_of(list(user_id, q));
  }
  std::optional<std::string> planning_of_session(const std::string& user_id, const std::string& session_id) {
    return read([&](Repos& r) { return r.plannings().planning_of_session(user_id, session_id); });
  }

  // Five plannings of Alice and one of Bob, for the list tests. In list order (dateDebut desc,
  // then id desc): P5, P3, P2, P1, P4; P2 and P3 start at the same instant.
  //   P5 semaine [T0+5d, T0+12d)   P3 semaine [T0, T0+7d) with two sessions   P2 semaine [T0, T0+7d)
  //   P1 jour    [T0-3d, T0-2d)    P4 mois    [T0-10d, T0+20d)
  void add_list_plannings() {
    PlanningRecord p1 = planning_record(oid(1), kAlice, kT0 - 3 * kDay);
    p1.periode = "jour";
    p1.date_fin = p1.date_debut + kDay;
    PlanningRecord p4 = planning_record(oid(4), kAlice, kT0 - 10 * kDay);
    p4.periode = "mois";
    p4.date_fin = kT0 + 20 * kDay;
    insert({p1, planning_record(oid(2), kAlice, kT0),
            planning_record(oid(3), kAlice, kT0,
                            {session_record(oid(31), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                             session_record(oid(32), "Physique", kT0 + kDay, kT0 + kDay + kHour, "rate", "trop tard")}),
            p4, planning_record(oid(5), kAlice, kT0 + 5 * kDay), planning_record(oid(20), kBob, kT0 + kDay)});
  }
};

// ---- insert, find ---------------------------------------------------------------------------------

TEST_P(StorePlannings, InsertedPlanningIsFoundWithEveryFieldAndSessionsSortedByStart) {
  PlanningRecord p = planning_record(oid(1), kAlice, kT0);
  p.titre = std::nullopt;
  p.periode = "mois";
  p.date_fin = kT0 + 30 * kDay;
  p.source = "ai";
  p.created_at = kT0 - 1;
  p.updated_at = kT0 + 1;
  p.sessions = {session_record(oid(13), "Histoire", kT0 + 2 * kDay, kT0 + 2 * kDay + kHour, "en_cours"),
                session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour, "planifie", "Chapitre « 3 »"),
                session_record(oid(12), "Physique", kT0 + kDay, kT0 + kDay + 90 * kMinute, "termine", "")};
  insert({p});

  PlanningRecord expected = p;
  expected.sessions = {p.sessions[1], p.sessions[2], p.sessions[0]};
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(expected));

  PlanningRecord empty = planning_record(oid(2), kAlice, kT0);
  insert({empty});
  EXPECT_EQ(show(find_planning(kAlice, oid(2))), show(empty));
}

TEST_P(StorePlannings, FindIsNulloptForAnotherUsersOrAnUnknownPlanning) {
  insert({planning_record(oid(1), kAlice, kT0, {session_record(oid(11), "Maths", kT0, kT0 + kHour)})});
  EXPECT_FALSE(find_planning(kBob, oid(1)).has_value());
  EXPECT_FALSE(find_planning(kAlice, oid(2)).has_value());
  EXPECT_FALSE(find_planning(kAlice, oid(11)).has_value());  // a session's id is not a planning's
  EXPECT_TRUE(find_planning(kAlice, oid(1)).has_value());
}

// ---- replace --------------------------------------------------------------------------------------

TEST_P(StorePlannings, ReplaceKeepsTheKeptSessionsIdsAndDeletesTheOthers) {
  PlanningRecord original =
      planning_record(oid(1), kAlice, kT0,
                      {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                       session_record(oid(12), "Physique", kT0 + kDay, kT0 + kDay + kHour, "planifie", "ch. 3"),
                       session_record(oid(13), "Histoire", kT0 + 2 * kDay, kT0 + 2 * kDay + kHour)});
  insert({original});
  write([](Repos& r) {
    r.progress().insert(linked_progress_record(oid(41), kAlice, "2025-06-15", oid(1), oid(11), kT0));
    r.progress().insert(linked_progress_record(oid(42), kAlice, "2025-06-16", oid(1), oid(12), kT0 + 1));
  });

  PlanningRecord replacement = original;
  replacement.titre = std::nullopt;
  replacement.periode = "mois";
  replacement.date_debut = kT0 - kDay;
  replacement.date_fin = kT0 + 29 * kDay;
  replacement.updated_at = kT0 + 60'000;
  replacement.sessions = {
      session_record(oid(11), "Chimie", kT0 + 5 * kHour, kT0 + 6 * kHour, "termine", "revu"),  // kept, changed
      session_record(oid(13), "Histoire", kT0 + 2 * kDay, kT0 + 2 * kDay + kHour),             // kept as is
      session_record(oid(14), "Anglais", kT0 - kDay + kHour, kT0 - kDay + 2 * kHour)};         // new
  write([&](Repos& r) { r.plannings().replace(replacement); });

  PlanningRecord expected = replacement;
  expected.sessions = {replacement.sessions[2], replacement.sessions[0], replacement.sessions[1]};
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(expected));

  // The kept session's progress entry still points at it.
  read([](Repos& r) {
    EXPECT_EQ(show(r.progress().find_by_session(oid(11))),
              show(linked_progress_record(oid(41), kAlice, "2025-06-15", oid(1), oid(11), kT0)));
    // The deleted session is gone from every query, and the entry that pointed at it no longer
    // does (the entry itself is study history and stays).
    EXPECT_FALSE(r.plannings().planning_of_session(kAlice, oid(12)).has_value());
    EXPECT_FALSE(r.progress().find_by_session(oid(12)).has_value());
    auto orphan = r.progress().find(kAlice, oid(42));
    EXPECT_TRUE(orphan.has_value());
    if (orphan) {
      EXPECT_EQ(orphan->session_id, std::nullopt);
    }
    std::vector<std::string> ending;
    for (const auto& p : r.plannings().sessions_ending_after(kAlice, 0)) ending.push_back(p.sessions.at(0).id);
    EXPECT_EQ(ending, oids({14, 11, 13}));
    EXPECT_EQ(r.plannings().planning_of_session(kAlice, oid(14)), oid(1));
    return 0;
  });
}

TEST_P(StorePlannings, ReplaceWithNoSessionsDeletesThemAll) {
  insert({planning_record(oid(1), kAlice, kT0,
                          {session_record(oid(11), "Maths", kT0, kT0 + kHour),
                           session_record(oid(12), "Maths", kT0 + kDay, kT0 + kDay + kHour)})});
  PlanningRecord emptied = planning_record(oid(1), kAlice, kT0);
  emptied.updated_at = kT0 + 1;
  write([&](Repos& r) { r.plannings().replace(emptied); });
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(emptied));
  EXPECT_FALSE(planning_of_session(kAlice, oid(11)).has_value());
  EXPECT_FALSE(planning_of_session(kAlice, oid(12)).has_value());
}

// Authorization: `replace` names the owner in the record, and another user's planning is out of
// its reach like everywhere else.
TEST_P(StorePlannings, ReplaceOfAnotherUsersPlanningChangesNothing) {
  PlanningRecord alices = planning_record(oid(1), kAlice, kT0,
                                          {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                                           session_record(oid(12), "Physique", kT0 + kDay, kT0 + kDay + kHour)});
  insert({alices});

  PlanningRecord hijack = alices;
  hijack.user_id = kBob;
  hijack.titre = "À Bob";
  hijack.updated_at = kT0 + 1;
  hijack.sessions = {session_record(oid(11), "Piratage", kT0 + kHour, kT0 + 2 * kHour, "rate"),
                     session_record(oid(50), "Intrus", kT0 + 3 * kHour, kT0 + 4 * kHour)};
  try {
    write([&](Repos& r) { r.plannings().replace(hijack); });
  } catch (const std::exception&) {
    // Refusing is fine too; what matters is what is left.
  }

  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(alices));
  EXPECT_FALSE(find_planning(kBob, oid(1)).has_value());
  EXPECT_FALSE(planning_of_session(kBob, oid(50)).has_value());
  EXPECT_FALSE(planning_of_session(kAlice, oid(50)).has_value());
  EXPECT_TRUE(read([](Repos& r) { return r.plannings().sessions_ending_after(kBob, 0); }).empty());
}

TEST_P(StorePlannings, ReplaceNeverTakesOverASessionOfAnotherPlanning) {
  PlanningRecord bobs =
      planning_record(oid(2), kBob, kT0, {session_record(oid(21), "Maths", kT0 + kHour, kT0 + 2 * kHour)});
  PlanningRecord alices = planning_record(oid(1), kAlice, kT0, {session_record(oid(11), "Maths", kT0, kT0 + kHour)});
  insert({alices, bobs});

  PlanningRecord grab = alices;
  grab.sessions.push_back(session_record(oid(21), "Volée", kT0 + 3 * kHour, kT0 + 4 * kHour, "rate"));
  try {
    write([&](Repos& r) { r.plannings().replace(grab); });
  } catch (const std::exception&) {
    // Refusing is fine too.
  }

  EXPECT_EQ(show(find_planning(kBob, oid(2))), show(bobs));
  EXPECT_EQ(planning_of_session(kBob, oid(21)), oid(2));
  EXPECT_EQ(planning_of_session(kAlice, oid(21)), std::nullopt);
}

// ---- remove ---------------------------------------------------------------------------------------

TEST_P(StorePlannings, RemoveDeletesTheOwnersPlanningAndItsSessionsOnly) {
  PlanningRecord alices = planning_record(oid(1), kAlice, kT0, {session_record(oid(11), "Maths", kT0, kT0 + kHour)});
  PlanningRecord other =
      planning_record(oid(2), kAlice, kT0 + kDay, {session_record(oid(21), "Maths", kT0 + kDay, kT0 + kDay + kHour)});
  insert({alices, other});
  write([](Repos& r) {
    r.progress().insert(linked_progress_record(oid(41), kAlice, "2025-06-15", oid(1), oid(11), kT0));
  });

  EXPECT_FALSE(db().write_value([](Repos& r) { return r.plannings().remove(kBob, oid(1)); }));
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(alices));

  EXPECT_TRUE(db().write_value([](Repos& r) { return r.plannings().remove(kAlice, oid(1)); }));
  EXPECT_FALSE(db().write_value([](Repos& r) { return r.plannings().remove(kAlice, oid(1)); }));
  EXPECT_FALSE(db().write_value([](Repos& r) { return r.plannings().remove(kAlice, oid(99)); }));

  EXPECT_FALSE(find_planning(kAlice, oid(1)).has_value());
  EXPECT_FALSE(planning_of_session(kAlice, oid(11)).has_value());
  EXPECT_EQ(show(find_planning(kAlice, oid(2))), show(other));
  read([](Repos& r) {
    EXPECT_EQ(ids_of(r.plannings().list_all(kAlice)), oids({2}));
    auto ending = r.plannings().sessions_ending_after(kAlice, 0);
    EXPECT_EQ(ending.size(), 1u);
    if (!ending.empty()) {
      EXPECT_EQ(ending[0].sessions.at(0).id, oid(21));
    }
    // The progress entry stays, no longer linked to what was deleted.
    auto entry = r.progress().find(kAlice, oid(41));
    EXPECT_TRUE(entry.has_value());
    if (entry) {
      EXPECT_EQ(entry->planning_id, std::nullopt);
      EXPECT_EQ(entry->session_id, std::nullopt);
      EXPECT_EQ(entry->temps_etudie, 45);
    }
    EXPECT_FALSE(r.progress().find_by_session(oid(11)).has_value());
    return 0;
  });
}

// ---- list ---------------------------------------------------------------------------------------

TEST_P(StorePlannings, ListIsByStartDescendingThenIdDescendingWithOneRowMoreThanTheLimit) {
  add_list_plannings();
  PlanningQuery q;
  q.limit = 2;
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2}));
  q.limit = 4;
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2, 1, 4}));
  q.limit = 5;
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2, 1, 4}));
  q.limit = 0;
  EXPECT_EQ(list_ids(kAlice, q), oids({5}));
  EXPECT_EQ(list_ids(kAlice, PlanningQuery{}), oids({5, 3, 2, 1, 4}));  // default limit 20
  EXPECT_EQ(list_ids(kBob, PlanningQuery{}), oids({20}));
  EXPECT_TRUE(list_ids(oid(99), PlanningQuery{}).empty());
}

TEST_P(StorePlannings, ListedPlanningsCarryTheirSessions) {
  add_list_plannings();
  auto rows = list(kAlice, PlanningQuery{});
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(show(rows[1]), show(find_planning(kAlice, oid(3))));
  EXPECT_EQ(rows[1].sessions.size(), 2u);
  EXPECT_TRUE(rows[0].sessions.empty());
}

TEST_P(StorePlannings, ListAfterACursorContinuesStrictlyPastIt) {
  add_list_plannings();
  PlanningQuery q;
  q.limit = 2;
  q.after = PlanningQuery::Cursor{kT0, oid(3)};  // P2 has the same start and a smaller id
  EXPECT_EQ(list_ids(kAlice, q), oids({2, 1, 4}));
  q.after = PlanningQuery::Cursor{kT0, oid(2)};
  EXPECT_EQ(list_ids(kAlice, q), oids({1, 4}));
  q.after = PlanningQuery::Cursor{kT0 + 5 * kDay, oid(5)};
  EXPECT_EQ(list_ids(kAlice, q), oids({3, 2, 1}));
  q.after = PlanningQuery::Cursor{kT0 - 10 * kDay, oid(4)};
  EXPECT_TRUE(list_ids(kAlice, q).empty());
  // A cursor need not be a planning that exists: it is a position in the order.
  q.after = PlanningQuery::Cursor{kT0, oid(9)};
  EXPECT_EQ(list_ids(kAlice, q), oids({3, 2, 1}));
  q.after = PlanningQuery::Cursor{kT0 + 100 * kDay, oid(0)};
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2}));
}

TEST_P(StorePlannings, ListPagesWalkEveryPlanningOnceInOrder) {
  add_list_plannings();
  std::vector<std::string> seen;
  PlanningQuery q;
  q.limit = 2;
  int pages = 0;
  for (;;) {
    auto rows = list(kAlice, q);
    ASSERT_LE(rows.size(), q.limit + 1);
    ++pages;
    bool more = rows.size() > q.limit;
    if (more) rows.resize(q.limit);
    for (const auto& p : rows) seen.push_back(p.id);
    if (!more) break;
    q.after = PlanningQuery::Cursor{rows.back().date_debut, rows.back().id};
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, oids({5, 3, 2, 1, 4}));
}

TEST_P(StorePlannings, ListFiltersByPeriode) {
  add_list_plannings();
  PlanningQuery q;
  q.periode = "semaine";
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2}));
  q.periode = "jour";
  EXPECT_EQ(list_ids(kAlice, q), oids({1}));
  q.periode = "semestre";
  EXPECT_TRUE(list_ids(kAlice, q).empty());
}

TEST_P(StorePlannings, ListFromKeepsPlanningsEndingAfterItAndToThoseStartingBeforeIt) {
  add_list_plannings();
  PlanningQuery q;
  q.from_ms = kT0 - 2 * kDay;  // P1 ends exactly then: out
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2, 4}));
  q.from_ms = kT0 - 2 * kDay - 1;
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3, 2, 1, 4}));

  q = {};
  q.to_excl_ms = kT0;  // P2 and P3 start exactly then: out
  EXPECT_EQ(list_ids(kAlice, q), oids({1, 4}));
  q.to_excl_ms = kT0 + 1;
  EXPECT_EQ(list_ids(kAlice, q), oids({3, 2, 1, 4}));

  q = {};
  q.from_ms = kT0 - 2 * kDay;
  q.to_excl_ms = kT0 + 5 * kDay;  // P5 starts exactly then: out
  EXPECT_EQ(list_ids(kAlice, q), oids({3, 2, 4}));
  q.from_ms = kT0 + 20 * kDay;  // P4 ends exactly then; P5 ends before and starts too late
  EXPECT_TRUE(list_ids(kAlice, q).empty());
}

TEST_P(StorePlannings, ListCombinesFiltersCursorAndLimit) {
  add_list_plannings();
  PlanningQuery q;
  q.periode = "semaine";
  q.from_ms = kT0 - 2 * kDay;
  q.to_excl_ms = kT0 + 30 * kDay;
  q.limit = 1;
  EXPECT_EQ(list_ids(kAlice, q), oids({5, 3}));
  q.after = PlanningQuery::Cursor{kT0 + 5 * kDay, oid(5)};
  EXPECT_EQ(list_ids(kAlice, q), oids({3, 2}));
  q.after = PlanningQuery::Cursor{kT0, oid(3)};
  EXPECT_EQ(list_ids(kAlice, q), oids({2}));
  EXPECT_TRUE(list_ids(kBob, q).empty());
}

// ---- list_all -----------------------------------------------------------------------------------

TEST_P(StorePlannings, ListAllReturnsEveryPlanningOfTheUserWithItsSessions) {
  std::vector<PlanningRecord> alices;
  for (unsigned i = 0; i < 23; ++i) {  // more than a page of `list`
    std::int64_t start = kT0 + static_cast<std::int64_t>(i) * kDay;
    alices.push_back(planning_record(oid(100 + i), kAlice, start,
                                     {session_record(oid(200 + 2 * i), "Maths", start + 2 * kHour, start + 3 * kHour),
                                      session_record(oid(201 + 2 * i), "Chimie", start + kHour, start + 2 * kHour)}));
  }
  insert(alices);
  insert({planning_record(oid(1), kBob, kT0)});

  auto all = read([](Repos& r) { return r.plannings().list_all(kAlice); });
  ASSERT_EQ(all.size(), 23u);
  std::sort(all.begin(), all.end(), [](const PlanningRecord& a, const PlanningRecord& b) { return a.id < b.id; });
  for (std::size_t i = 0; i < all.size(); ++i) {
    PlanningRecord expected = alices[i];
    std::swap(expected.sessions[0], expected.sessions[1]);  // by start
    EXPECT_EQ(show(all[i]), show(expected));
  }
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.plannings().list_all(kBob); })), oids({1}));
  EXPECT_TRUE(read([](Repos& r) { return r.plannings().list_all(oid(99)); }).empty());
}

// ---- sessions_ending_after ----------------------------------------------------------------------

TEST_P(StorePlannings, SessionsEndingAfterGivesEachSessionWithItsPlanningByStart) {
  PlanningRecord a =
      planning_record(oid(1), kAlice, kT0,
                      {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour),
                       session_record(oid(12), "Physique", kT0 + 3 * kHour, kT0 + 4 * kHour, "termine")});
  PlanningRecord b = planning_record(
      oid(2), kAlice, kT0 - kDay,
      {session_record(oid(21), "Histoire", kT0 - kDay + kHour, kT0 + 2 * kHour + 30 * kMinute, "planifie", "longue"),
       session_record(oid(22), "Anglais", kT0 - kDay, kT0 - kDay + kHour)});
  b.titre = std::nullopt;
  b.source = "fallback";
  insert({a, b, planning_record(oid(3), kBob, kT0, {session_record(oid(31), "Maths", kT0, kT0 + 5 * kHour)})});

  auto with = [](PlanningRecord p, const SessionRecord& s) {
    p.sessions = {s};
    return show(p);
  };
  auto shown = [](const std::vector<PlanningRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& p : rows) out.push_back(show(p));
    return out;
  };

  // A session ending exactly at the bound is in.
  EXPECT_EQ(shown(read([](Repos& r) { return r.plannings().sessions_ending_after(kAlice, kT0 + 2 * kHour); })),
            (std::vector<std::string>{with(b, b.sessions[0]), with(a, a.sessions[0]), with(a, a.sessions[1])}));
  EXPECT_EQ(shown(read([](Repos& r) { return r.plannings().sessions_ending_after(kAlice, kT0 + 2 * kHour + 1); })),
            (std::vector<std::string>{with(b, b.sessions[0]), with(a, a.sessions[1])}));
  EXPECT_EQ(shown(read([](Repos& r) { return r.plannings().sessions_ending_after(kAlice, 0); })),
            (std::vector<std::string>{with(b, b.sessions[1]), with(b, b.sessions[0]), with(a, a.sessions[0]),
                                      with(a, a.sessions[1])}));
  EXPECT_TRUE(read([](Repos& r) { return r.plannings().sessions_ending_after(kAlice, kT0 + 4 * kHour + 1); }).empty());
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.plannings().sessions_ending_after(kBob, 0); })), oids({3}));
}

// ---- set_session_status ---------------------------------------------------------------------------

TEST_P(StorePlannings, SetSessionStatusChangesThatSessionAndTheTimeOfItsPlanning) {
  PlanningRecord a = planning_record(oid(1), kAlice, kT0,
                                     {session_record(oid(11), "Maths", kT0 + kHour, kT0 + 2 * kHour, "planifie", "n"),
                                      session_record(oid(12), "Physique", kT0 + 3 * kHour, kT0 + 4 * kHour)});
  PlanningRecord bobs = planning_record(oid(2), kBob, kT0, {session_record(oid(21), "Maths", kT0, kT0 + kHour)});
  insert({a, bobs});

  write([](Repos& r) { r.plannings().set_session_status(oid(11), "termine", kT0 + 42); });
  PlanningRecord expected = a;
  expected.sessions[0].statut = "termine";
  expected.updated_at = kT0 + 42;
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(expected));
  EXPECT_EQ(show(find_planning(kBob, oid(2))), show(bobs));

  write([](Repos& r) { r.plannings().set_session_status(oid(11), "planifie", kT0 + 43); });
  expected.sessions[0].statut = "planifie";
  expected.updated_at = kT0 + 43;
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(expected));

  // An unknown session changes nothing.
  write([](Repos& r) { r.plannings().set_session_status(oid(99), "rate", kT0 + 44); });
  EXPECT_EQ(show(find_planning(kAlice, oid(1))), show(expected));
  EXPECT_EQ(show(find_planning(kBob, oid(2))), show(bobs));
}

// ---- planning_of_session --------------------------------------------------------------------------

TEST_P(StorePlannings, PlanningOfSessionIsTheOwnersPlanningOnly) {
  insert(
      {planning_record(oid(1), kAlice, kT0, {session_record(oid(11), "Maths", kT0, kT0 + kHour)}),
       planning_record(oid(2), kAlice, kT0 + kDay, {session_record(oid(21), "Maths", kT0 + kDay, kT0 + kDay + kHour)}),
       planning_record(oid(3), kBob, kT0, {session_record(oid(31), "Maths", kT0, kT0 + kHour)})});
  EXPECT_EQ(planning_of_session(kAlice, oid(11)), oid(1));
  EXPECT_EQ(planning_of_session(kAlice, oid(21)), oid(2));
  EXPECT_EQ(planning_of_session(kBob, oid(31)), oid(3));
  EXPECT_EQ(planning_of_session(kAlice, oid(31)), std::nullopt);  // Bob's session
  EXPECT_EQ(planning_of_session(kBob, oid(11)), std::nullopt);
  EXPECT_EQ(planning_of_session(kAlice, oid(99)), std::nullopt);
  EXPECT_EQ(planning_of_session(kAlice, oid(1)), std::nullopt);  // a planning's id is not a session's
}

PLANETUDE_STORE_CONTRACT(StorePlannings);

}  // namespace
