// UserService on a real database: profile updates (merged, re-read in the transaction, an empty
// one changes nothing), the export of everything a user owns, and account deletion.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "core/errors.hpp"
#include "core/worker_pool.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/accounts/password_hasher.hpp"
#include "services/accounts/user_service.hpp"
#include "support/run_async.hpp"
#include "support/service_test.hpp"
#include "support/temp_database.hpp"

namespace {

using namespace planetude;
using planetude::testing::error_of;
using planetude::testing::run_async;
using planetude::testing::TempDatabase;

const std::string kLea = "65a1b2c3d4e5f60718293a01";
const std::string kBob = "65a1b2c3d4e5f60718293a02";
const std::string kPassword = "correct horse battery";

// The ids a user's export holds, per kind, to compare with what was seeded.
struct Owned {
  std::vector<std::string> plannings, sessions, progress, messages, proposals;
  bool operator==(const Owned&) const = default;
};

Owned ids_of(const UserExport& e) {
  Owned o;
  for (const auto& p : e.plannings) {
    o.plannings.push_back(p.id);
    for (const auto& s : p.sessions) o.sessions.push_back(s.id);
  }
  for (const auto& p : e.progress) o.progress.push_back(p.id);
  for (const auto& m : e.messages) o.messages.push_back(m.id);
  for (const auto& p : e.proposals) o.proposals.push_back(p.id);
  return o;
}

class UserServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lea = user(kLea, "lea@example.com", "Léa", PasswordHasher().hash(kPassword));
    bob = user(kBob, "bob@example.com", "Bob", "not-a-real-hash");
    run_async(t.db().write([&](store::Repos& r) {
      r.users().insert(lea);
      r.users().insert(bob);
    }));
  }

  static store::UserRecord user(std::string id, std::string email, std::string name, std::string hash) {
    store::UserRecord u;
    u.id = std::move(id);
    u.email = std::move(email);
    u.password_hash = std::move(hash);
    u.name = std::move(name);
    u.themes = {"Révisions"};
    u.matieres = {"Maths", "Physique"};
    u.timezone = "Europe/Paris";
    u.created_at = u.updated_at = 1'760'000'000'000;
    return u;
  }

  // One planning with a session, a progress entry linked to it, a coach message and a proposal,
  // all with ids ending in `tag`; returns what the export should list.
  Owned seed(const std::string& user_id, char tag) {
    auto id = [&](const char* prefix) {
      return std::string(prefix) + std::string(24 - std::string(prefix).size() - 1, '0') + tag;
    };
    store::PlanningRecord p;
    p.id = id("aa");
    p.user_id = user_id;
    p.titre = "Semaine";
    p.periode = "semaine";
    p.date_debut = 1'773'010'800'000;  // 2026-03-09T00:00+01:00
    p.date_fin = p.date_debut + 7 * 24 * 3600 * 1000LL;
    p.created_at = p.updated_at = 1'773'000'000'000;
    p.sessions.push_back({id("bb"), "Maths", p.date_debut + 9 * 3600 * 1000LL, p.date_debut + 10 * 3600 * 1000LL,
                          "termine", std::nullopt});
    store::ProgressRecord e;
    e.id = id("cc");
    e.user_id = user_id;
    e.date = "2026-03-09";
    e.sessions_completees = 1;
    e.temps_etudie = 60;
    e.matiere = "Maths";
    e.planning_id = p.id;
    e.session_id = p.sessions[0].id;
    e.created_at = 1'773'050'000'000;
    store::ChatMessageRecord m{id("dd"), user_id, "coach", "Bonjour !", std::string("fallback"), 1'773'050'000'000, 0};
    store::ProposalRecord pr;
    pr.id = id("ee");
    pr.user_id = user_id;
    pr.message_id = m.id;
    pr.type = "delete_session";
    pr.summary = "Supprimer la session de maths";
    pr.payload = R"({"planningId":")" + p.id + R"(","sessionId":")" + p.sessions[0].id + R"("})";
    pr.origin = "fallback";
    pr.created_at = pr.updated_at = 1'773'050'000'000;
    run_async(t.db().write([&](store::Repos& r) {
      r.plannings().insert(p);
      r.progress().insert(e);
      r.chat().append(m);
      r.proposals().insert(pr);
    }));
    return Owned{{p.id}, {p.sessions[0].id}, {e.id}, {m.id}, {pr.id}};
  }

  // What the database holds for the user, read directly from the stores.
  Owned stored(const std::string& user_id) {
    return run_async(t.db().read([&](store::Repos& r) {
      UserExport e{store::UserRecord{},
                   r.plannings().list_all(user_id),
                   r.progress().list_all(user_id),
                   r.chat().list_all(user_id),
                   r.proposals().list_all(user_id),
                   std::nullopt,
                   {},
                   {},
                   0};
      return ids_of(e);
    }));
  }

  std::optional<store::UserRecord> find(const std::string& id) {
    return run_async(t.db().read([&](store::Repos& r) { return r.users().find_by_id(id); }));
  }

  TempDatabase t;
  WorkerPool cpu{1};
  AuthService auth{AuthSettings{}, "unit-test-secret-unit-test-secret-0123456789", t.db(), cpu};
  UserService users{t.db(), auth};
  store::UserRecord lea, bob;
};

