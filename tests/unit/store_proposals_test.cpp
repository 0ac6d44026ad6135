// Contract of store::ProposalStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::ProposalRecord;
using planetude::store::Repos;

class StoreProposals : public StoreContract {
 protected:
  // Alice's coach messages oid(1), oid(2); Bob's oid(3).
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
    write([](Repos& r) {
      r.chat().append(message_record(oid(1), kAlice, "coach", "Je propose…", kT0));
      r.chat().append(message_record(oid(2), kAlice, "coach", "Et aussi…", kT0 + 1));
      r.chat().append(message_record(oid(3), kBob, "coach", "Pour Bob…", kT0 + 2));
    });
  }
  void insert(const std::vector<ProposalRecord>& proposals) {
    write([&](Repos& r) {
      for (const auto& p : proposals) r.proposals().insert(p);
    });
  }
  std::optional<ProposalRecord> find(const std::string& user_id, const std::string& id) {
    return read([&](Repos& r) { return r.proposals().find(user_id, id); });
  }
};

TEST_P(StoreProposals, InsertedProposalIsFoundWithEveryField) {
  ProposalRecord create = proposal_record(oid(21), kAlice, oid(1), kT0);
  create.type = "create_planning";
  create.summary = "Créer « Semaine de révisions »";
  create.payload = R"({"periode":"semaine","dateDebut":"2025-06-16T00:00:00Z","sessions":[],"titre":"a \"b\""})";
  create.origin = "fallback";
  create.updated_at = kT0 + 3;
  ProposalRecord update = proposal_record(oid(22), kAlice, oid(1), kT0 + 1);
  update.type = "update_session";
  update.status = "applied";
  insert({create, update});

  EXPECT_EQ(show(find(kAlice, oid(21))), show(create));
  EXPECT_EQ(show(find(kAlice, oid(22))), show(update));
}

TEST_P(StoreProposals, FindIsNulloptForAnotherUsersOrAnUnknownProposal) {
  insert({proposal_record(oid(21), kAlice, oid(1), kT0)});
  EXPECT_FALSE(find(kBob, oid(21)).has_value());
  EXPECT_FALSE(find(kAlice, oid(29)).has_value());
  EXPECT_FALSE(find(kAlice, oid(1)).has_value());  // a message's id is not a proposal's
  EXPECT_TRUE(find(kAlice, oid(21)).has_value());
}

TEST_P(StoreProposals, InsertRefusesAProposalWhoseMessageDoesNotExist) {
  EXPECT_ANY_THROW(insert({proposal_record(oid(21), kAlice, oid(9), kT0)}));
  EXPECT_FALSE(find(kAlice, oid(21)).has_value());
  EXPECT_TRUE(read([](Repos& r) { return r.proposals().list_all(kAlice); }).empty());
  // With its message, the same proposal goes in.
  insert({proposal_record(oid(21), kAlice, oid(1), kT0)});
  EXPECT_TRUE(find(kAlice, oid(21)).has_value());
}

TEST_P(StoreProposals, SetStatusChangesStatusAndUpdatedAtOnly) {
  ProposalRecord first = proposal_record(oid(21), kAlice, oid(1), kT0);
  ProposalRecord second = proposal_record(oid(22), kAlice, oid(2), kT0 + 1);
  ProposalRecord bobs = proposal_record(oid(23), kBob, oid(3), kT0 + 2);
  insert({first, second, bobs});

  write([](Repos& r) { r.proposals().set_status(oid(21), "applied", kT0 + 100); });
  write([](Repos& r) { r.proposals().set_status(oid(22), "dismissed", kT0 + 200); });
  first.status = "applied";
  first.updated_at = kT0 + 100;
  second.status = "dismissed";
  second.updated_at = kT0 + 200;
  EXPECT_EQ(show(find(kAlice, oid(21))), show(first));
  EXPECT_EQ(show(find(kAlice, oid(22))), show(second));
  EXPECT_EQ(show(find(kBob, oid(23))), show(bobs));

  // An unknown id changes nothing.
  write([](Repos& r) { r.proposals().set_status(oid(29), "applied", kT0 + 300); });
  EXPECT_EQ(show(find(kAlice, oid(21))), show(first));
  EXPECT_EQ(show(find(kBob, oid(23))), show(bobs));
}

TEST_P(StoreProposals, ListAllIsTheUsersProposalsOldestFirst) {
  insert({proposal_record(oid(24), kAlice, oid(2), kT0 + 30), proposal_record(oid(21), kAlice, oid(1), kT0 + 10),
          proposal_record(oid(23), kBob, oid(3), kT0 + 15), proposal_record(oid(25), kAlice, oid(1), kT0 - 5),
          proposal_record(oid(22), kAlice, oid(2), kT0 + 20)});
  // Changing the status does not move a proposal.
  write([](Repos& r) { r.proposals().set_status(oid(25), "applied", kT0 + 1000); });

  auto alices = read([](Repos& r) { return r.proposals().list_all(kAlice); });
  EXPECT_EQ(ids_of(alices), oids({25, 21, 22, 24}));
  ASSERT_EQ(alices.size(), 4u);
  EXPECT_EQ(show(alices[2]), show(proposal_record(oid(22), kAlice, oid(2), kT0 + 20)));
  EXPECT_EQ(alices[0].status, "applied");
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.proposals().list_all(kBob); })), oids({23}));
  EXPECT_TRUE(read([](Repos& r) { return r.proposals().list_all(oid(99)); }).empty());
}

TEST_P(StoreProposals, OfMessagesIsTheProposalsOfThoseMessagesOnlyOldestFirst) {
  insert({proposal_record(oid(24), kAlice, oid(2), kT0 + 30), proposal_record(oid(21), kAlice, oid(1), kT0 + 10),
          proposal_record(oid(23), kBob, oid(3), kT0 + 15), proposal_record(oid(22), kAlice, oid(2), kT0 + 5)});
  write([](Repos& r) { r.proposals().set_status(oid(22), "dismissed", kT0 + 1000); });

  auto both = read([](Repos& r) { return r.proposals().of_messages(kAlice, {oid(2), oid(1)}); });
  EXPECT_EQ(ids_of(both), oids({22, 21, 24}));
  ASSERT_EQ(both.size(), 3u);
  EXPECT_EQ(both[0].status, "dismissed");
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.proposals().of_messages(kAlice, {oid(1)}); })), oids({21}));
  // Another user's message, an unknown one, or none: nothing.
  EXPECT_TRUE(read([](Repos& r) { return r.proposals().of_messages(kAlice, {oid(3), oid(99)}); }).empty());
  EXPECT_TRUE(read([](Repos& r) { return r.proposals().of_messages(kBob, {oid(1), oid(2)}); }).empty());
  EXPECT_TRUE(read([](Repos& r) { return r.proposals().of_messages(kAlice, {}); }).empty());
}

PLANETUDE_STORE_CONTRACT(StoreProposals);

}  // namespace