TEST_F(UserServiceTest, UpdateProfileChangesOnlyTheGivenFields) {
  models::ProfileUpdate update;
  update.name = "Léa Martin";
  update.matieres = std::vector<std::string>{"Chimie"};
  store::UserRecord updated = run_async(users.update_profile(lea, update));
  EXPECT_EQ(updated.name, "Léa Martin");
  EXPECT_EQ(updated.matieres, std::vector<std::string>{"Chimie"});
  EXPECT_EQ(updated.themes, std::vector<std::string>{"Révisions"});
  EXPECT_EQ(updated.timezone, "Europe/Paris");
  EXPECT_EQ(updated.email, "lea@example.com");
  EXPECT_GT(updated.updated_at, lea.updated_at);

  auto now = find(kLea);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->name, "Léa Martin");
  EXPECT_EQ(now->matieres, std::vector<std::string>{"Chimie"});
  EXPECT_EQ(now->themes, std::vector<std::string>{"Révisions"});
  EXPECT_EQ(now->updated_at, updated.updated_at);
  EXPECT_EQ(now->password_hash, lea.password_hash);
  // Bob is untouched.
  EXPECT_EQ(find(kBob)->name, "Bob");
}

TEST_F(UserServiceTest, UpdatesFromAStaleRecordMergeWithWhatIsStored) {
  models::ProfileUpdate rename;
  rename.name = "Léa Martin";
  run_async(users.update_profile(lea, rename));
  // The second update still carries the record from before the rename.
  models::ProfileUpdate move;
  move.timezone = "America/Montreal";
  move.themes = std::vector<std::string>{"Examens", "Méthode"};
  store::UserRecord updated = run_async(users.update_profile(lea, move));
  EXPECT_EQ(updated.name, "Léa Martin");
  EXPECT_EQ(updated.timezone, "America/Montreal");
  EXPECT_EQ(updated.themes, (std::vector<std::string>{"Examens", "Méthode"}));
  EXPECT_EQ(updated.matieres, (std::vector<std::string>{"Maths", "Physique"}));
  auto now = find(kLea);
  EXPECT_EQ(now->name, "Léa Martin");
  EXPECT_EQ(now->timezone, "America/Montreal");
}

TEST_F(UserServiceTest, AnEmptyUpdateChangesNothing) {
  store::UserRecord same = run_async(users.update_profile(lea, models::ProfileUpdate{}));
  EXPECT_EQ(same.name, "Léa");
  EXPECT_EQ(same.updated_at, lea.updated_at);
  auto now = find(kLea);
  EXPECT_EQ(now->name, "Léa");
  EXPECT_EQ(now->themes, std::vector<std::string>{"Révisions"});
  EXPECT_EQ(now->updated_at, 1'760'000'000'000);
}

TEST_F(UserServiceTest, ExportHoldsEverythingTheUserOwnsAndNothingOfAnother) {
  Owned leas = seed(kLea, '1');
  Owned bobs = seed(kBob, '2');
  UserExport e = run_async(users.export_all(lea));
  EXPECT_EQ(e.user.id, kLea);
  EXPECT_EQ(e.user.email, "lea@example.com");
  EXPECT_EQ(ids_of(e), leas);
  EXPECT_NE(leas, bobs);
  ASSERT_EQ(e.progress.size(), 1u);
  EXPECT_EQ(e.progress[0].session_id, leas.sessions[0]);
  ASSERT_EQ(e.messages.size(), 1u);
  EXPECT_EQ(e.messages[0].content, "Bonjour !");
  ASSERT_EQ(e.proposals.size(), 1u);
  EXPECT_EQ(e.proposals[0].status, "pending");
  EXPECT_GT(e.exported_at, 0);
}

TEST_F(UserServiceTest, ExportOfAUserWithNothingIsEmpty) {
  seed(kBob, '2');
  UserExport e = run_async(users.export_all(lea));
  EXPECT_EQ(ids_of(e), Owned{});
}

TEST_F(UserServiceTest, DeleteAccountWithAWrongPasswordRefusesAndKeepsEverything) {
  Owned leas = seed(kLea, '1');
  auto e = error_of<DomainError>(users.delete_account(lea, "not the password"));
  EXPECT_EQ(e.code(), "invalid_credentials");
  EXPECT_TRUE(find(kLea).has_value());
  EXPECT_EQ(stored(kLea), leas);
}

TEST_F(UserServiceTest, DeleteAccountRemovesTheUserAndEverythingTheyOwn) {
  seed(kLea, '1');
  Owned bobs = seed(kBob, '2');
  run_async(users.delete_account(lea, kPassword));
  EXPECT_FALSE(find(kLea).has_value());
  EXPECT_EQ(stored(kLea), Owned{});
  // Bob keeps all of his.
  EXPECT_TRUE(find(kBob).has_value());
  EXPECT_EQ(stored(kBob), bobs);
  // Nothing of Léa's is left for anyone to export.
  EXPECT_EQ(error_of<DomainError>(users.export_all(lea)).code(), "unauthenticated");
}

}  // namespace
